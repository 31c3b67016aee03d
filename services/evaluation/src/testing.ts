// Internals that benches and tests drive directly (the package's `./testing`
// entry): a judge scorer read from its config, the judge client and the
// hedging score-world calls it through, so judge latency can be measured
// without running whole worlds.
export { JudgeClient, type JudgeAnswer, type JudgeRequest } from './clients/judge-client';
export { hedgedCall, type HedgeOptions, type HedgedResult } from './domain/hedged-call';
export { DEFAULT_CIRCUIT_BREAKER } from './domain/circuit-breaker';
export { judgeMessages, parseVerdict, verdictSchema } from './domain/judge-verdict';
export { readScorers, scoreSpecOf, type JudgeScorer } from './domain/scorer-config';
