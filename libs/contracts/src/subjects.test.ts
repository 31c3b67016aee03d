import {
  consumerGroup,
  deadLetterTopic,
  operationSubject,
  readinessSubject,
  serviceQueue,
  streamTopic,
} from './subjects';

describe('subject and topic names', () => {
  it('builds exact strings', () => {
    expect(operationSubject('crucible', { service: 'components', name: 'put_environment' })).toBe(
      'crucible.components.put_environment',
    );
    expect(serviceQueue('components')).toBe('components');
    expect(readinessSubject('crucible', 'names')).toBe('crucible.names._ready');
    expect(streamTopic('crucible', 'components')).toBe('crucible.components.events');
    expect(deadLetterTopic('crucible', 'components')).toBe('crucible.components.events.dlq');
    expect(consumerGroup('t1', 'scenarios', 'names_projection')).toBe(
      't1.scenarios.names_projection',
    );
  });

  it('refuses tokens that would break the subject hierarchy', () => {
    expect(() =>
      operationSubject('a.b', { service: 'components', name: 'put_environment' }),
    ).toThrow(/prefix/);
    expect(() => operationSubject('p', { service: 'comp*', name: 'put_environment' })).toThrow(
      /service/,
    );
    expect(() => streamTopic('p', '>')).toThrow(/stream/);
    expect(() => operationSubject('', { service: 'c', name: 'put_environment' })).toThrow(/prefix/);
    expect(() => readinessSubject('a.b', 'names')).toThrow('invalid prefix "a.b"');
    expect(() => readinessSubject('crucible', 'Names')).toThrow('invalid service "Names"');
    expect(() => deadLetterTopic('crucible', 'a b')).toThrow('invalid stream "a b"');
  });
});
