import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { gzipSync } from 'node:zlib';
import { decodeOtlpTraces } from './otlp-json-decode';
import { createOtlpJsonReceiver, SpanWaitTimeoutError } from './otlp-json-receiver';

const exportBody = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gateway' } }] },
      scopeSpans: [
        {
          scope: { name: '@crucible/messaging' },
          spans: [
            {
              traceId: '4BF92F3577B34DA6A3CE929D0E0E4736',
              // Base64 form, as protobuf-JSON mappers write ids.
              spanId: Buffer.from('00f067aa0ba902b7', 'hex').toString('base64'),
              parentSpanId: '',
              name: 'send runs',
              kind: 4,
              status: { code: 2, message: 'down' },
              attributes: [
                { key: 'n', value: { intValue: '7' } },
                { key: 'ok', value: { boolValue: true } },
                { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }] } } },
                {
                  key: 'map',
                  value: { kvlistValue: { values: [{ key: 'k', value: { doubleValue: 1.5 } }] } },
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe('decodeOtlpTraces', () => {
  it('flattens spans, normalises ids to lower-case hex and unwraps values', () => {
    expect(decodeOtlpTraces(exportBody)).toEqual([
      {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        parentSpanId: undefined,
        name: 'send runs',
        kind: SpanKind.PRODUCER,
        serviceName: 'gateway',
        scopeName: '@crucible/messaging',
        status: { code: SpanStatusCode.ERROR, message: 'down' },
        attributes: { n: 7, ok: true, list: ['a'], map: { k: 1.5 } },
      },
    ]);
  });
});

describe('createOtlpJsonReceiver', () => {
  async function post(url: string, body: string | Buffer, headers: Record<string, string>) {
    const res = await fetch(url, { method: 'POST', body, headers });
    await res.arrayBuffer();
    return res.status;
  }

  it('accepts gzip JSON, rejects other paths, encodings and bodies', async () => {
    const receiver = await createOtlpJsonReceiver();
    try {
      const json = { 'content-type': 'application/json' };
      expect(await post(`${receiver.url}/v1/metrics`, '{}', json)).toBe(404);
      expect(
        await post(receiver.tracesUrl, 'x', { 'content-type': 'application/x-protobuf' }),
      ).toBe(415);
      expect(await post(receiver.tracesUrl, '{not json', json)).toBe(400);
      expect(await post(receiver.tracesUrl, '{"resourceSpans": 3}', json)).toBe(400);
      expect(
        await post(receiver.tracesUrl, gzipSync(JSON.stringify(exportBody)), {
          ...json,
          'content-encoding': 'gzip',
        }),
      ).toBe(200);
      expect(receiver.spans().map((s) => s.name)).toEqual(['send runs']);
    } finally {
      await receiver.close();
    }
  });

  it('waitFor resolves on a later export and times out with what it saw', async () => {
    const receiver = await createOtlpJsonReceiver();
    try {
      const waiting = receiver.waitFor((spans) => spans.length === 1, 2_000);
      await post(receiver.tracesUrl, JSON.stringify(exportBody), {
        'content-type': 'application/json',
      });
      expect((await waiting).map((s) => s.spanId)).toEqual(['00f067aa0ba902b7']);

      const timeout = receiver.waitFor((spans) => spans.length > 1, 50);
      await expect(timeout).rejects.toBeInstanceOf(SpanWaitTimeoutError);
      await expect(timeout).rejects.toThrow('received 1: [gateway:send runs]');
    } finally {
      await receiver.close();
    }
  });
});
