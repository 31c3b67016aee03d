import { AdjudicationValidators } from './adjudication-validators';
import { ADJUDICATION_SCHEMA } from './test-fixtures';

describe('AdjudicationValidators', () => {
  it('compiles a schema once, by content (key order does not matter)', () => {
    const validators = new AdjudicationValidators();
    const first = validators.checker(ADJUDICATION_SCHEMA);
    expect(validators.checker({ ...ADJUDICATION_SCHEMA })).toBe(first);
    const { required, ...rest } = ADJUDICATION_SCHEMA;
    expect(validators.checker({ required, ...rest })).toBe(first);
    expect(validators.checker({ ...ADJUDICATION_SCHEMA, required: ['narration'] })).not.toBe(first);
  });

  it('names every problem, with the JSON Pointer of each', () => {
    const check = new AdjudicationValidators().checker(ADJUDICATION_SCHEMA);
    expect(
      check({
        narration: 'x',
        agent_state_after: 'x',
        agent_memory_append: 'x',
        entity_mutations: [{ entity_id: 1, state: 'x' }],
        environment_mutations: [{ environment_label: 'a' }],
      }),
    ).toEqual([
      '/entity_mutations/0/entity_id must be string',
      "/environment_mutations/0 must have required property 'content'",
    ]);
    expect(check({ ...JSON.parse('{}'), narration: 'x' })).toHaveLength(4);
  });

  it('reads draft 2020-12 schemas and names enum values', () => {
    const check = new AdjudicationValidators().checker({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        outcome: { enum: ['success', 'failure'] },
        // A 2020-12 keyword: strict draft-07 would refuse it.
        tags: { type: 'array', prefixItems: [{ type: 'string' }] },
      },
    });
    expect(check({ outcome: 'maybe' })).toEqual([
      '/outcome must be equal to one of the allowed values: "success", "failure"',
    ]);
  });

  it('throws on a schema that does not compile', () => {
    expect(() => new AdjudicationValidators().checker({ type: 'banana' })).toThrow();
  });
});
