// One script run (npm test, npm run bench, cli up/down): signal handling, an
// abort signal for every wait, and a stack of clean-up steps that runs, in
// reverse order and each with a deadline, however the run ends.
/* global AbortController -- a Node global that eslint.config.mjs does not list */
import { constants } from 'node:os';
import { describeError, log, phase } from './report.mjs';
import { withTimeout } from './timing.mjs';

const CLEANUP_STEP_TIMEOUT_MS = 60_000;

export class Interrupted extends Error {
  name = 'Interrupted';
}

export class Session {
  #cleanups = [];
  #children = new Set();
  #controller = new AbortController();
  /** The first SIGINT/SIGTERM/SIGHUP received, if any. */
  receivedSignal = null;

  constructor() {
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'])
      process.on(name, () => this.#onSignal(name));
    // A stray rejection inside a client library (a probe's socket, say) must
    // not kill the run before its clean-up has stopped what it started.
    process.on('unhandledRejection', (reason) =>
      log(`ignored an unhandled rejection: ${describeError(reason)}`),
    );
  }

  get signal() {
    return this.#controller.signal;
  }

  /** Registers a clean-up step; steps run last-registered first. */
  defer(label, cleanup) {
    this.#cleanups.push({ label, cleanup });
  }

  /** A foreground child that should receive our signals (jest, tsc, the bench). */
  track(child) {
    this.#children.add(child);
  }

  untrack(child) {
    this.#children.delete(child);
  }

  #onSignal(name) {
    if (this.receivedSignal) {
      log(`${name} again: exiting without finishing clean-up (a later run removes what is left)`);
      process.exit(128 + constants.signals[name]);
    }
    this.receivedSignal = name;
    log(`${name} received: stopping, then cleaning up (send it again to exit at once)`);
    this.#controller.abort(new Interrupted(`interrupted by ${name}`));
    for (const child of this.#children) child.kill(name);
  }

  async #cleanUp() {
    while (this.#cleanups.length > 0) {
      const { label, cleanup } = this.#cleanups.pop();
      try {
        await phase(`clean-up: ${label}`, () =>
          withTimeout(label, CLEANUP_STEP_TIMEOUT_MS, cleanup()),
        );
      } catch (error) {
        log(`clean-up step "${label}" failed: ${describeError(error)}`);
      }
    }
  }

  /**
   * Runs `main` (which resolves to an exit code), then the clean-up steps,
   * then exits the process: with main's code, 1 if it threw, or 128+n if a
   * signal stopped the run.
   */
  async run(main) {
    let code = 1;
    try {
      code = await main(this);
    } catch (error) {
      if (!(
        this.signal.aborted &&
        (error instanceof Interrupted || error?.name === 'AbortError')
      )) {
        // Our own failures explain themselves; a programming error needs its stack.
        const programmingError =
          error instanceof TypeError ||
          error instanceof ReferenceError ||
          error instanceof RangeError;
        log(`error: ${programmingError ? error.stack : describeError(error)}`);
      }
      code = 1;
    } finally {
      await this.#cleanUp();
    }
    if (this.receivedSignal) code = 128 + constants.signals[this.receivedSignal];
    process.exit(code);
  }
}
