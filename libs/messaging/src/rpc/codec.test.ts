import { internal } from '@crucible/contracts';
import { decodeJson, encodeError, encodeJson, encodeResult, resultJson } from './codec';

describe('resultJson', () => {
  it('is the result as encodeResult encoded it, without decoding', () => {
    for (const result of [{ hash: 'a', was_new: true }, [1, 'two'], 'text', 0, null]) {
      const inner = resultJson(encodeResult(result));
      expect(inner && decodeJson(inner)).toEqual(result);
    }
  });

  it('is undefined for an error reply and for replies encoded another way', () => {
    expect(resultJson(encodeError(internal()))).toBeUndefined();
    expect(resultJson(encodeJson({ result: 1, extra: true }).subarray(0, 12))).toBeUndefined();
    expect(resultJson(new TextEncoder().encode('{ "result": 1 }'))).toBeUndefined();
    expect(resultJson(new Uint8Array())).toBeUndefined();
  });
});
