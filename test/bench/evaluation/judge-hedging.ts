// Judge hedging (docs/services/evaluation.md, "Scorers", hedge_delay_ms):
// judge calls as score-world makes them (JudgeClient.ask through
// hedgedCall) against a scripted OpenAI-compatible server whose answers
// have a slow tail, without hedging and with it.
import { performance } from 'node:perf_hooks';
import {
  DEFAULT_CIRCUIT_BREAKER,
  hedgedCall,
  JudgeClient,
  judgeMessages,
  parseVerdict,
  readScorers,
  scoreSpecOf,
  verdictSchema,
  type JudgeScorer,
} from '@crucible/evaluation/testing';
import { answer, createLlmServer } from '../../support';

export interface HedgingSettings {
  /** Judge calls per side. */
  calls: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** The scripted answer times: every `slowEvery`-th request takes slowMs, the others fastMs. */
  fastMs: number;
  slowMs: number;
  slowEvery: number;
  /** The scorer's hedge_delay_ms on the hedged side. */
  hedgeDelayMs: number;
}

/** Latencies (ms) of the judge calls of each side, and requests the server received. */
export interface HedgingSamples {
  plain: number[];
  hedged: number[];
  plainRequests: number;
  hedgedRequests: number;
}

export async function measureJudgeHedging(s: HedgingSettings): Promise<HedgingSamples> {
  const server = await createLlmServer({
    handler: (request) =>
      answer.json(
        { score: 3, reason: 'scripted' },
        { delayMs: request.index % s.slowEvery === s.slowEvery - 1 ? s.slowMs : s.fastMs },
      ),
  });
  try {
    const mind = { provider: 'openai-compatible', base_url: server.baseUrl, model: 'judge' };
    const scorer = (hedge: boolean): JudgeScorer => {
      const read = readScorers(
        [
          {
            name: 'tidiness',
            kind: 'llm_judge',
            rubric: 'Rate from 1 to 5 how tidy the keepers left the observatory.',
            type: 'numeric',
            min: 1,
            max: 5,
            judges: [{ id: 'scripted', mind }],
            ...(hedge && { hedge_delay_ms: s.hedgeDelayMs }),
          },
        ],
        '/scorers',
      );
      if (!read.ok) throw new Error(`bench scorer invalid: ${JSON.stringify(read.problems)}`);
      return read.scorers[0] as JudgeScorer;
    };
    // A breaker that never opens: the slow answers are slow, not failures.
    const client = new JudgeClient({
      breaker: { ...DEFAULT_CIRCUIT_BREAKER, failureThreshold: 1_000_000 },
      env: {},
      timeoutMs: 60_000,
    });
    const side = async (hedge: boolean, calls: number): Promise<number[]> => {
      const judge = scorer(hedge);
      const samples: number[] = [];
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < calls) {
          const i = next++;
          const request = {
            messages: judgeMessages(judge, { world: `w${i}`, turn: 3 }),
            schema: verdictSchema(judge),
            spec: scoreSpecOf(judge),
          };
          const started = performance.now();
          // As score-world calls it: one extra request at most, after the scorer's delay.
          const { value } = await hedgedCall(
            (_attempt, signal) => client.ask(mind, request, signal),
            {
              delayMs: judge.hedge_delay_ms ?? 0,
              maxExtraRequests: judge.hedge_delay_ms === undefined ? 0 : 1,
            },
          );
          samples.push(performance.now() - started);
          const verdict = parseVerdict(judge, value.text);
          if (!verdict.ok) throw new Error(`the judge's verdict did not parse: ${verdict.problem}`);
        }
      };
      await Promise.all(Array.from({ length: s.concurrency }, worker));
      return samples;
    };
    await side(false, s.concurrency * 2); // warm-up: connections open
    let before = server.requests.length;
    const plain = await side(false, s.calls);
    const plainRequests = server.requests.length - before;
    before = server.requests.length;
    const hedged = await side(true, s.calls);
    const hedgedRequests = server.requests.length - before;
    return { plain, hedged, plainRequests, hedgedRequests };
  } finally {
    await server.close();
  }
}
