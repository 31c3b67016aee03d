import type { Logger } from '@crucible/telemetry';

/** A started process part that can be stopped gracefully. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Runs a process's main: starts it, and on SIGTERM or SIGINT stops it
 * (draining requests in flight) within `graceMs`, then exits. A failed start
 * exits with status 1 after logging why.
 */
export function runMain(start: () => Promise<Stoppable>, logger: Logger, graceMs = 15_000): void {
  let stopping = false;
  const started = start();
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    const timer = setTimeout(() => {
      logger.error('graceful stop timed out; exiting', { grace_ms: graceMs });
      process.exit(1);
    }, graceMs);
    timer.unref();
    started
      .then((running) => running.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('stop failed', { error });
          process.exit(1);
        },
      );
  };
  // `on`, not `once`: under `npm start` a Ctrl+C arrives twice (from the
  // terminal and forwarded by scripts/start.mjs); with the handler gone, the
  // second would kill the process in the middle of its drain.
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  started.catch((error: unknown) => {
    logger.error('failed to start', { error });
    process.exit(1);
  });
}
