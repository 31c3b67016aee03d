import { fieldReaders } from './string-fields';

const readers = fieldReaders({
  type: 'object',
  properties: {
    limit: { type: 'integer' },
    ratio: { type: 'number' },
    named: { type: 'boolean' },
    hashes: { type: 'array', items: { type: 'integer' } },
    page: { type: 'object', properties: { size: { type: 'integer' } } },
    name: { type: 'string' },
    budget: { type: ['integer', 'null'] },
  },
});

function read(field: string, value: string | string[]): unknown {
  return readers.get(field)!(value);
}

describe('fieldReaders', () => {
  it('reads numbers and booleans spelled as such, and leaves anything else for the schema check', () => {
    expect(read('limit', '10')).toBe(10);
    expect(read('limit', '-3')).toBe(-3);
    expect(read('ratio', '0.5')).toBe(0.5);
    expect(read('budget', '2')).toBe(2);
    expect(read('limit', '1e3')).toBe('1e3');
    expect(read('limit', '')).toBe('');
    expect(read('limit', ['1', '2'])).toEqual(['1', '2']);
    expect(read('named', 'true')).toBe(true);
    expect(read('named', 'false')).toBe(false);
    expect(read('named', 'yes')).toBe('yes');
    expect(read('name', '42')).toBe('42');
  });

  it('reads an array from a repeated key or one value, its items as theirs', () => {
    expect(read('hashes', ['1', '2'])).toEqual([1, 2]);
    expect(read('hashes', '7')).toEqual([7]);
  });

  it('reads an object from JSON text; other text stays text', () => {
    expect(read('page', '{"size":5}')).toEqual({ size: 5 });
    expect(read('page', '{not json')).toBe('{not json');
    expect(read('page', 'size=5')).toBe('size=5');
  });
});
