// test/infra/processes.mjs's runForeground, as `npm test` runs jest with it:
// a command that has written its results file but does not exit (jest holding
// a handle a suite left open) is stopped after the grace period instead of
// holding the run until its deadline (a CI run once waited an hour for it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Ended {
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  lingered: boolean;
}
type RunForeground = (
  command: string,
  args: string[],
  options: { cwd: string; timeoutMs: number; linger?: { file: string; graceMs: number } },
) => Promise<Ended>;

const processes = () =>
  import(pathToFileURL(join(__dirname, '..', 'infra', 'processes.mjs')).href) as Promise<{
    runForeground: RunForeground;
  }>;

describe('runForeground with a results file to wait for', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'crucible-linger-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writesThen = (file: string, then: string) =>
    `require('node:fs').writeFileSync(${JSON.stringify(file)}, '{}'); ${then}`;

  it('stops a command that wrote the file and lingers past the grace period', async () => {
    const { runForeground } = await processes();
    const file = join(dir, 'results.json');
    const started = Date.now();
    const ended = await runForeground(
      process.execPath,
      ['-e', writesThen(file, 'setInterval(() => undefined, 1000)')],
      { cwd: dir, timeoutMs: 60_000, linger: { file, graceMs: 1_000 } },
    );
    expect(ended).toMatchObject({ lingered: true, timedOut: false, signal: 'SIGTERM' });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('leaves alone a command that exits by itself after writing it', async () => {
    const { runForeground } = await processes();
    const file = join(dir, 'results.json');
    const ended = await runForeground(
      process.execPath,
      ['-e', writesThen(file, 'setTimeout(() => process.exit(3), 200)')],
      { cwd: dir, timeoutMs: 60_000, linger: { file, graceMs: 5_000 } },
    );
    expect(ended).toEqual({ code: 3, signal: null, timedOut: false, lingered: false });
  });

  it('waits for a command that has not written it yet, up to the deadline', async () => {
    const { runForeground } = await processes();
    const ended = await runForeground(
      process.execPath,
      ['-e', 'setInterval(() => undefined, 1000)'],
      { cwd: dir, timeoutMs: 3_000, linger: { file: join(dir, 'never.json'), graceMs: 500 } },
    );
    expect(ended).toMatchObject({ lingered: false, timedOut: true, signal: 'SIGTERM' });
  });
});
