// The floor under a 1-agent offline turn on this machine: the chain of
// messages between processes and of writes that a queued, authorized,
// durable turn needs, done with nothing else. No kernel, no mind, no
// contracts, no framework: nats.js and `pg` used directly, one statement per
// step, in the bench's own process as the services are.
//
// The chain, as run_turn and the worker make it (docs/services/worlds.md,
// "Turns"): the caller's request; the worlds side asks the governance side
// (a request whose answer is one read of a policy row); the attempt queued
// by one insert that waits for the disk (an acknowledged write); the answer.
// Then the claim (one update, not waiting for the disk, as the worker's
// claim does), the turn's rows written by one statement that waits for the
// disk (a piece, the state, the turn, three audit events), and the status
// the caller asked for right after its answer, answered when that commits.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { connect, type Msg } from '@nats-io/transport-node';
import type { Client } from 'pg';
import { stats } from '../scenarios/measure';

export interface FloorConnections {
  natsUrl: string;
  /** The worlds side's connection (queue, claim, commit). */
  worldsPg: Client;
  /** The governance side's (the policy read). */
  governancePg: Client;
}

const TABLES = `
  create table if not exists public.floor_policies (id int primary key, rules text not null);
  insert into public.floor_policies values (1, '{"require_directive":false}') on conflict do nothing;
  create table if not exists public.floor_attempts (id bigserial primary key, world text not null, claimed boolean not null default false);
  create table if not exists public.floor_pieces (hash text primary key, json text not null);
  create table if not exists public.floor_states (state_hash text primary key, manifest text not null);
  create table if not exists public.floor_turns (world text, turn int, state_hash text, primary key (world, turn));
  create table if not exists public.floor_events (world text, seq int, kind text, data json, primary key (world, seq))`;

const POLICY = 'select rules from public.floor_policies where id = 1';
const QUEUE = 'insert into public.floor_attempts (world) values ($1) returning id';
// The worker's claim does not wait for the disk (libs/database RELAXED_COMMIT).
const CLAIM = `update public.floor_attempts set claimed = true
  from (select set_config('synchronous_commit', 'off', true)) as relaxed(setting)
  where id = $1`;
const COMMIT = `with
  piece as (insert into public.floor_pieces values ($2, $3) on conflict do nothing),
  state as (insert into public.floor_states values ($2, $4) on conflict do nothing),
  events as (insert into public.floor_events
             select $1, $5 * 3 + s, 'intent_adjudicated', $6::json from generate_series(0, 2) s)
  insert into public.floor_turns values ($1, $5, $2)`;

/**
 * The median time of `samples` floor turns of one world, after `warmUp`
 * untimed ones: the caller's run request to the status answer.
 */
export async function turnFloorMs(
  connections: FloorConnections,
  samples: number,
  warmUp: number,
  adjudication: unknown,
): Promise<number> {
  const { natsUrl, worldsPg, governancePg } = connections;
  await worldsPg.query(TABLES);
  const prefix = `floor.${randomBytes(4).toString('hex')}`;
  const world = `${prefix}.world`;
  const [caller, worlds, governance] = await Promise.all([
    connect({ servers: natsUrl }),
    connect({ servers: natsUrl }),
    connect({ servers: natsUrl }),
  ]);
  const committed = new Map<number, () => void>();
  const done = new Set<number>();
  let turn = 0;
  try {
    governance.subscribe(`${prefix}.authorize`, {
      callback: (_error, msg) => {
        void governancePg.query(POLICY).then(
          (result) => msg.respond(JSON.stringify({ allowed: result.rowCount === 1 })),
          (error: unknown) => msg.respond(JSON.stringify({ error: String(error) })),
        );
      },
    });
    const runTurn = async (msg: Msg): Promise<void> => {
      const authorized = await worlds.request(`${prefix}.authorize`, msg.data);
      if (authorized.json<{ allowed?: boolean }>().allowed !== true) throw new Error('refused');
      const queued = await worldsPg.query<{ id: string }>(QUEUE, [world]);
      const id = Number(queued.rows[0]!.id);
      msg.respond(JSON.stringify({ attempt_id: id }));
      // The worker: claim, run (nothing to run), commit.
      await worldsPg.query(CLAIM, [id]);
      turn += 1;
      const hash = `${prefix}.${turn}`;
      await worldsPg.query(COMMIT, [
        world,
        hash,
        JSON.stringify({ id: 'a0', state: 'Busy.', memory: 'Acted.' }),
        JSON.stringify([hash]),
        turn,
        JSON.stringify(adjudication),
      ]);
      done.add(id);
      committed.get(id)?.();
    };
    worlds.subscribe(`${prefix}.run`, {
      callback: (_error, msg) => {
        runTurn(msg).catch((error: unknown) =>
          msg.respond(JSON.stringify({ error: String(error) })),
        );
      },
    });
    worlds.subscribe(`${prefix}.status`, {
      callback: (_error, msg) => {
        const id = msg.json<{ attempt_id: number }>().attempt_id;
        const answer = (): void => {
          committed.delete(id);
          msg.respond(JSON.stringify({ status: 'committed' }));
        };
        if (done.has(id)) answer();
        else committed.set(id, answer);
      },
    });
    await Promise.all([worlds.flush(), governance.flush()]);

    const one = async (): Promise<number> => {
      const started = performance.now();
      const queued = await caller.request(`${prefix}.run`, JSON.stringify({ world_slug: world }), {
        timeout: 10_000,
      });
      const { attempt_id: id, error } = queued.json<{ attempt_id?: number; error?: string }>();
      if (id === undefined) throw new Error(`floor turn failed: ${error ?? '?'}`);
      const status = await caller.request(`${prefix}.status`, JSON.stringify({ attempt_id: id }), {
        timeout: 10_000,
      });
      if (status.json<{ status?: string }>().status !== 'committed')
        throw new Error(`floor status: ${status.string()}`);
      return performance.now() - started;
    };
    for (let i = 0; i < warmUp; i++) await one();
    const times: number[] = [];
    for (let i = 0; i < samples; i++) times.push(await one());
    return stats(times).p50;
  } finally {
    await Promise.all([caller.close(), worlds.close(), governance.close()]);
  }
}
