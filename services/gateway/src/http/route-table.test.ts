import { RouteTable } from './route-table';

const table = new RouteTable<string>([
  { method: 'POST', path: '/v1/components/environments', target: 'put' },
  { method: 'GET', path: '/v1/components/environments/{hash}', target: 'get' },
  { method: 'GET', path: '/v1/names/{name}/history', target: 'history' },
  { method: 'GET', path: '/v1/names/lookup', target: 'static first' },
  { method: 'GET', path: '/v1/names/{name}', target: 'by name' },
]);

describe('RouteTable', () => {
  it('matches by method and path, with percent-decoded parameters', () => {
    expect(table.match('POST', '/v1/components/environments')).toEqual({
      target: 'put',
      params: {},
    });
    expect(table.match('GET', '/v1/names/a%2Fb/history')).toEqual({
      target: 'history',
      params: { name: 'a/b' },
    });
    expect(table.match('GET', '/v1/components/environments')).toBeUndefined();
    expect(table.match('DELETE', '/v1/components/environments/abc')).toBeUndefined();
  });

  it('matches as express does: any case, one trailing slash, HEAD as GET', () => {
    expect(table.match('POST', '/V1/Components/Environments/')?.target).toBe('put');
    expect(table.match('POST', '/v1/components/environments//')).toBeUndefined();
    expect(table.match('HEAD', '/v1/components/environments/abc')?.params).toEqual({ hash: 'abc' });
  });

  it('never matches an empty parameter or a path without a leading slash', () => {
    expect(table.match('GET', '/v1/names//history')).toBeUndefined();
    expect(table.match('GET', 'v1/names/x')).toBeUndefined();
  });

  it('takes the first route given when several match', () => {
    expect(table.match('GET', '/v1/names/lookup')?.target).toBe('static first');
    expect(table.match('GET', '/v1/names/other')?.target).toBe('by name');
  });

  it('names the methods served at a path, for 405 answers', () => {
    expect(table.methodsAt('/v1/components/environments')).toEqual(['POST']);
    expect(table.methodsAt('/V1/components/environments/abc/')).toEqual(['GET', 'HEAD']);
    expect(table.methodsAt('/v1/names/x/history')).toEqual(['GET', 'HEAD']);
    expect(table.methodsAt('/v1/dragons')).toEqual([]);
    expect(table.methodsAt('v1/names/x')).toEqual([]);
  });

  it('refuses a malformed escape as invalid_argument at the parameter', () => {
    expect(() => table.match('GET', '/v1/names/%zz')).toThrow(
      expect.objectContaining({
        code: 'invalid_argument',
        details: expect.objectContaining({ path: '/name', reason: 'malformed_percent_encoding' }),
      }),
    );
  });
});
