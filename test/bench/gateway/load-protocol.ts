// Messages between the bench and its load-generator child (IPC, advanced
// serialization so latencies travel as a Float64Array).

/** What to send: new contents (each request a distinct text), or gets cycling over known hashes. */
export type Workload =
  | { kind: 'put'; path: string; baseText: string; series: string }
  | { kind: 'get'; path: string; hashes: readonly string[] };

export interface LoadJob {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  concurrency: number;
  /** Requests run but not recorded, to open sockets and warm caches and JITs. */
  warmupMs: number;
  measureMs: number;
  workload: Workload;
}

export interface LoadResult {
  /** Successful requests that completed inside the measured window. */
  requests: number;
  /** Successful requests in all, warm-up and the window's tail included (for CPU per request). */
  completed: number;
  /** Failed requests (status other than 200, or a transport error), warm-up included. */
  errors: number;
  firstError?: string;
  windowMs: number;
  /** Latency of each recorded request, in milliseconds. */
  latenciesMs: Float64Array;
}

export type ToLoadGenerator = { type: 'run'; id: number; job: LoadJob };
export type FromLoadGenerator =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: LoadResult }
  | { type: 'failed'; id: number; message: string };
