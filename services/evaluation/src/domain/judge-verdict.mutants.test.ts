import { judgeMessages, parseVerdict, verdictSchema } from './judge-verdict';
import type { JudgeScorer } from './scorer-config';

// Written against the surviving mutants of judge-verdict.ts
// (docs/testing.md, "Scores"): the whole schema and prompt a judge gets,
// and each rule of reading its answer, fences included.

const base: JudgeScorer = {
  name: 'kind',
  kind: 'llm_judge',
  rubric: 'Was the agent kind?',
  type: 'boolean',
  judges: [{ id: 'j', mind: { provider: 'offline' }, weight: 1 }],
  strategy: 'majority',
};
const rest = {
  reason: { type: 'string', maxLength: 2000 },
  confidence: { type: 'number', minimum: 0, maximum: 1 },
};
const schemaOf = (score: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required: ['score', 'reason'],
  properties: { score, ...rest },
});

describe('verdictSchema', () => {
  it('types the score as the scorer does, bounds only when given', () => {
    expect(verdictSchema(base)).toStrictEqual(schemaOf({ type: 'boolean' }));
    expect(verdictSchema({ ...base, type: 'numeric' })).toStrictEqual(schemaOf({ type: 'number' }));
    expect(verdictSchema({ ...base, type: 'numeric', min: 1 })).toStrictEqual(
      schemaOf({ type: 'number', minimum: 1 }),
    );
    expect(verdictSchema({ ...base, type: 'numeric', max: 5 })).toStrictEqual(
      schemaOf({ type: 'number', maximum: 5 }),
    );
    expect(verdictSchema({ ...base, type: 'categorical', values: ['a', 'b'] })).toStrictEqual(
      schemaOf({ type: 'string', enum: ['a', 'b'] }),
    );
    // Without values (refused by readScorers) no category is allowed.
    expect(verdictSchema({ ...base, type: 'categorical' })).toStrictEqual(
      schemaOf({ type: 'string', enum: [] }),
    );
  });
});

describe('judgeMessages', () => {
  it('gives the rubric and the schema, then the evidence as JSON', () => {
    expect(judgeMessages(base, { turns: [1] })).toEqual([
      {
        role: 'system',
        content:
          'You are an evaluator. Score "kind" by this rubric:\n\n' +
          'Was the agent kind?\n\n' +
          'Answer with one JSON object only, meeting this JSON Schema:\n\n' +
          JSON.stringify(schemaOf({ type: 'boolean' })),
      },
      { role: 'user', content: '{"turns":[1]}' },
    ]);
  });
});

describe('parseVerdict', () => {
  const body = '{"score": true, "reason": "it was"}';
  const ok = { ok: true, value: true, reason: 'it was', confidence: 1 };
  const notJson = { ok: false, problem: 'the answer is not JSON' };

  it('unwraps a fence around the whole answer, with or without json and spaces', () => {
    expect(parseVerdict(base, body)).toEqual(ok);
    expect(parseVerdict(base, '```json\n' + body + '\n```')).toEqual(ok);
    expect(parseVerdict(base, '  ```json\n' + body + '\n```\n')).toEqual(ok);
    expect(parseVerdict(base, '```\n' + body + '\n```')).toEqual(ok);
    expect(parseVerdict(base, '```json' + body + '```')).toEqual(ok);
    expect(parseVerdict(base, '```json\n' + body + '```')).toEqual(ok);
  });

  it('does not unwrap a fence with text around it', () => {
    expect(parseVerdict(base, 'Here: ```json\n' + body + '\n```')).toEqual(notJson);
    expect(parseVerdict(base, '```json\n' + body + '\n``` done')).toEqual(notJson);
    expect(parseVerdict(base, 'not json')).toEqual(notJson);
  });

  it('wants an object', () => {
    const notObject = { ok: false, problem: 'the answer is not a JSON object' };
    for (const text of ['null', '[1]', '3', '"x"'])
      expect(parseVerdict(base, text)).toEqual(notObject);
  });

  it('names an unknown field and a missing reason or score', () => {
    expect(parseVerdict(base, '{"score": true, "reason": "r", "why": 1}')).toEqual({
      ok: false,
      problem: 'unknown field why',
    });
    expect(parseVerdict(base, '{"score": true}')).toEqual({
      ok: false,
      problem: 'reason: a text is required',
    });
    expect(parseVerdict(base, '{"reason": "r"}')).toEqual({ ok: false, problem: 'score: missing' });
  });

  it('takes a confidence from 0 to 1', () => {
    const withConfidence = (c: unknown) =>
      parseVerdict(base, JSON.stringify({ score: false, reason: 'r', confidence: c }));
    expect(withConfidence(0)).toEqual({ ok: true, value: false, reason: 'r', confidence: 0 });
    expect(withConfidence(1)).toEqual({ ok: true, value: false, reason: 'r', confidence: 1 });
    const problem = { ok: false, problem: 'confidence: a number from 0 to 1' };
    for (const c of [-0.01, 1.01, '0.5', null]) expect(withConfidence(c)).toEqual(problem);
  });

  it('says what is wrong with the score at its name', () => {
    const numeric: JudgeScorer = { ...base, type: 'numeric', min: 1, max: 5 };
    expect(parseVerdict(numeric, '{"score": 6, "reason": "r"}')).toEqual({
      ok: false,
      problem: 'score: /kind: 6 is outside [1, 5]',
    });
    expect(parseVerdict(base, '{"score": "yes", "reason": "r"}')).toEqual({
      ok: false,
      problem: 'score: /kind: the score config wants true or false',
    });
  });
});
