import { judgeMessages, parseVerdict, verdictSchema } from './judge-verdict';
import type { JudgeScorer } from './scorer-config';

const numeric: JudgeScorer = {
  name: 'helpfulness',
  kind: 'llm_judge',
  rubric: 'Rate helpfulness from 1 to 5.',
  type: 'numeric',
  min: 1,
  max: 5,
  judges: [{ id: 'j', mind: { provider: 'offline' }, weight: 1 }],
  strategy: 'majority',
};
const categorical: JudgeScorer = {
  ...numeric,
  name: 'tone',
  type: 'categorical',
  values: ['calm', 'tense'],
  min: undefined,
  max: undefined,
};

describe('judge verdicts', () => {
  it('the schema types the score as the score config does', () => {
    expect(verdictSchema(numeric).properties).toMatchObject({
      score: { type: 'number', minimum: 1, maximum: 5 },
    });
    expect(verdictSchema(categorical).properties).toMatchObject({
      score: { type: 'string', enum: ['calm', 'tense'] },
    });
    const [system, user] = judgeMessages(numeric, { turns: 2 });
    expect(system!.content).toContain('Rate helpfulness from 1 to 5.');
    expect(system!.content).toContain('"minimum":1');
    expect(user).toEqual({ role: 'user', content: '{"turns":2}' });
  });

  it('accepts a valid verdict, fenced or not; confidence defaults to 1', () => {
    expect(parseVerdict(numeric, '{"score": 4, "reason": "clear"}')).toEqual({
      ok: true,
      value: 4,
      reason: 'clear',
      confidence: 1,
    });
    expect(
      parseVerdict(categorical, '```json\n{"score":"calm","reason":"r","confidence":0.5}\n```'),
    ).toEqual({
      ok: true,
      value: 'calm',
      reason: 'r',
      confidence: 0.5,
    });
  });

  it('refuses anything that is not a verdict of its schema', () => {
    const problem = (scorer: JudgeScorer, text: string) => {
      const parsed = parseVerdict(scorer, text);
      return parsed.ok ? 'accepted' : parsed.problem;
    };
    expect(problem(numeric, 'four')).toBe('the answer is not JSON');
    expect(problem(numeric, '[4]')).toBe('the answer is not a JSON object');
    expect(problem(numeric, '{"score": 9, "reason": "r"}')).toMatch(/^score: .*outside/);
    expect(problem(numeric, '{"score": "4", "reason": "r"}')).toMatch(/^score: .*a number/);
    expect(problem(categorical, '{"score": "angry", "reason": "r"}')).toMatch(
      /^score: .*not one of/,
    );
    expect(problem(numeric, '{"score": 4}')).toBe('reason: a text is required');
    expect(problem(numeric, '{"score": 4, "reason": "r", "confidence": 2}')).toBe(
      'confidence: a number from 0 to 1',
    );
    expect(problem(numeric, '{"score": 4, "reason": "r", "mood": 1}')).toBe('unknown field mood');
    expect(problem(numeric, '{"reason": "r"}')).toBe('score: missing');
  });
});
