import {
  isMindError,
  type ChatMessage,
  type Mind,
  type ResponseFormat,
  type SamplingParams,
} from '@crucible/minds';
import { AdjudicationValidators } from './adjudication-validators';
import { sealRequest } from './call-hash';
import { WorldRenderer, type EnvironmentIndex } from './render';
import type { TurnFailure, TurnFailureCode, TurnPhase } from './turn-outcome';
import type { WorldState } from './world-state';

export type Engine = 'sequential' | 'simultaneous';

export interface KernelOptions {
  /** `sequential`: each agent acts on the effects of those before it; `simultaneous`: all perceive and intend against the turn's start. */
  readonly engine: Engine;
  /** The model every request names (part of its hash). */
  readonly model: string;
  /** Sampling parameters every request carries (part of its hash). */
  readonly params: SamplingParams;
  /** Agents perceiving and intending at once under the simultaneous engine (>= 1). */
  readonly max_concurrency: number;
  /** Aborts the turn: no new call starts, the calls in flight get the signal. */
  readonly signal?: AbortSignal;
  /** Compiled adjudication schemas; default: one cache shared by every turn of the process. */
  readonly validators?: AdjudicationValidators;
}

export interface CompiledKernelOptions {
  readonly engine: Engine;
  readonly model: string;
  readonly params: SamplingParams;
  readonly maxConcurrency: number;
  readonly signal: AbortSignal | undefined;
  readonly validators: AdjudicationValidators;
}

// Compiling a schema costs far more than a turn's other work: one cache for
// the process unless the caller brings its own.
const sharedValidators = new AdjudicationValidators();

/** Options checked and defaulted once per turn. Throws RangeError on a caller's bug. */
export function compileKernelOptions(options: KernelOptions): CompiledKernelOptions {
  if (options.engine !== 'sequential' && options.engine !== 'simultaneous') {
    throw new RangeError(`unknown engine ${JSON.stringify(options.engine)}`);
  }
  if (!Number.isSafeInteger(options.max_concurrency) || options.max_concurrency < 1) {
    throw new RangeError(`max_concurrency must be an integer >= 1, not ${options.max_concurrency}`);
  }
  return {
    engine: options.engine,
    model: options.model,
    // A frozen copy: it is part of every request's hash, which must not go stale.
    params: Object.freeze({
      ...options.params,
      ...(options.params.stop === undefined
        ? {}
        : { stop: Object.freeze([...options.params.stop]) }),
    }),
    maxConcurrency: options.max_concurrency,
    signal: options.signal,
    validators: options.validators ?? sharedValidators,
  };
}

/** A step of the turn failed: runTurn turns it into a failed outcome. */
export class StepFailed extends Error {
  override readonly name = 'StepFailed';
  constructor(readonly failure: TurnFailure) {
    super(failure.message);
  }
}

export function stepFailed(
  code: TurnFailureCode,
  agentId: string,
  phase: TurnPhase,
  message: string,
  extra: Partial<Pick<TurnFailure, 'complaints' | 'call_hashes' | 'mind_failure'>> = {},
): StepFailed {
  return new StepFailed({
    code,
    agent_id: agentId,
    phase,
    message,
    complaints: extra.complaints ?? [],
    call_hashes: extra.call_hashes ?? [],
    ...(extra.mind_failure === undefined ? {} : { mind_failure: extra.mind_failure }),
  });
}

/**
 * What every step of one turn shares: the mind, the options, the starting
 * state's environment index and the turn's abort signal (the caller's,
 * plus the kernel's own for calls in flight when a sibling fails).
 */
export class TurnContext {
  readonly index: EnvironmentIndex;
  /** The director's snapshots of this turn's states, sections reused while unchanged. */
  readonly renderer: WorldRenderer;
  private readonly controller = new AbortController();
  private readonly onCallerAbort = (): void => this.controller.abort();

  constructor(
    readonly start: WorldState,
    readonly mind: Mind,
    readonly options: CompiledKernelOptions,
    index: EnvironmentIndex,
  ) {
    this.index = index;
    this.renderer = new WorldRenderer(index);
    options.signal?.addEventListener('abort', this.onCallerAbort, { once: true });
    if (options.signal?.aborted === true) this.controller.abort();
  }

  /** Cancels the calls in flight (a sibling failed); not an abort by the caller. */
  cancel(): void {
    this.controller.abort();
  }

  close(): void {
    this.options.signal?.removeEventListener('abort', this.onCallerAbort);
  }

  get callerAborted(): boolean {
    return this.options.signal?.aborted === true;
  }

  /**
   * One call to the mind. Its hash is pushed to `hashes` before the call, so
   * a failure still names the request that failed. Returns the content.
   */
  async call(
    agentId: string,
    phase: 'perceive' | 'intend' | 'adjudicate',
    attempt: number,
    messages: readonly ChatMessage[],
    responseFormat: ResponseFormat,
    hashes: string[],
  ): Promise<string> {
    if (this.callerAborted) throw this.aborted(agentId, phase, hashes);
    // Sealed (frozen, hashed once): the hash in the events is the one a
    // recording mind gets from callHash for this very object.
    const { request, hash } = sealRequest({
      model: this.options.model,
      messages: [...messages],
      params: this.options.params,
      response_format: responseFormat,
      purpose: {
        world_slug: this.start.slug,
        turn: this.start.turn,
        agent_id: agentId,
        phase,
        attempt,
      },
    });
    hashes.push(hash);
    try {
      const response = await this.mind.complete(request, this.controller.signal);
      return response.content;
    } catch (error: unknown) {
      // Anything but a MindError is the caller's infrastructure failing (a
      // recorder's write, a bug): not a turn outcome, so it propagates.
      if (!isMindError(error)) throw error;
      if (this.callerAborted) throw this.aborted(agentId, phase, hashes, error.toJSON());
      throw stepFailed(
        'mind_failed',
        agentId,
        phase,
        `the mind failed the ${phase} call of agent "${agentId}" (${error.kind}): ${error.message}`,
        { call_hashes: [...hashes], mind_failure: error.toJSON() },
      );
    }
  }

  private aborted(
    agentId: string,
    phase: TurnPhase,
    hashes: readonly string[],
    mindFailure?: TurnFailure['mind_failure'],
  ): StepFailed {
    return stepFailed('aborted', agentId, phase, 'the turn was aborted', {
      call_hashes: [...hashes],
      ...(mindFailure === undefined ? {} : { mind_failure: mindFailure }),
    });
  }
}
