import { textComponentHash } from '@crucible/hashing';
import { TEST_AUTH_HEADERS } from '../../support/auth';
import { distinctEnvironment, ENVIRONMENTS_PATH } from './workload';

/**
 * Puts `count` distinct environments through a pipeline, then gets each
 * back, checking both answers: the hash is textComponentHash of the text and
 * the content round-trips. The gets also fill our components service's read
 * cache, so the measured gets are all repeated gets. Returns the hashes.
 */
export async function seedContents(
  baseUrl: string,
  baseText: string,
  count: number,
): Promise<string[]> {
  const texts = Array.from({ length: count }, (_, n) => distinctEnvironment(baseText, 'seed', n));
  const hashes: string[] = new Array<string>(count);
  await inBatches(count, async (n) => {
    const text = texts[n]!;
    const expected = textComponentHash(text);
    const put = await json(`${baseUrl}${ENVIRONMENTS_PATH}`, {
      method: 'POST',
      body: JSON.stringify({ content: text }),
    });
    if (put.hash !== expected || put.was_new !== true) {
      throw new Error(
        `${baseUrl}: put #${n} answered ${JSON.stringify(put)}, expected a new ${expected}`,
      );
    }
    hashes[n] = expected;
  });
  await inBatches(count, async (n) => {
    const got = await json(`${baseUrl}${ENVIRONMENTS_PATH}/${hashes[n]!}`, { method: 'GET' });
    if (got.hash !== hashes[n] || got.content !== texts[n]) {
      throw new Error(`${baseUrl}: get #${n} did not return what was put`);
    }
  });
  return hashes;
}

async function json(
  url: string,
  init: { method: string; body?: string },
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    ...init,
    headers:
      init.body === undefined
        ? TEST_AUTH_HEADERS
        : { ...TEST_AUTH_HEADERS, 'content-type': 'application/json' },
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${init.method} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function inBatches(
  count: number,
  each: (n: number) => Promise<void>,
  width = 8,
): Promise<void> {
  for (let start = 0; start < count; start += width) {
    await Promise.all(
      Array.from({ length: Math.min(width, count - start) }, (_, i) => each(start + i)),
    );
  }
}
