import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalidArgument } from '@crucible/contracts';
import { sendError } from './errors';

/**
 * Gives a request `timeoutMs` to deliver its whole body once its headers are
 * in. A client that stops short of its Content-Length (or never ends a chunked
 * body) then gets 408 `body_timeout` and the connection is closed: what it
 * still sends could not be told apart from a next request. Without this a
 * short body holds a socket and a pending read for as long as the client likes.
 */
export function armBodyTimeout(req: IncomingMessage, res: ServerResponse, timeoutMs: number): void {
  if (req.complete) return;
  const timer = setTimeout(() => {
    if (req.complete) return;
    const socket = req.socket;
    if (!res.headersSent) {
      res.setHeader('connection', 'close');
      sendError(
        res,
        invalidArgument(
          '',
          'body_timeout',
          `the request body did not arrive within ${timeoutMs} ms`,
          { timeout_ms: timeoutMs },
        ),
      );
      // Half-close once the answer is written; cut what is left a moment later.
      res.once('finish', () => {
        socket.end();
        setTimeout(() => socket.destroy(), 1_000).unref();
      });
    } else {
      socket.destroy();
    }
  }, timeoutMs);
  timer.unref();
  const clear = (): void => clearTimeout(timer);
  req.once('end', clear);
  res.once('close', clear);
}
