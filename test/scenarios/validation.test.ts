import { startEmbeddedPlatform, startRealPlatform } from '../platform/stack';
import { describeValidation } from './validation.suite';

describeValidation('real servers', () => startRealPlatform());
describeValidation('embedded', () => startEmbeddedPlatform());
