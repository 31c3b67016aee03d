// Loopback ports: finding free ones for servers we start, and probing ones
// that should answer. Everything we start listens on 127.0.0.1 only.
import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/**
 * A port that was free a moment ago. Another process may still take it
 * before our server binds, so starters retry with a new port on EADDRINUSE.
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** True if something accepts TCP connections on host:port within `timeoutMs`. */
export function portAnswers(port, { host = LOOPBACK, timeoutMs = 1_000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answers) => {
      socket.destroy();
      resolve(answers);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Connects and returns the first line the server sends unprompted (NATS
 * sends `INFO {...}`), or null if nothing answers within `timeoutMs`.
 */
export function firstLineFrom(port, { host = LOOPBACK, timeoutMs = 2_000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let received = '';
    const done = (line) => {
      socket.destroy();
      resolve(line);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.once('error', () => done(null));
    socket.once('close', () => done(null));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      const end = received.indexOf('\r\n');
      if (end >= 0) done(received.slice(0, end));
      // A server that sends no line break in 64 KiB is not the one we want.
      else if (received.length > 65_536) done(null);
    });
  });
}
