import { startEmbeddedPlatform, startRealPlatform } from '../platform/stack';
import { describeScenariosApi } from './scenarios-api.suite';

describeScenariosApi('real servers', () => startRealPlatform());
describeScenariosApi('embedded', () => startEmbeddedPlatform());
