import { createHash } from 'node:crypto';
import { feedbackScore, sampledIn, storedFeedback } from './feedback-rules';

describe('sampledIn', () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => `event-${i}`);

  it('keeps all at rate 1 and none at rate 0', () => {
    expect(ids.every((id) => sampledIn('d', id, 1))).toBe(true);
    expect(ids.some((id) => sampledIn('d', id, 0))).toBe(false);
  });

  it('keeps about the rate, the same events every time, and nests: a lower rate keeps a subset', () => {
    const kept = ids.filter((id) => sampledIn('d', id, 0.25));
    expect(Math.abs(kept.length / ids.length - 0.25)).toBeLessThan(0.01);
    expect(ids.filter((id) => sampledIn('d', id, 0.25))).toEqual(kept);
    const fewer = ids.filter((id) => sampledIn('d', id, 0.1));
    expect(fewer.every((id) => kept.includes(id))).toBe(true);
  });

  it('hashes "<deployment>/<event id>": another deployment samples other events', () => {
    const bucket = (s: string) =>
      Number.parseInt(createHash('sha256').update(s).digest('hex').slice(0, 8), 16) / 2 ** 32;
    for (const id of ids.slice(0, 200)) {
      expect(sampledIn('d', id, 0.5)).toBe(bucket(`d/${id}`) < 0.5);
    }
    const here = ids.filter((id) => sampledIn('d', id, 0.5));
    const there = ids.filter((id) => sampledIn('e', id, 0.5));
    expect(here).not.toEqual(there);
  });
});

describe('feedbackScore', () => {
  it('scores thumbs, booleans and numbers; nothing else', () => {
    expect(feedbackScore({ feedback_type: 'thumbs', feedback_value: 'up' })).toBe(1);
    expect(feedbackScore({ feedback_type: 'thumbs', feedback_value: 'down' })).toBe(0);
    expect(feedbackScore({ feedback_type: 'flag', feedback_value: true })).toBe(1);
    expect(feedbackScore({ feedback_type: 'rating', feedback_value: 4.5 })).toBe(4.5);
    expect(feedbackScore({ feedback_type: 'correction', feedback_value: 'up' })).toBeNull();
    expect(feedbackScore({ feedback_type: 'label', feedback_value: { x: 1 } })).toBeNull();
    expect(feedbackScore({ feedback_type: 'thumbs' })).toBeNull();
  });
});

describe('storedFeedback', () => {
  const event = { id: 'e', user_id: 'alice', session_id: 's1' };
  const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

  it('pseudonymizes user and session ids unless anonymize_pii is false, and writes in where it came from', () => {
    const context = { deploymentId: 'd', version: '1.0.0' };
    expect(storedFeedback(event, { ...context, config: { anonymize_pii: true } })).toEqual({
      id: 'e',
      deployment_id: 'd',
      model_version: '1.0.0',
      user_id: sha('alice'),
      session_id: sha('s1'),
    });
    expect(storedFeedback(event, { ...context, config: { anonymize_pii: false } })).toMatchObject({
      user_id: 'alice',
      session_id: 's1',
    });
    // Already pseudonymized: not hashed twice.
    const again = storedFeedback({ ...event, user_id: sha('alice') }, { ...context, config: {} });
    expect(again.user_id).toBe(sha('alice'));
  });
});
