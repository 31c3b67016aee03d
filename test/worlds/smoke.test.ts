import { startEmbeddedPlatform, startRealPlatform } from '../platform/stack';
import { describeWorldsSmoke } from './smoke.suite';

describeWorldsSmoke('real servers', () => startRealPlatform());
describeWorldsSmoke('embedded', () => startEmbeddedPlatform());
