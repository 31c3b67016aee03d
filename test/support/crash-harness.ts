import { randomBytes, randomInt } from 'node:crypto';
import { defaultCatalog, streamTopic, type EventEnvelope } from '@crucible/contracts';
import { NatsBus, RpcClient } from '@crucible/messaging';
import { Client } from 'pg';
import { startServiceProcess, type ServiceProcess } from '../components/processes';
import { startCrashConsumer } from './crash-consumer';
import { sessionsOf, sessionsWaitingFor, writersWaitingFor } from './crash-sessions';
import { createTestDatabase } from './database';
import { testInfra } from './infra';
import { uniqueName } from './names';
import { openKafkaStreamReader } from './stream-reader';

/**
 * Writes that announce themselves by events. Each write has a key known
 * before it is sent (the key its event carries), so a write whose reply
 * never came can still be looked for in the database and on the stream.
 */
export interface CrashWorkload {
  /** The stream whose topic carries the writes' events. */
  readonly stream: string;
  /** The event type each committed write publishes once. */
  readonly eventType: string;
  /**
   * A table of the victim's schema that each write inserts into, inside a
   * transaction it has opened. The harness locks it before the kill, so the
   * writes in flight are open transactions that cannot commit.
   */
  readonly heldTable: string;
  /** The key of write number `seq` (unique per run and seq). */
  keyOf(run: string, seq: number): string;
  /** Sends write number `seq`; resolves once its successful reply arrived. */
  write(rpc: RpcClient, run: string, seq: number): Promise<void>;
  /** Which of `keys` have their rows in the database (committed writes). */
  committed(db: Client, keys: readonly string[]): Promise<Set<string>>;
  /** Reads write number `seq` back through the service; resolves when it is there as written. */
  read(rpc: RpcClient, run: string, seq: number): Promise<void>;
}

export interface CrashOptions {
  /** Service processes to start, in order (built dist/main.js, real Postgres, NATS, Kafka). */
  readonly services: readonly string[];
  /** The one to kill with SIGKILL and start again. */
  readonly victim: string;
  readonly workload: CrashWorkload;
  /** Concurrent writers (default 8). */
  readonly writers?: number;
  /** At most this many writes in all (default 3000). */
  readonly maxWrites?: number;
  /**
   * The writes are held, and killed once held, this long after the outbox
   * started filling, drawn uniformly (default 200 to 1500 ms).
   */
  readonly killWindowMs?: readonly [number, number];
  /** How long every committed write's event may take to arrive after the restart (default 45 s). */
  readonly settleTimeoutMs?: number;
  /** How long a writer waits for a reply (default 2 s). */
  readonly requestTimeoutMs?: number;
}

/** What happened, for the caller to check (see `crashInvariantViolations`). */
export interface CrashReport {
  /** Keys of the writes whose successful reply the client got. */
  readonly acknowledged: readonly string[];
  /** Keys of the writes whose reply never came or was an error (in flight at the kill, or timed out at the hold). */
  readonly unacknowledged: readonly string[];
  /** Keys whose rows exist after the restart. */
  readonly committed: readonly string[];
  /** Distinct event ids per key, of the records of the workload's type on the stream. */
  readonly eventIds: ReadonlyMap<string, readonly string[]>;
  /** Records of the workload's type read, duplicates included (delivery is at least once). */
  readonly records: number;
  /** Keys of the writes sent and not yet answered when the process was killed. */
  readonly inFlightAtKill: readonly string[];
  /**
   * The victim's transactions (`<pid>:<xid>`) that had written rows and were
   * waiting at the held table both just before the kill and after the process
   * was gone: open, uncommitted, at the moment of the kill.
   */
  readonly writingAtKill: readonly string[];
  /** Times the consumer applied each key's event, the whole stream delivered to it twice. */
  readonly applied: ReadonlyMap<string, number>;
  /** Records of the workload's type handed to the consumer again after it had applied them all. */
  readonly redelivered: number;
  /** Outbox rows of the victim's schema not yet published, right after the kill. */
  readonly unpublishedAtKill: number;
  readonly killedAfterMs: number;
  /** From the held table's lock until the dead process's last transaction ended. */
  readonly writesHeldMs: number;
  /** From the restarted service's ready until the last committed write's event was read. */
  readonly recoveryMs: number;
  /** From the restart until the restarted service said it was ready (process start-up, on a busy machine the most of it). */
  readonly restartReadyMs: number;
  /** Keys of acknowledged writes that the restarted service could not read back. */
  readonly unreadable: readonly string[];
}

const catalog = defaultCatalog();

