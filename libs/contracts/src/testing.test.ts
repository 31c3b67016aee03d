import { CrucibleError, notFound } from './errors';
import { rejectedWith, rejectionOf, thrownBy } from './testing';

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
  });
});

describe('rejectionOf', () => {
  it('resolves with the rejection, whatever it is, and maps over promises', async () => {
    expect(await rejectionOf(Promise.reject(new Error('x')))).toEqual(new Error('x'));
    const errors = [new Error('a'), new Error('b')];
    const all = await Promise.all(errors.map((e) => Promise.reject(e)).map(rejectionOf));
    expect(all).toEqual(errors);
  });

  it('fails when the promise resolves', async () => {
    await expect(rejectionOf(Promise.resolve(1))).rejects.toThrow(
      'expected a rejection, but the promise resolved',
    );
  });
});

describe('rejectedWith', () => {
  it('resolves with the rejection of the asked class', async () => {
    const error = await rejectedWith(Promise.reject(notFound('gone')), CrucibleError);
    expect(error.code).toBe('not_found');
  });

  it('rejects with an error of another class, or when the promise resolves', async () => {
    const other = new TypeError('not this one');
    await expect(rejectedWith(Promise.reject(other), CrucibleError)).rejects.toBe(other);
    await expect(rejectedWith(Promise.resolve(1), CrucibleError)).rejects.toThrow(
      'expected a rejection, but the promise resolved',
    );
  });
});
