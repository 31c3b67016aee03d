import { startEmbeddedPlatform, startRealPlatform } from '../platform/stack';
import { describeScenariosApi } from './scenarios-api.suite';
import { describeForkCycles } from './fork-cycles.suite';

describeScenariosApi('real servers', () => startRealPlatform());
describeScenariosApi('embedded', () => startEmbeddedPlatform());
describeForkCycles('real servers', () => startRealPlatform());
describeForkCycles('embedded', () => startEmbeddedPlatform());
