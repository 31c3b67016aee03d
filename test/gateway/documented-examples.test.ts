import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRealPlatform, type PlatformStack } from '../platform/stack';
import { TEST_ADMIN_TOKEN } from '../support';
import { documentedSteps, parseCurl, shellWords, type DocumentedStep } from './curl-commands';
import { DocumentedValues } from './documented-reply';

const ROOT = join(__dirname, '../..');
const DOCUMENTED_BASE = /^(http:\/\/)?localhost:8080(?=\/)/;
/** The token every documented command sends, as `npm start` tells to set it (docs/security.md). */
const DOCUMENTED_AUTH = 'Bearer $CRUCIBLE_TOKEN';

/**
 * Runs documented curl commands, in order, on an empty real platform: each
 * request exactly as written (the host made the test's), each reply equal to
 * the one shown after it (stand-in timestamps aside).
 */
function describeDocumentedSteps(title: string, steps: DocumentedStep[]): void {
  describe(title, () => {
    let stack: PlatformStack;
    const values = new DocumentedValues();
    beforeAll(async () => {
      stack = await startRealPlatform();
    }, 60_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it('has steps to run', () => {
      expect(steps.length).toBeGreaterThan(0);
    });

    it.each(
      steps.map(
        (step, i) => [`${i + 1}. ${step.request.method} ${step.request.url}`, step] as const,
      ),
    )('%s', async (_title, { request, reply }) => {
      expect(request.url).toMatch(DOCUMENTED_BASE);
      const url = values.substituteText(request.url.replace(DOCUMENTED_BASE, stack.url));
      // Every documented call is authenticated, with the variable npm start explains.
      expect(request.headers.authorization).toBe(DOCUMENTED_AUTH);
      const response = await fetch(url, {
        method: request.method,
        headers: { ...request.headers, authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        body: request.body === undefined ? undefined : values.substituteText(request.body),
      });
      const body = await response.json();
      expect({ status: response.status, body }).toEqual({ status: 200, body: expect.anything() });
      expect(values.differences(reply, body)).toEqual([]);
    });
  });
}

describeDocumentedSteps(
  'README.md: the worked example, command by command (real servers)',
  documentedSteps(readFileSync(join(ROOT, 'README.md'), 'utf8'), '## A worked example'),
);

describeDocumentedSteps(
  'docs/api.md: every example, in the order shown (real servers)',
  documentedSteps(readFileSync(join(ROOT, 'docs/api.md'), 'utf8')),
);

describe('reading documented curl commands', () => {
  it('splits words as a POSIX shell does', () => {
    expect(shellWords(`curl -s 'a b' "c \\"d\\"" e\\ f \\\n  g'h'i # comment`)).toEqual([
      'curl',
      '-s',
      'a b',
      'c "d"',
      'e f',
      'ghi',
    ]);
    expect(() => shellWords('curl x | jq .')).toThrow(/not understood/);
    expect(() => shellWords("curl 'x")).toThrow(/unclosed/);
  });

  it('reads method, URL, headers and body; refuses options it does not know', () => {
    expect(
      parseCurl(
        `curl -s -X PUT localhost:8080/v1/names/x -H 'content-type: application/json' -d '{}'`,
      ),
    ).toEqual({
      method: 'PUT',
      url: 'localhost:8080/v1/names/x',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(parseCurl(`curl -s 'localhost:8080/v1/names?prefix=a'`).method).toBe('GET');
    expect(parseCurl(`curl localhost:8080/v1/scenarios -d '{}'`).method).toBe('POST');
    expect(() => parseCurl('curl -k localhost:8080/')).toThrow(/-k is not understood/);
  });

  it('pairs each command with the reply after it, and fails on a command without one', () => {
    const text = [
      '## A',
      '```sh',
      'curl localhost:8080/',
      '```',
      '',
      '```json',
      '{"a":1}',
      '```',
      '## B',
    ];
    expect(documentedSteps(text.join('\n'), '## A')).toEqual([
      {
        request: { method: 'GET', url: 'localhost:8080/', headers: {}, body: undefined },
        reply: { a: 1 },
      },
    ]);
    expect(() => documentedSteps(text.slice(0, 5).join('\n'), '## A')).toThrow(/json reply/);
  });
});
