import { startRealPlatform } from '../platform/stack';
import { describeWorldsApi } from './worlds-api.suite';

describeWorldsApi('real servers', () => startRealPlatform());
