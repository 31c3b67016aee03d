import { startEmbeddedPlatform, startRealPlatform } from '../platform/stack';
import { describeSmoke } from './smoke.suite';

describeSmoke('real servers', () => startRealPlatform());
describeSmoke('embedded', () => startEmbeddedPlatform());
