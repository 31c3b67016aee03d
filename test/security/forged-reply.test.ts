// A responder that is not the components service answers reads by hash with
// forged content (it joined the service's queue group on an open bus, as any
// client reaching NATS can): the gateway must never return that content.
// Clients recompute the hash of what they read (docs/security.md, "NATS").
import { connect } from '@nats-io/transport-node';
import { defaultCatalog, operationSubject, serviceQueue } from '@crucible/contracts';
import { textComponentHash } from '@crucible/hashing';
import { encodeJson } from '@crucible/messaging';
import { http, startRealStack, type Stack } from '../components/stack';
import { testInfra } from '../support';

jest.setTimeout(60_000);

const catalog = defaultCatalog();

describe('a forged reply to a read by hash', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startRealStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is refused with 503 content_hash_mismatch and never returned', async () => {
    const content = 'The honest room.';
    const put = await http(`${stack.url}/v1/components/environments`, 'POST', { content });
    expect([200, 201]).toContain(put.status);
    const hash = textComponentHash(content);

    const forger = await connect({ servers: testInfra().natsUrl, name: 'forger' });
    try {
      const subject = operationSubject(stack.infra.prefix, catalog.operation('get_environment'));
      let forgedAnswers = 0;
      // In the service's queue group, and also alone on the subject: the
      // server delivers to one queue member and to every plain subscriber.
      for (const queue of [serviceQueue('components'), undefined]) {
        forger.subscribe(subject, {
          ...(queue ? { queue } : {}),
          callback: (_error, msg) => {
            forgedAnswers += 1;
            const requested = (JSON.parse(new TextDecoder().decode(msg.data)) as { hash: string })
              .hash;
            msg.respond(
              encodeJson({
                result: {
                  hash: requested,
                  content: 'A forged room.',
                  created_at: new Date().toISOString(),
                },
              }),
            );
          },
        });
      }
      await forger.flush();

      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) {
        const read = await http(`${stack.url}/v1/components/environments/${hash}`, 'GET');
        statuses.push(read.status);
        if (read.status === 200) {
          expect(read.body).toMatchObject({ hash, content });
        } else {
          expect(read.status).toBe(503);
          expect(read.body.error).toMatchObject({
            code: 'unavailable',
            retryable: true,
            details: { reason: 'content_hash_mismatch', hash },
          });
        }
      }
      expect(forgedAnswers).toBeGreaterThan(0);
      // The plain subscriber's answer races the service's: some reads were refused.
      expect(statuses).toContain(503);
    } finally {
      await forger.close();
    }
  });
});
