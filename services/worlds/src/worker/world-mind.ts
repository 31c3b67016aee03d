import type { Mind as MindConfigJson } from '@crucible/contracts';
import {
  compileOpenAiMindOptions,
  OFFLINE_MODEL,
  type MindDefaults,
  type SamplingParams,
} from '../minds';

/** The model and sampling parameters a world's turns ask for (part of every request's hash). */
export function mindRequestSettings(
  config: MindConfigJson | null,
  defaults: MindDefaults,
  env: NodeJS.ProcessEnv = process.env,
): { model: string; params: SamplingParams } {
  if (config === null || config.provider === 'offline') {
    return { model: OFFLINE_MODEL, params: config?.params ?? {} };
  }
  return {
    model: compileOpenAiMindOptions(config, defaults, env).model,
    params: config.params ?? {},
  };
}