function quoted(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

async function waitUntil(what: string, timeoutMs: number, probe: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline)
      throw new Error(`crash run: timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The load: writers that loop until told to stop or the budget is spent, and
 * the keys of their writes by outcome (`pending`: sent, not yet answered).
 */
class CrashLoad {
  readonly acknowledged: string[] = [];
  readonly unacknowledged: string[] = [];
  readonly pending = new Set<string>();
  lastAcknowledgedSeq = -1;
  next = 0;
  stopping = false;
  private readonly writers: Array<Promise<void>>;

  constructor(
    private readonly workload: CrashWorkload,
    private readonly rpc: RpcClient,
    private readonly run: string,
    private readonly maxWrites: number,
    writers: number,
  ) {
    this.writers = Array.from({ length: writers }, () => this.writer());
  }

  private async writer(): Promise<void> {
    while (!this.stopping && this.next < this.maxWrites) {
      const seq = this.next++;
      const key = this.workload.keyOf(this.run, seq);
      this.pending.add(key);
      try {
        await this.workload.write(this.rpc, this.run, seq);
        this.acknowledged.push(key);
        this.lastAcknowledgedSeq = Math.max(this.lastAcknowledgedSeq, seq);
      } catch {
        this.unacknowledged.push(key);
      } finally {
        this.pending.delete(key);
      }
    }
  }

  /** No new write starts; resolves when those in flight have their reply or error. */
  finish(): Promise<unknown> {
    this.stopping = true;
    return Promise.all(this.writers);
  }
}

/**
 * Kill -9 under load, then recovery: starts the services as separate
 * processes on a database of their own (each with an application name of its
 * own, so its sessions can be told apart), starts an idempotent consumer of
 * the workload's stream (`startCrashConsumer`), drives concurrent writes
 * through NATS, stalls the victim's outbox relay by locking its
 * lease-and-cursor table, and once writes are acknowledged behind that hold
 * and a random time has passed, locks the workload's held table: the writes
 * in flight stop there, each an open transaction that cannot commit. When
 * every write in flight is seen so in pg_stat_activity, the victim gets
 * SIGKILL. The holds go, the dead process's transactions end (they finish
 * their statement and find their client gone, so they roll back), the victim
 * starts again, and the harness waits until the stream has an event for every
 * committed write (the restarted relay takes the session lock the dead one's
 * connection released), reads every acknowledged write back through the
 * restarted service, writes a barrier, and hands the whole stream to the
 * consumer a second time. Bounded in writes and time; everything it started
 * is stopped and dropped in `finally`.
 */
export async function runCrash(options: CrashOptions): Promise<CrashReport> {
  const { workload, victim } = options;
  if (!options.services.includes(victim))
    throw new Error(`runCrash: ${victim} is not among ${options.services.join(', ')}`);
  const infra = testInfra();
  const database = await createTestDatabase();
  const prefix = uniqueName('crash');
  const run = prefix;
  const env = {
    DATABASE_URL: database.url,
    NATS_URL: infra.natsUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    CRUCIBLE_PREFIX: prefix,
    // 'ready' is an info line, and the harness waits for it.
    LOG_LEVEL: 'info',
  };
  // At most 63 bytes are kept by Postgres; these stay far below.
  const applicationName = (service: string) => `crash.${service}.${randomBytes(4).toString('hex')}`;
  const applicationNames = new Map(options.services.map((name) => [name, applicationName(name)]));
  const victimSessions = applicationNames.get(victim)!;
  const start = (name: string) =>
    startServiceProcess(name, { ...env, PGAPPNAME: applicationNames.get(name)! });
  const relayTable = `${quoted(victim)}.outbox_relay`;
  const heldTable = `${quoted(victim)}.${quoted(workload.heldTable)}`;
  const processes = new Map<string, ServiceProcess>();
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    cleanup.push(async () => {
      for (const service of [...processes.values()].reverse()) await service.stop();
    });
    for (const name of options.services) {
      const started = start(name);
      processes.set(name, started);
      await started.waitForLog('ready', 60_000);
    }
    const bus = await NatsBus.connect({ url: infra.natsUrl, name: uniqueName('crash_client') });
    cleanup.push(() => bus.close());
    const rpc = new RpcClient({
      bus,
      catalog,
      prefix,
      timeoutMs: options.requestTimeoutMs ?? 2000,
    });
    const reader = await openKafkaStreamReader(infra.kafkaBrokers, [
      streamTopic(prefix, workload.stream),
    ]);
    cleanup.push(() => reader.stop());
    const consumer = await startCrashConsumer({
      databaseUrl: database.url,
      brokers: infra.kafkaBrokers,
      prefix,
      stream: workload.stream,
      eventType: workload.eventType,
    });
    cleanup.push(() => consumer.stop());
    const db = new Client({ connectionString: database.url });
    await db.connect();
    cleanup.push(() => db.end());
    const hold = new Client({ connectionString: database.url });
    await hold.connect();
    cleanup.push(() => hold.end());

    const maxWrites = options.maxWrites ?? 3000;
    const load = new CrashLoad(workload, rpc, run, maxWrites, options.writers ?? 8);
    cleanup.push(() => load.finish());
    const loadStarted = Date.now();
    await waitUntil('writes acknowledged before the hold', 30_000, () =>
      Promise.resolve(load.acknowledged.length >= 20 || load.next >= maxWrites),
    );

    // Stall the victim's relay, and only it: lock its lease-and-cursor table
    // against writes. Every relay round starts with a statement that may take
    // or renew the lease, so the next round waits, while the service's writes
    // (which never touch that table) go on. The lock takes no transaction id:
    // a transaction holding one (a row lock, a write) would hold back every
    // relay on the Postgres server, whose snapshots are server-wide, other
    // test files' included.
    await hold.query('BEGIN');
    await hold.query(`LOCK TABLE ${relayTable} IN EXCLUSIVE MODE`);
    await waitUntil("the victim's relay waits for the lock", 30_000, async () => {
      return (await sessionsWaitingFor(db, victimSessions, relayTable)) > 0;
    });
    // A write sent from now on commits while the relay is stuck, so its event
    // stays in the outbox until the relay gets the row back.
    const firstHeldSeq = load.next;
    await waitUntil('a write acknowledged behind the hold', 30_000, () =>
      Promise.resolve(load.lastAcknowledgedSeq >= firstHeldSeq),
    );
    const [low, high] = options.killWindowMs ?? [200, 1500];
    await new Promise((resolve) => setTimeout(resolve, randomInt(low, high + 1)));

    // Hold the writes themselves: each write's transaction inserts into the
    // held table, so it stops there, open, its reads done (its one insert
    // statement waits for the lock as it starts, before it writes). SHARE
    // mode lets reads through and, like the relay's lock, takes no
    // transaction id. Writers keep sending until every write in flight is
    // seen so (a write that finished meanwhile is followed by one that stops).
    await hold.query(`LOCK TABLE ${heldTable} IN SHARE MODE`);
    const writesHeldAt = Date.now();
    // Every write in flight held, or as many as can be: a write may wait
    // elsewhere (for a pooled connection, behind another's insert of the same
    // row) and never reach the held table while the lock lasts; once the
    // held ones stop growing for a second, they are what there is.
    let held = { count: 0, since: Date.now() };
    await waitUntil('writes in flight held open', 30_000, async () => {
      const writing = await writersWaitingFor(db, victimSessions, heldTable);
      if (writing.length !== held.count) held = { count: writing.length, since: Date.now() };
      return (
        writing.length > 0 &&
        (writing.length >= load.pending.size || Date.now() - held.since >= 1_000)
      );
    }).catch((error: unknown) => {
      throw new Error(
        `${String(error)} (${held.count} held, ${load.pending.size} in flight, ${load.acknowledged.length} acknowledged)`,
      );
    });
    const writingBeforeKill = await writersWaitingFor(db, victimSessions, heldTable);
    const inFlightAtKill = [...load.pending];

    const doomed = processes.get(victim)!;
    const exited = new Promise<void>((resolve) => doomed.child.once('exit', () => resolve()));
    // No new write starts from here; those in flight stay in flight.
    load.stopping = true;
    doomed.child.kill('SIGKILL');
    const killedAfterMs = Date.now() - loadStarted;
    await exited;
    // Still there after the process is gone: open at the moment of the kill
    // (they cannot have committed, the lock is still held).
    const writingAfterKill = new Set(await writersWaitingFor(db, victimSessions, heldTable));
    const writingAtKill = writingBeforeKill.filter((id) => writingAfterKill.has(id));
    const pending = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${quoted(victim)}.outbox_pending`,
    );
    const unpublishedAtKill = pending.rows[0]?.n ?? 0;
    await hold.query('ROLLBACK');
    // The held transactions finish their statement, find their client gone
    // and roll back; the restart waits for that, so nothing of the dead
    // process is left running beside the new one.
    await waitUntil("the dead process's sessions end", 30_000, async () => {
      return (await sessionsOf(db, victimSessions)) === 0;
    });
    const writesHeldMs = Date.now() - writesHeldAt;
    // Writes still waiting for a reply from the dead process time out now,
    // after the holds are gone (the held writes' ids stall every relay on the
    // server while they last).
    await load.finish();

    const restartedAt = Date.now();
    const restarted = start(victim);
    processes.set(victim, restarted);
    await restarted.waitForLog('ready', 60_000);
    const readyAt = Date.now();

    const keys = [...load.acknowledged, ...load.unacknowledged];
    const committed = await workload.committed(db, keys);
    const ours = new Set(keys);
    const settle = options.settleTimeoutMs ?? 45_000;
    const announced = () => {
      const seen = new Set<string>();
      for (const record of reader.records()) {
        const envelope = record.json as EventEnvelope | undefined;
        if (envelope?.type === workload.eventType && ours.has(record.key)) seen.add(record.key);
      }
      return seen;
    };
    await waitUntil('an event for every committed write', settle, () => {
      const seen = announced();
      return Promise.resolve([...committed].every((key) => seen.has(key)));
    });
    const recoveryMs = Date.now() - readyAt;
    // Every acknowledged write reads back through the restarted service.
    const unreadable: string[] = [];
    const bySeqKey = new Map<string, number>();
    for (let seq = 0; seq < load.next; seq += 1) bySeqKey.set(workload.keyOf(run, seq), seq);
    for (const key of load.acknowledged) {
      const seq = bySeqKey.get(key);
      if (seq === undefined) continue;
      await workload.read(rpc, run, seq).catch(() => unreadable.push(key));
    }
    // One more write through the restarted process: its event comes after
    // every earlier one (one partition, commit order), so once it is read an
    // event of an uncommitted write, or a duplicate, would have been too;
    // once the consumer applied it, it has seen every earlier record.
    const barrierKey = workload.keyOf(run, maxWrites);
    await workload.write(rpc, run, maxWrites);
    await reader.waitFor('the barrier write', (record) => record.key === barrierKey, settle);
    await consumer.waitForApplied(barrierKey, settle);
    // Every record again, as after a consumer crash before its position was
    // committed: the consumer must recognise each event by its id.
    const redelivered = await consumer.redeliver(reader.records());
    const appliedTimes = await consumer.appliedTimes();
    const applied = new Map([...appliedTimes].filter(([key]) => ours.has(key)));

    const eventIds = new Map<string, string[]>();
    let records = 0;
    for (const record of reader.records()) {
      const envelope = record.json as EventEnvelope | undefined;
      if (envelope?.type !== workload.eventType || !ours.has(record.key)) continue;
      records += 1;
      const ids = eventIds.get(record.key) ?? [];
      if (!ids.includes(envelope.event_id)) ids.push(envelope.event_id);
      eventIds.set(record.key, ids);
    }
    return {
      acknowledged: load.acknowledged,
      unacknowledged: load.unacknowledged,
      committed: [...committed],
      eventIds,
      records,
      inFlightAtKill,
      writingAtKill,
      applied,
      redelivered,
      unpublishedAtKill,
      killedAfterMs,
      writesHeldMs,
      restartReadyMs: readyAt - restartedAt,
      recoveryMs,
      unreadable,
    };
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    await database.drop();
  }
}

