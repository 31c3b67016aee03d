// The load generator, run as a child process of the bench (see load-client.ts
// for why): on each `run` message it sends requests as fast as the
// concurrency allows, over keep-alive sockets, and answers with the latencies.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { TEST_AUTH_HEADERS } from '../../support/auth';
import type {
  FromLoadGenerator,
  LoadJob,
  LoadResult,
  ToLoadGenerator,
  Workload,
} from './load-protocol';

interface Outgoing {
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer;
}

// Put numbers keep growing across jobs, so every put of this process is new content.
let putsIssued = 0;

function requestSource(workload: Workload): () => Outgoing {
  switch (workload.kind) {
    case 'put': {
      // {"content": <text>\n[<series> #<n>]}: the JSON of the base text once, the tail per request.
      const head = `{"content":${JSON.stringify(`${workload.baseText}\n[${workload.series} #`).slice(0, -1)}`;
      return () => ({
        method: 'POST',
        path: workload.path,
        body: Buffer.from(`${head}${putsIssued++}]"}`, 'utf8'),
      });
    }
    case 'get': {
      let next = 0;
      const paths = workload.hashes.map((hash) => `${workload.path}/${hash}`);
      if (paths.length === 0) throw new Error('a get workload needs hashes');
      return () => ({ method: 'GET', path: paths[next++ % paths.length]! });
    }
  }
}

/** Sends one request; resolves with the status and, when it is not 200, the body. */
function send(
  agent: Agent,
  target: URL,
  outgoing: Outgoing,
): Promise<{ status: number; body?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: outgoing.method,
        path: outgoing.path,
        headers:
          outgoing.body === undefined
            ? TEST_AUTH_HEADERS
            : {
                ...TEST_AUTH_HEADERS,
                'content-type': 'application/json',
                'content-length': outgoing.body.byteLength,
              },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status === 200) {
          res.resume();
          res.once('end', () => resolve({ status }));
        } else {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.once('end', () => resolve({ status, body }));
        }
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(outgoing.body);
  });
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  const target = new URL(job.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const next = requestSource(job.workload);
  const latencies: number[] = [];
  let errors = 0;
  let completed = 0;
  let firstError: string | undefined;
  const measureFrom = performance.now() + job.warmupMs;
  const stopAt = measureFrom + job.measureMs;

  // `concurrency` loops, each with one request in flight: a closed system,
  // so the rate is what the server sustains at that concurrency.
  const loop = async (): Promise<void> => {
    while (performance.now() < stopAt) {
      const outgoing = next();
      const sentAt = performance.now();
      let failure: string | undefined;
      try {
        const { status, body } = await send(agent, target, outgoing);
        if (status !== 200)
          failure = `${outgoing.method} ${outgoing.path}: ${status} ${body ?? ''}`;
      } catch (error) {
        failure = `${outgoing.method} ${outgoing.path}: ${(error as Error).message}`;
      }
      const doneAt = performance.now();
      if (failure !== undefined) {
        errors++;
        firstError ??= failure;
      } else {
        completed++;
        if (doneAt >= measureFrom && doneAt < stopAt) latencies.push(doneAt - sentAt);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: job.concurrency }, loop));
  } finally {
    agent.destroy();
  }
  return {
    requests: latencies.length,
    completed,
    errors,
    firstError,
    windowMs: job.measureMs,
    latenciesMs: Float64Array.from(latencies),
  };
}

function reply(message: FromLoadGenerator): void {
  process.send?.(message);
}

process.on('message', (message: ToLoadGenerator) => {
  if (message.type !== 'run') return;
  runJob(message.job).then(
    (result) => reply({ type: 'result', id: message.id, result }),
    (error: unknown) => reply({ type: 'failed', id: message.id, message: String(error) }),
  );
});
// The bench going away (normally or not) ends this process too.
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready' });
