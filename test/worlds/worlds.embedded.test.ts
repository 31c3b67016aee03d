import { startEmbeddedPlatform } from '../platform/stack';
import { describeWorldsApi } from './worlds-api.suite';

describeWorldsApi('embedded', () => startEmbeddedPlatform());
