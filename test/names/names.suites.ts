import { describeNamesApi } from './names-api.suite';
import { describeNamesBadInput } from './names-bad-input.suite';
import { describeNamesConcurrency } from './names-concurrency.suite';
import { describeNamesEvents } from './names-events.suite';
import type { NamesStack } from './stack';

/** Every names suite on one stack, started once for the file. */
export function describeNamesService(kind: string, start: () => Promise<NamesStack>): void {
  describe(`names service (${kind})`, () => {
    let stack: NamesStack | undefined;
    beforeAll(async () => {
      stack = await start();
    }, 60_000);
    afterAll(async () => {
      await stack?.stop();
    });
    const current = (): NamesStack => {
      if (!stack) throw new Error('the stack did not start');
      return stack;
    };
    describeNamesApi(current);
    describeNamesConcurrency(current);
    describeNamesBadInput(current);
    describeNamesEvents(current);
  });
}
