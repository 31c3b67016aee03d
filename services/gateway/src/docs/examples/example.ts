import type { OperationName, ReplyOf, RequestOf } from '@crucible/contracts';

/**
 * One documented call of an operation: the request, and the reply it gets
 * when the examples run in order on an empty platform (a test runs them).
 * Hashes are content addresses, so they are the real ones; ids count from 1
 * on an empty database; timestamps are stand-ins, each for one instant (the
 * same stand-in twice is the same instant).
 */
export interface OperationExample<Op extends OperationName = OperationName> {
  readonly operation: Op;
  readonly request: RequestOf<Op>;
  readonly reply: ReplyOf<Op>;
}

/** An example, checked against its operation's generated types. */
export function example<Op extends OperationName>(given: OperationExample<Op>): OperationExample {
  return given;
}
