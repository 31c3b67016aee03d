// The Bus contract against both implementations: NatsBus on the run's real
// NATS server (every bus its own connection) and the in-process bus.
import { InProcessBus, NatsBus, type Bus } from '@crucible/messaging';
import { describeBusContract, type BusNetwork } from '../contracts/bus.contract';
import { testInfra, uniqueName } from '../support';
import { rejectionOf, within } from '../contracts/waits';

jest.setTimeout(30_000);

const { natsUrl } = testInfra();

function natsNetwork(): Promise<BusNetwork> {
  const buses: Bus[] = [];
  return Promise.resolve({
    async connect() {
      const bus = await NatsBus.connect({ url: natsUrl, name: uniqueName('bus_contract') });
      buses.push(bus);
      return bus;
    },
    async close() {
      await Promise.all(buses.map((bus) => bus.close()));
    },
  });
}

function inProcessNetwork(): Promise<BusNetwork> {
  const bus = new InProcessBus();
  return Promise.resolve({ connect: () => Promise.resolve(bus), close: () => bus.close() });
}

describeBusContract({ name: 'NatsBus (real NATS)', network: natsNetwork });
describeBusContract({ name: 'InProcessBus', network: inProcessNetwork });

describe('NatsBus on a closed connection', () => {
  it('rejects requests with unavailable/connection at once, alone or several in one turn', async () => {
    const bus = await NatsBus.connect({ url: natsUrl, name: uniqueName('bus_closed') });
    await bus.close();
    const subject = `${uniqueName('bus')}.op`;
    const request = () => bus.request(subject, new Uint8Array([1]), { timeoutMs: 10_000 });

    const alone = await within(2_000, 'a lone request to fail', rejectionOf(request()));
    const several = await within(
      2_000,
      'requests of one turn to fail',
      Promise.all([request(), request(), request()].map(rejectionOf)),
    );

    for (const error of [alone, ...several])
      expect(error).toMatchObject({ code: 'unavailable', details: { reason: 'connection' } });
  });
});

describe('NatsBus batches', () => {
  it('fails a request nats.js refuses alone; the others of its turn are answered in order', async () => {
    const server = await NatsBus.connect({ url: natsUrl, name: uniqueName('bus_batch') });
    const client = await NatsBus.connect({ url: natsUrl, name: uniqueName('bus_batch') });
    try {
      const subject = `${uniqueName('bus')}.op`;
      const seen: string[] = [];
      await server.serve(subject, { queue: 'batch' }, (message) => {
        seen.push(Buffer.from(message.data).toString());
        return Promise.resolve({ data: message.data, headers: {} });
      });
      const request = (to: string, text: string) =>
        client.request(to, Buffer.from(text), { timeoutMs: 5_000 });
      // One turn: written together, but for the subject with a space, which nats.js refuses.
      const results = await Promise.allSettled([
        request(subject, 'a'),
        request(subject, 'b'),
        request(`${subject} x`, 'refused'),
        request(subject, 'c'),
      ]);

      expect(
        results.map((r) =>
          r.status === 'fulfilled' ? Buffer.from(r.value.data).toString() : r.reason.name,
        ),
      ).toEqual(['a', 'b', 'InvalidSubjectError', 'c']);
      expect(seen).toEqual(['a', 'b', 'c']);
      // More in one turn than one batch holds: handed over in full batches, answered in order.
      const many = Array.from({ length: 40 }, (_, i) => `m${i}`);
      const answers = await Promise.all(many.map((text) => request(subject, text)));
      expect(answers.map((r) => Buffer.from(r.data).toString())).toEqual(many);
      expect(seen.slice(3)).toEqual(many);
      // Alone, nothing to batch with: refused at once the same way.
      await expect(request(`${subject} x`, 'alone')).rejects.toMatchObject({
        name: 'InvalidSubjectError',
      });
    } finally {
      await client.close();
      await server.close();
    }
  });
});
