import {
  MindError,
  OfflineMind,
  type Mind,
  type MindRequest,
  type MindResponse,
} from '@crucible/minds';
import {
  PANTRY_TEXT,
  ScriptedMind,
  adjudicationReply,
  antAndCrumbScenario,
  crowdScenario,
} from './test-fixtures';
import { runTurn } from './run-turn';
import type { KernelOptions } from './turn-context';
import type { TurnOutcome } from './turn-outcome';
import { seedWorld } from './world-state';

const SIMULTANEOUS: KernelOptions = {
  engine: 'simultaneous',
  model: 'test-model',
  params: {},
  max_concurrency: 4,
};

const user = (request: MindRequest): string => request.messages[1]!.content;

function committed(outcome: TurnOutcome): Extract<TurnOutcome, { status: 'committed' }> {
  if (outcome.status !== 'committed') throw new Error(JSON.stringify(outcome.failure));
  return outcome;
}

function failed(outcome: TurnOutcome): Extract<TurnOutcome, { status: 'failed' }> {
  if (outcome.status !== 'failed') throw new Error('expected a failed turn');
  return outcome;
}

/** Holds each call until `gate(request)` resolves, then lets the scripted mind answer. */
function gated(inner: ScriptedMind, gate: (request: MindRequest) => Promise<void>): Mind {
  return {
    provider: inner.provider,
    complete: async (request, signal): Promise<MindResponse> => {
      await gate(request);
      return inner.complete(request, signal);
    },
  };
}

