/**
 * A FROM item that makes the transaction of the statement it joins commit
 * without waiting for its WAL to reach disk: `synchronous_commit` off for
 * that transaction only (`set_config(..., true)`; the session keeps its
 * own setting). On the 2-core machine a commit that waits for the disk took
 * 0.8-2.3 ms at the median against 0.1-0.15 ms without (docs/architecture.md,
 * "Commits that need not wait for the disk").
 *
 * For writes that a Postgres crash may take back without breaking a
 * promise: a lease or claim (the work is claimed again), a relay's cursor
 * (events are published again and consumers apply each once), a record kept
 * only to save work (an LLM call's answer: the call is paid again). Never for an
 * acknowledged write or an outbox row. A crash of the writing process loses
 * nothing: only Postgres's own crash can, and only the last fraction of a
 * second, in commit order (a later commit that waits for the disk makes
 * every earlier one durable with it).
 *
 * Use it only in a statement run on its own (not inside a transaction that
 * holds other writes, which would all commit the same way), and join it so
 * that every row the statement writes is produced through it:
 *
 *     update t set ... from ${RELAXED_COMMIT} where ...
 */
export const RELAXED_COMMIT =
  "(select set_config('synchronous_commit', 'off', true)) as relaxed_commit(setting)";