/**
 * The promises of the outbox, checked on a report; an empty list means they
 * held: every acknowledged write committed; every committed write, and no
 * other, has its event on the stream, each under one event id; the consumer
 * applied every committed write's event exactly once (the stream delivered
 * to it twice) and no other.
 */
export function crashInvariantViolations(report: CrashReport): string[] {
  const problems: string[] = [];
  const committed = new Set(report.committed);
  for (const key of report.acknowledged)
    if (!committed.has(key)) problems.push(`acknowledged but not committed: ${key}`);
  for (const key of report.unreadable) problems.push(`acknowledged but not readable: ${key}`);
  for (const key of report.committed)
    if (!report.eventIds.has(key)) problems.push(`committed but never announced: ${key}`);
  for (const [key, ids] of report.eventIds) {
    if (!committed.has(key)) problems.push(`announced but not committed: ${key}`);
    if (ids.length !== 1) problems.push(`announced under ${ids.length} event ids: ${key}`);
  }
  for (const key of report.committed) {
    const times = report.applied.get(key) ?? 0;
    if (times !== 1) problems.push(`committed but applied ${times} times: ${key}`);
  }
  for (const [key, times] of report.applied)
    if (!committed.has(key)) problems.push(`applied ${times} times but not committed: ${key}`);
  return problems;
}