describe('the simultaneous engine', () => {
  it('builds every perceive and intend from the starting state, adjudicates in id order on the evolving one', async () => {
    const mind = new ScriptedMind();
    mind.enqueueFor(
      'adjudicate',
      'ant',
      adjudicationReply({
        entity_mutations: [{ entity_id: 'jar', state: 'Tipped over.' }],
        environment_mutations: [{ environment_label: 'pantry', content: 'Honey drips.' }],
      }),
    );
    const outcome = committed(
      await runTurn(seedWorld({ slug: 'w', scenario: antAndCrumbScenario() }), mind, SIMULTANEOUS),
    );
    const phases = mind.requests.map((r) => r.purpose.phase);
    expect(phases.slice(4)).toEqual(['adjudicate', 'adjudicate']);
    expect(mind.requests.slice(4).map((r) => r.purpose.agent_id)).toEqual(['ant', 'beetle']);
    // The beetle perceived the pantry as the turn began...
    const beetlePerceive = user(mind.made('perceive', 'beetle')[0]!);
    expect(beetlePerceive).toContain(`Environment (pantry):\n${PANTRY_TEXT}\n`);
    expect(beetlePerceive).toContain('Jar: A jar of honey.');
    // ...and is adjudicated against the world the ant's adjudication left.
    const beetleAdjudicate = user(mind.made('adjudicate', 'beetle')[0]!);
    expect(beetleAdjudicate).toContain('Environment (pantry):\nHoney drips.\n');
    expect(beetleAdjudicate).toContain('- Jar (id: jar, prop): Tipped over.');
    expect(outcome.state.environments.pantry).toBe('Honey drips.');
    expect(outcome.state.turn).toBe(1);
  });

  it('keeps events in id order whatever order the calls finish in', async () => {
    const inner = new ScriptedMind();
    let beetleIntended!: () => void;
    const beetleDone = new Promise<void>((resolve) => (beetleIntended = resolve));
    inner.enqueueFor('intend', 'beetle', () => {
      beetleIntended();
      return 'Hide deeper.';
    });
    // The ant's calls wait until the beetle has perceived and intended.
    const mind = gated(inner, (request) =>
      request.purpose.agent_id === 'ant' ? beetleDone : Promise.resolve(),
    );
    const outcome = committed(
      await runTurn(seedWorld({ slug: 'w', scenario: antAndCrumbScenario() }), mind, SIMULTANEOUS),
    );
    // The beetle finished first...
    expect(inner.requests.slice(0, 2).map((r) => r.purpose.agent_id)).toEqual(['beetle', 'beetle']);
    // ...but the events read in id order.
    expect(outcome.events.map((e) => `${e.agent_id}:${e.type}`)).toEqual([
      'ant:perception_emitted',
      'ant:intent_formed',
      'beetle:perception_emitted',
      'beetle:intent_formed',
      'ant:intent_adjudicated',
      'beetle:intent_adjudicated',
    ]);
  });

  it('has at most max_concurrency agents thinking at once', async () => {
    const mind = new ScriptedMind();
    mind.delayMs = 5;
    committed(
      await runTurn(seedWorld({ slug: 'w', scenario: crowdScenario(12) }), mind, {
        ...SIMULTANEOUS,
        max_concurrency: 3,
      }),
    );
    expect(mind.maxInFlight).toBe(3);
    expect(mind.made('perceive')).toHaveLength(12);
    expect(mind.made('adjudicate')).toHaveLength(12);
  });

  it('runs sequential turns one call at a time', async () => {
    const mind = new ScriptedMind();
    mind.delayMs = 2;
    committed(
      await runTurn(seedWorld({ slug: 'w', scenario: crowdScenario(6) }), mind, {
        ...SIMULTANEOUS,
        engine: 'sequential',
      }),
    );
    expect(mind.maxInFlight).toBe(1);
  });

  it('on a failure starts no further agent, cancels the calls in flight and reports the failing agent', async () => {
    const mind = new ScriptedMind();
    // agent-000 would think for a long time; agent-002 fails once agent-001 is done.
    mind.delayMs = (request) => (request.purpose.agent_id === 'agent-000' ? 10_000 : 0);
    let agentOneIntended!: () => void;
    const agentOneDone = new Promise<void>((resolve) => (agentOneIntended = resolve));
    mind.enqueueFor('intend', 'agent-001', () => {
      agentOneIntended();
      return 'Open the box.';
    });
    let callsAtFailure = -1;
    mind.enqueueFor('perceive', 'agent-002', () => {
      callsAtFailure = mind.requests.length;
      return new MindError({ kind: 'server_error', message: 'boom', tries: 3, status: 502 });
    });
    const started = Date.now();
    const outcome = failed(
      await runTurn(
        seedWorld({ slug: 'w', scenario: crowdScenario(20) }),
        gated(mind, (request) =>
          request.purpose.agent_id === 'agent-002' ? agentOneDone : Promise.resolve(),
        ),
        { ...SIMULTANEOUS, max_concurrency: 3 },
      ),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    // agent-000's call was cancelled, not reported: the failure is agent-002's own.
    expect(outcome.failure).toMatchObject({
      code: 'mind_failed',
      agent_id: 'agent-002',
      phase: 'perceive',
      mind_failure: { kind: 'server_error', status: 502 },
    });
    expect(mind.signals[0]!.aborted).toBe(true);
    // The other two workers start at most one call each before the kernel sees
    // the failure; then nothing more, and the rest of the crowd never starts.
    expect(mind.requests.length).toBeLessThanOrEqual(callsAtFailure + 2);
    expect(mind.made('perceive', 'agent-019')).toHaveLength(0);
    expect(mind.made('adjudicate')).toHaveLength(0);
    // What completed before the failure is kept for the audit, in id order;
    // agent-000 (cancelled) and agent-002 (failed) have nothing.
    const events = outcome.events.map((e) => `${e.agent_id}:${e.type}`);
    expect(events.slice(0, 2)).toEqual(['agent-001:perception_emitted', 'agent-001:intent_formed']);
    const ids = outcome.events.map((e) => e.agent_id);
    expect(ids).toEqual([...ids].sort());
    expect(events.some((e) => /agent-00[02]/.test(e))).toBe(false);
  });

  it('reports the lowest id among agents that failed on their own', async () => {
    const mind = new ScriptedMind();
    const boom = (): MindError => new MindError({ kind: 'auth', message: 'no key', tries: 1 });
    mind.enqueueFor('perceive', 'agent-001', boom());
    mind.enqueueFor('perceive', 'agent-000', boom());
    const outcome = failed(
      await runTurn(seedWorld({ slug: 'w', scenario: crowdScenario(4) }), mind, SIMULTANEOUS),
    );
    expect(outcome.failure.agent_id).toBe('agent-000');
  });

  it('is deterministic with the offline mind, whatever the concurrency', async () => {
    const run = async (maxConcurrency: number): Promise<string> => {
      let state = seedWorld({ slug: 'w', scenario: crowdScenario(8) });
      const outcomes: TurnOutcome[] = [];
      for (let turn = 0; turn < 2; turn += 1) {
        const outcome = committed(
          await runTurn(state, new OfflineMind(), {
            ...SIMULTANEOUS,
            max_concurrency: maxConcurrency,
          }),
        );
        outcomes.push(outcome);
        state = outcome.state;
      }
      return JSON.stringify(outcomes);
    };
    const one = await run(1);
    expect(await run(8)).toBe(one);
    expect(await run(3)).toBe(one);
  });
});
