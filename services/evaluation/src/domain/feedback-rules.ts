import type { FeedbackConfig, FeedbackEvent } from '@crucible/contracts';
import { sha256Hex } from '@crucible/hashing';

/**
 * Whether sampling keeps an event: the first 32 bits of
 * sha256("<deployment>/<event id>"), as a fraction of 2^32, below the rate.
 * A function of the ids only, so a retried request or a redelivered record
 * keeps exactly the same events, and a rate of 1 keeps all, 0 none.
 */
export function sampledIn(deploymentId: string, eventId: string, samplingRate: number): boolean {
  if (samplingRate >= 1) return true;
  const bucket = Number.parseInt(sha256Hex(`${deploymentId}/${eventId}`).slice(0, 8), 16);
  return bucket / 2 ** 32 < samplingRate;
}

/** Largest score magnitude summed into the totals: beyond it a value is not scored (sums stay finite). */
export const MAX_SCORE = 1e12;

/**
 * The number a feedback value scores, for the summary's means: thumbs up
 * (or true) 1 and down (or false) 0; a numeric value as it is (a
 * rating) up to MAX_SCORE either way; anything else (a correction, a label) none.
 */
export function feedbackScore(
  event: Pick<FeedbackEvent, 'feedback_type' | 'feedback_value'>,
): number | null {
  const value = event.feedback_value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Math.abs(value) <= MAX_SCORE ? value : null;
  if (event.feedback_type === 'thumbs' && typeof value === 'string') {
    if (value === 'up') return 1;
    if (value === 'down') return 0;
  }
  return null;
}

/**
 * The event as stored: with the config's anonymize_pii, user_id and
 * session_id become `sha256:<hex>` of themselves (still groupable, no
 * longer readable); the deployment and model version are written in.
 */
export function storedFeedback(
  event: FeedbackEvent,
  context: { deploymentId: string; version: string; config: Pick<FeedbackConfig, 'anonymize_pii'> },
): FeedbackEvent {
  const stored: FeedbackEvent = {
    ...event,
    deployment_id: context.deploymentId,
    model_version: context.version,
  };
  if (context.config.anonymize_pii !== false) {
    if (stored.user_id !== undefined) stored.user_id = pseudonym(stored.user_id);
    if (stored.session_id !== undefined) stored.session_id = pseudonym(stored.session_id);
  }
  return stored;
}

function pseudonym(value: string): string {
  return value.startsWith('sha256:') ? value : `sha256:${sha256Hex(value)}`;
}

/** Most feedback types one deployment's config may name (the summary lists up to 100 types). */
export const MAX_FEEDBACK_TYPES = 32;
