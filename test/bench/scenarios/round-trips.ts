// The round trips an operation truly needs, measured bare: a raw nats.js
// request answered by a raw subscriber on another connection, with a reply
// of the operation's size. With the operation's SQL run raw, they make the
// floor its overhead is judged against (scenarios.bench.ts).
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { measureOne, stats } from './measure';

export interface RoundTrips {
  /** Median ms of one bare request whose reply has `replyBytes` bytes. */
  p50(replyBytes: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startRoundTrips(natsUrl: string, subject: string): Promise<RoundTrips> {
  const server: NatsConnection = await connect({ servers: natsUrl, name: `${subject}-server` });
  const client: NatsConnection = await connect({ servers: natsUrl, name: `${subject}-client` });
  const replies = new Map<number, Uint8Array>();
  const decoder = new TextDecoder();
  server.subscribe(subject, {
    callback: (error, msg) => {
      if (error) return;
      const size = Number(decoder.decode(msg.data));
      let reply = replies.get(size);
      if (reply === undefined) replies.set(size, (reply = new Uint8Array(size).fill(0x61)));
      msg.respond(reply);
    },
  });
  await server.flush();
  const medians = new Map<number, number>();
  return {
    async p50(replyBytes) {
      const known = medians.get(replyBytes);
      if (known !== undefined) return known;
      const request = new TextEncoder().encode(String(replyBytes));
      const samples = await measureOne(() => client.request(subject, request), 20, 100);
      const median = stats(samples).p50;
      medians.set(replyBytes, median);
      return median;
    },
    async stop() {
      await client.close();
      await server.drain();
    },
  };
}
