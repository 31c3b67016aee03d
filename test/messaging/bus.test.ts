// The Bus contract against both implementations: NatsBus on the run's real
// NATS server (every bus its own connection) and the in-process bus.
import { InProcessBus, NatsBus, type Bus } from '@crucible/messaging';
import { describeBusContract, type BusNetwork } from '../contracts/bus.contract';
import { testInfra, uniqueName } from '../support';

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
