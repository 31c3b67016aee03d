import { randomBytes } from 'node:crypto';
import { CrucibleError, type NameChange, type NameMovedV1 } from '@crucible/contracts';
import { rejectedWith } from '@crucible/contracts/testing';
import { label, type NamesStack } from './stack';

interface SeenEvent {
  event_id: string;
  type: string;
  schema_version: number;
  source: string;
  key: string;
  data: NameMovedV1;
}

/** `names.name_moved` on the event log: once per change, never for a no-op or a failure. */
export function describeNamesEvents(stack: () => NamesStack): void {
  describe('name_moved events', () => {
    let s: NamesStack;
    beforeAll(() => {
      s = stack();
    });

    it('publishes one name_moved per change, keyed by name', async () => {
      const [one, two, three] = [label('ev1'), label('ev2'), label('ev3')];
      const ours = new Set([one, two, three]);
      const seen: SeenEvent[] = [];
      const consumer = await s.infra.eventLog.subscribe(
        {
          groupId: `${s.infra.prefix}.test.names_${randomBytes(4).toString('hex')}`,
          topics: [`${s.infra.prefix}.names.events`],
          fromBeginning: true,
        },
        (record) => {
          const event = JSON.parse(Buffer.from(record.value).toString('utf8')) as SeenEvent;
          if (ours.has(event.data.name)) seen.push(event);
          return Promise.resolve();
        },
      );
      try {
        const [a, b] = [s.scenario(), s.scenario()];
        const changes: NameChange[] = [];
        changes.push(await s.rpc.call('set_scenario_name', { name: one, hash: a, note: 'n1' }));
        await s.rpc.call('set_scenario_name', { name: one, hash: a }); // no-op
        changes.push(
          await s.rpc.call('set_scenario_name', { name: one, hash: b, expected_current_hash: a }),
        );
        await rejectedWith(
          s.rpc.call('set_scenario_name', { name: one, hash: a, expected_current_hash: a }),
          CrucibleError,
        );
        changes.push(await s.rpc.call('unset_scenario_name', { name: one }));
        const batch = await s.rpc.call('update_scenario_names', {
          updates: [
            { name: two, hash: a },
            { name: three, hash: b },
          ],
          note: 'together',
        });
        changes.push(...batch.changes);
        const partial = await s.rpc.call('update_scenario_names', {
          updates: [
            { name: two, hash: a }, // no-op
            { name: three, hash: a },
          ],
        });
        changes.push(partial.changes[1]!);

        const deadline = Date.now() + 30_000;
        while (seen.length < changes.length && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 100));
        // Give a duplicate or an event for a no-op time to show up if one were (wrongly) published.
        await new Promise((r) => setTimeout(r, 1000));

        const byHistoryId = [...seen].sort((x, y) => x.data.history_id - y.data.history_id);
        expect(byHistoryId.map((e) => e.data)).toEqual(
          changes.map((change, i) => ({
            name: change.name,
            old_hash: change.previous_hash,
            new_hash: change.hash,
            history_id: change.history_id,
            changed_at: change.changed_at,
            note: i === 0 ? 'n1' : i === 3 || i === 4 ? 'together' : null,
            // Over the bus with no principal: nobody from outside asked.
            actor: null,
          })),
        );
        for (const event of seen) {
          expect(event).toMatchObject({
            type: 'names.name_moved',
            schema_version: 2,
            source: 'names',
            key: event.data.name,
          });
        }
        expect(new Set(seen.map((e) => e.event_id)).size).toBe(seen.length);
      } finally {
        await consumer.stop();
      }
    }, 60_000);
  });
}
