import type { NatsConnection } from '@nats-io/nats-core';
import { PUBLISH_BATCH_MAX, PublishBatch } from './publish-batch';

/** A connection that records what it is asked to publish (not nats.js's: the batch goes through `publish`). */
function recordingConnection(): { nc: NatsConnection; published: string[] } {
  const published: string[] = [];
  const nc = {
    isClosed: () => false,
    publish: (subject: string, data: Uint8Array) => {
      published.push(`${subject}:${Buffer.from(data).toString()}`);
    },
  } as unknown as NatsConnection;
  return { nc, published };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('PublishBatch', () => {
  it('holds a short batch until the end of the turn', async () => {
    const { nc, published } = recordingConnection();
    const batch = new PublishBatch(nc);
    for (let i = 0; i < PUBLISH_BATCH_MAX - 1; i++) batch.publish('s', Buffer.from(`${i}`), {});

    expect(published).toEqual([]);
    await nextTurn();
    expect(published).toEqual(Array.from({ length: PUBLISH_BATCH_MAX - 1 }, (_, i) => `s:${i}`));
  });

  it('hands a full batch over at once, and the rest of the turn after it, in order', async () => {
    const { nc, published } = recordingConnection();
    const batch = new PublishBatch(nc);
    const all = 2 * PUBLISH_BATCH_MAX + 3;
    for (let i = 0; i < all; i++) batch.publish('s', Buffer.from(`${i}`), {});

    // Two full batches went out while the turn was still running; three wait for its end.
    expect(published).toEqual(Array.from({ length: 2 * PUBLISH_BATCH_MAX }, (_, i) => `s:${i}`));
    await nextTurn();
    expect(published).toEqual(Array.from({ length: all }, (_, i) => `s:${i}`));
    await nextTurn();
    expect(published).toHaveLength(all);
  });

  it('publishes now after what is queued', () => {
    const { nc, published } = recordingConnection();
    const batch = new PublishBatch(nc);
    batch.publish('s', Buffer.from('queued'), {});
    batch.publishNow('s', Buffer.from('now'), {});

    expect(published).toEqual(['s:queued', 's:now']);
  });
});
