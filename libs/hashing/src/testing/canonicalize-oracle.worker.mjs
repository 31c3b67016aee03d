// Runs the reference RFC 8785 implementation (the ESM-only `canonicalize`
// package) in a worker thread: plain Node loads it natively, where jest's
// module registry (without --experimental-vm-modules) cannot. Values arrive
// as JSON text so both sides see the same JSON value.
import { parentPort } from 'node:worker_threads';

const { default: canonicalize } = await import('canonicalize');

parentPort.on('message', ({ id, json }) => {
  try {
    parentPort.postMessage({ id, ok: true, text: canonicalize(JSON.parse(json)) });
  } catch (error) {
    parentPort.postMessage({
      id,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    });
  }
});
