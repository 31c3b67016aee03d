// Test support: the reference `canonicalize` package as an oracle. It is
// ESM-only, and jest (CommonJS, no --experimental-vm-modules) can neither
// import() nor require() it, so it runs in a worker thread started from
// canonicalize-oracle.worker.mjs, outside jest's module registry.
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** What the reference said: canonical text, or the message it threw. */
export type OracleAnswer = { ok: true; text: string } | { ok: false; error: string };

interface Reply {
  id: number;
  ok: boolean;
  text?: string;
  error?: string;
}

interface Pending {
  resolve(answer: OracleAnswer): void;
  reject(error: Error): void;
}

export interface CanonicalizeOracle {
  /** Canonicalizes `jsonText` (parsed on the worker side) with the reference. */
  canonicalize(jsonText: string): Promise<OracleAnswer>;
  close(): Promise<void>;
}

/** Starts the worker; call close() in afterAll. */
export function startCanonicalizeOracle(): CanonicalizeOracle {
  const worker = new Worker(path.join(__dirname, 'canonicalize-oracle.worker.mjs'));
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let crash: Error | undefined;

  worker.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    waiter?.resolve(
      reply.ok ? { ok: true, text: reply.text ?? '' } : { ok: false, error: reply.error ?? '' },
    );
  });
  // A crashed oracle fails every question, never answers one wrongly.
  worker.on('error', (error) => {
    crash = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });

  return {
    canonicalize(jsonText) {
      if (crash !== undefined) return Promise.reject(crash);
      const id = nextId++;
      return new Promise<OracleAnswer>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, json: jsonText });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
