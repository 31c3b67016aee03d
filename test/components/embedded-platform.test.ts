import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textComponentHash } from '@crucible/hashing';
import { startServiceProcess, type ServiceProcess } from './processes';
import { http } from './stack';

// What `npm start` runs without DATABASE_URL/NATS_URL/KAFKA_BROKERS: the whole
// platform in one process, on PGlite in a data folder.
describe('the embedded platform process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crucible-platform-'));
  const running: ServiceProcess[] = [];

  afterAll(async () => {
    for (const p of running) await p.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function startPlatform(): Promise<{ process: ServiceProcess; url: string }> {
    const platform = startServiceProcess('platform', { CRUCIBLE_DATA_DIR: dataDir, PORT: '0' });
    running.push(platform);
    const url = String((await platform.waitForLog('listening', 60_000)).url);
    return { process: platform, url };
  }

  it('serves puts and gets, keeps data across restarts, and guards its data folder', async () => {
    const first = await startPlatform();
    await first.process.waitForOutput(`Crucible is running`);
    expect(first.process.output()).toContain(`MCP       ${first.url}/mcp`);
    const content = 'A room that survives a restart.';
    const put = await http(`${first.url}/v1/components/environments`, 'POST', { content });
    expect(put.body).toEqual({ hash: textComponentHash(content), was_new: true });

    const scenario = await http(`${first.url}/v1/scenarios`, 'POST', {
      scenario_slug: 'embedded_room',
      description: 'Stored by the embedded platform.',
      chronon_seconds: 60,
      cognition_profiles: {
        subject: {
          inline: {
            perceive_system: { inline: 'Perceive.' },
            intend_system: { inline: 'Intend.' },
            adjudicate_system: { inline: 'Adjudicate.' },
            adjudication_schema: { inline: { type: 'object' } },
            adjudication_retry_budget: 1,
          },
        },
      },
      environments: { room: { hash: put.body.hash } },
      entities: [
        {
          inline: {
            id: 'subject',
            name: 'Subject',
            environment: 'room',
            kind: { agent: { goal: 'Stay.', cognition_profile: 'subject' } },
          },
        },
      ],
      name: 'embedded-room',
    });
    expect(scenario.body).toMatchObject({
      was_new_scenario: true,
      name: { name: 'embedded-room' },
    });

    // A second process on the same folder must refuse to start.
    const intruder = startServiceProcess('platform', { CRUCIBLE_DATA_DIR: dataDir, PORT: '0' });
    running.push(intruder);
    await expect(intruder.waitForLog('listening', 30_000)).rejects.toThrow(/in use by process/);

    expect(await first.process.stop()).toBe(0);
    const second = await startPlatform();
    const got = await http(`${second.url}/v1/components/environments/${put.body.hash}`, 'GET');
    expect(got.body.content).toBe(content);
    const again = await http(`${second.url}/v1/components/environments`, 'POST', { content });
    expect(again.body.was_new).toBe(false);
    const named = await http(`${second.url}/v1/scenarios/lookup?name=embedded-room`, 'GET');
    expect(named.body).toMatchObject({
      hash: scenario.body.scenario_hash,
      names: ['embedded-room'],
    });
    expect(await second.process.stop()).toBe(0);
  }, 120_000);
});
