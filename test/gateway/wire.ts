import { connect } from 'node:net';
import { TEST_ADMIN_TOKEN, type RawResponse } from '../support';

/**
 * Sends `head` (request line and headers, without the blank line) and
 * `body` byte for byte on a fresh connection (`Connection: close` is
 * added, and the tests' admin token), for requests no client library sends:
 * no framing headers at all.
 * Resolves with the parsed answer.
 */
export function sendBytes(url: string, head: string, body = ''): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.write(
      `${head}\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${TEST_ADMIN_TOKEN}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  });
}

function parseResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete response: ${JSON.stringify(text)}`);
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: text.slice(end + 4) };
}
