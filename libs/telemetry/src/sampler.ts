import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import type { SamplerSetting } from './telemetry-config';

/** The SDK sampler for a parsed OTEL_TRACES_SAMPLER setting. */
export function buildSampler(setting: SamplerSetting): Sampler {
  let root: Sampler;
  switch (setting.kind) {
    case 'always_on':
      root = new AlwaysOnSampler();
      break;
    case 'always_off':
      root = new AlwaysOffSampler();
      break;
    case 'traceidratio':
      root = new TraceIdRatioBasedSampler(setting.ratio);
      break;
    default:
      return assertNever(setting);
  }
  return setting.parentBased ? new ParentBasedSampler({ root }) : root;
}

function assertNever(value: never): never {
  throw new Error(`unexpected sampler setting: ${JSON.stringify(value)}`);
}
