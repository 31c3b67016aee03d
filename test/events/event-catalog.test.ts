import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TESTS } from './event-tests';

// Read from the file itself, not through the Catalog class, so a type the
// class failed to load still counts as one that needs a test.
function catalogEventTypes(): string[] {
  const file = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'schemas', 'catalog.json'), 'utf8'),
  ) as { streams: Record<string, { events: Record<string, unknown> }> };
  return Object.entries(file.streams).flatMap(([stream, { events }]) =>
    Object.keys(events).map((event) => `${stream}.${event}`),
  );
}

describe('event tests cover the catalog', () => {
  it('has an event test (test/events/event-tests.ts) for every event type of every stream', () => {
    const types = catalogEventTypes();
    expect(types.length).toBeGreaterThan(0);
    const covered = new Set<string>(EVENT_TESTS.map((test) => test.type));
    expect(types.filter((type) => !covered.has(type))).toEqual([]);
  });

  it('has no event test for a type the catalog does not list', () => {
    const types = new Set<string>(catalogEventTypes());
    expect(EVENT_TESTS.map((test) => test.type).filter((type) => !types.has(type))).toEqual([]);
  });
});
