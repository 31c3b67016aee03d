import { CrucibleError, notFound } from './errors';
import { rejectionOf, thrownBy } from './testing';

describe('thrownBy', () => {
  it('returns what the call throws, of the asked class', () => {
    const error = thrownBy(() => {
      throw notFound('gone');
    }, CrucibleError);
    expect(error.code).toBe('not_found');
  });

  it('rethrows an error of another class as it is', () => {
    const other = new RangeError('not this one');
    expect(() =>
      thrownBy(() => {
        throw other;
      }, CrucibleError),
    ).toThrow(other);
  });

  it('fails when the call returns', () => {
    expect(() => thrownBy(() => 1, CrucibleError)).toThrow(
      'expected a CrucibleError, but the call returned',
    );
    expect(() => thrownBy(() => 1)).toThrow('expected a throw, but the call returned');
  });
});

describe('rejectionOf', () => {
  it('resolves with the rejection, of any kind without a class', async () => {
    expect(await rejectionOf(Promise.reject(new Error('x')))).toEqual(new Error('x'));
    await expect(rejectionOf(Promise.reject(notFound('gone')), CrucibleError)).resolves.toEqual(
      expect.objectContaining({ code: 'not_found' }),
    );
  });

  it('rejects with an error of another class, or when the promise resolves', async () => {
    const other = new TypeError('not this one');
    await expect(rejectionOf(Promise.reject(other), CrucibleError)).rejects.toBe(other);
    await expect(rejectionOf(Promise.resolve(1))).rejects.toThrow(
      'expected a rejection, but the promise resolved',
    );
  });
});
