import {
  compileOpenAiMindOptions,
  OFFLINE_MODEL,
  type MindConfig,
  type MindDefaults,
  type SamplingParams,
} from '@crucible/minds';

/** The model and sampling parameters a world's turns ask for (part of every request's hash); of a resolved config (resolvedMind). */
export function mindRequestSettings(
  config: MindConfig | undefined,
  defaults: MindDefaults,
  env: NodeJS.ProcessEnv = process.env,
): { model: string; params: SamplingParams } {
  if (config === undefined || config.provider === 'offline') {
    return { model: OFFLINE_MODEL, params: config?.params ?? {} };
  }
  return {
    model: compileOpenAiMindOptions(config, defaults, env).model,
    params: config.params ?? {},
  };
}
