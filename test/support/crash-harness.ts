import { randomInt } from 'node:crypto';
import { defaultCatalog, streamTopic, type EventEnvelope } from '@crucible/contracts';
import { NatsBus, RpcClient } from '@crucible/messaging';
import { Client } from 'pg';
import { startServiceProcess, type ServiceProcess } from '../components/processes';
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
  /** The kill comes this long after the outbox started filling, drawn uniformly (default 200 to 1500 ms). */
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
  /** Keys of the writes whose reply never came or was an error (in flight at the kill, or sent to the dead process). */
  readonly unacknowledged: readonly string[];
  /** Keys whose rows exist after the restart. */
  readonly committed: readonly string[];
  /** Distinct event ids per key, of the records of the workload's type on the stream. */
  readonly eventIds: ReadonlyMap<string, readonly string[]>;
  /** Records of the workload's type read, duplicates included (delivery is at least once). */
  readonly records: number;
  /** Requests in flight when the process was killed. */
  readonly inFlightAtKill: number;
  /** Outbox rows of the victim's schema not yet published, right after the kill. */
  readonly unpublishedAtKill: number;
  readonly killedAfterMs: number;
  /** From the restart until the last committed write's event was read. */
  readonly recoveryMs: number;
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
 * Kill -9 under load, then recovery: starts the services as separate
 * processes on a database of their own, drives concurrent writes through
 * NATS, stalls the victim's outbox relay by locking its lease-and-cursor
 * table, kills the victim with SIGKILL at a random moment once writes are
 * acknowledged behind that hold (so its outbox holds unpublished events and
 * requests are in flight), lets the hold go, starts the victim again, waits
 * until the stream has an event for every committed write (the restarted
 * relay takes the session lock the dead one's connection released), reads
 * every acknowledged write back through the restarted service, and reads
 * the stream from Kafka with a plain consumer. Bounded in writes and time; everything it started is stopped
 * and dropped in `finally`.
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
  const processes = new Map<string, ServiceProcess>();
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    cleanup.push(async () => {
      for (const service of [...processes.values()].reverse()) await service.stop();
    });
    for (const name of options.services) {
      const started = startServiceProcess(name, env);
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
    const db = new Client({ connectionString: database.url });
    await db.connect();
    cleanup.push(() => db.end());
    const hold = new Client({ connectionString: database.url });
    await hold.connect();
    cleanup.push(() => hold.end());

    // The load: writers loop until told to stop or the budget is spent.
    const acknowledged: string[] = [];
    const unacknowledged: string[] = [];
    let lastAcknowledgedSeq = -1;
    let next = 0;
    let inFlight = 0;
    let stopping = false;
    const maxWrites = options.maxWrites ?? 3000;
    const writer = async () => {
      while (!stopping && next < maxWrites) {
        const seq = next++;
        const key = workload.keyOf(run, seq);
        inFlight += 1;
        try {
          await workload.write(rpc, run, seq);
          acknowledged.push(key);
          lastAcknowledgedSeq = Math.max(lastAcknowledgedSeq, seq);
        } catch {
          unacknowledged.push(key);
        } finally {
          inFlight -= 1;
        }
      }
    };
    const writers = Array.from({ length: options.writers ?? 8 }, () => writer());
    const loadStarted = Date.now();
    await waitUntil('writes acknowledged before the hold', 30_000, () =>
      Promise.resolve(acknowledged.length >= 20 || next >= maxWrites),
    );

    // Stall the victim's relay, and only it: lock its lease-and-cursor table
    // against writes. Every relay round starts with a statement that may take
    // or renew the lease, so the next round waits, while the service's writes
    // (which never touch that table) go on. The lock takes no transaction id:
    // a transaction holding one (a row lock, a write) would hold back every
    // relay on the Postgres server, whose snapshots are server-wide, other
    // test files' included.
    await hold.query('BEGIN');
    await hold.query(`LOCK TABLE ${quoted(victim)}.outbox_relay IN EXCLUSIVE MODE`);
    await waitUntil("the victim's relay waits for the lock", 30_000, async () => {
      const waiting = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      return (waiting.rows[0]?.n ?? 0) > 0;
    });
    // A write sent from now on commits while the relay is stuck, so its event
    // stays in the outbox until the relay gets the row back.
    const firstHeldSeq = next;
    await waitUntil('a write acknowledged behind the hold', 30_000, () =>
      Promise.resolve(lastAcknowledgedSeq >= firstHeldSeq),
    );
    const [low, high] = options.killWindowMs ?? [200, 1500];
    await new Promise((resolve) => setTimeout(resolve, randomInt(low, high + 1)));

    const doomed = processes.get(victim)!;
    const exited = new Promise<void>((resolve) => doomed.child.once('exit', () => resolve()));
    // No new write starts from here; those in flight stay in flight.
    stopping = true;
    const inFlightAtKill = inFlight;
    doomed.child.kill('SIGKILL');
    const killedAfterMs = Date.now() - loadStarted;
    await exited;
    const pending = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${quoted(victim)}.outbox_pending`,
    );
    const unpublishedAtKill = pending.rows[0]?.n ?? 0;
    await Promise.all(writers);
    await hold.query('ROLLBACK');

    const restartedAt = Date.now();
    const restarted = startServiceProcess(victim, env);
    processes.set(victim, restarted);
    await restarted.waitForLog('ready', 60_000);

    const keys = [...acknowledged, ...unacknowledged];
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
    const recoveryMs = Date.now() - restartedAt;
    // Every acknowledged write reads back through the restarted service.
    const unreadable: string[] = [];
    const bySeqKey = new Map<string, number>();
    for (let seq = 0; seq < next; seq += 1) bySeqKey.set(workload.keyOf(run, seq), seq);
    for (const key of acknowledged) {
      const seq = bySeqKey.get(key);
      if (seq === undefined) continue;
      await workload.read(rpc, run, seq).catch(() => unreadable.push(key));
    }
    // One more write through the restarted process: its event comes after
    // every earlier one (one partition, commit order), so once it is read an
    // event of an uncommitted write, or a duplicate, would have been too.
    const barrierKey = workload.keyOf(run, maxWrites);
    await workload.write(rpc, run, maxWrites);
    await reader.waitFor('the barrier write', (record) => record.key === barrierKey, settle);

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
      acknowledged,
      unacknowledged,
      committed: [...committed],
      eventIds,
      records,
      inFlightAtKill,
      unpublishedAtKill,
      killedAfterMs,
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
 * other, has its event on the stream; each under one event id (so once after
 * a consumer drops duplicates by event id).
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
  return problems;
}
