import { bundleSchema, defaultCatalog } from '@crucible/contracts';

// Every integer a request can carry is bounded by the schema to the numbers
// that survive JSON and Postgres' bigint alike (docs/api.md, "Limits"): an
// unbounded integer reaches a service's SQL, where 9223372036854775808 or
// 1e308 fails in Postgres (an `internal`, a 500) instead of a 400 here.
const catalog = defaultCatalog();

/** The JSON Pointer of every integer schema in `schema` that is not bounded both ways to safe integers. */
function unboundedIntegers(schema: unknown, path = ''): string[] {
  if (Array.isArray(schema))
    return schema.flatMap((item, i) => unboundedIntegers(item, `${path}/${i}`));
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const types = Array.isArray(node.type) ? node.type : [node.type];
  const here =
    types.includes('integer') || types.includes('number')
      ? typeof node.maximum === 'number' &&
        node.maximum <= Number.MAX_SAFE_INTEGER &&
        typeof node.minimum === 'number' &&
        node.minimum >= -Number.MAX_SAFE_INTEGER
        ? []
        : [path]
      : [];
  return [
    ...here,
    ...Object.entries(node).flatMap(([key, value]) => unboundedIntegers(value, `${path}/${key}`)),
  ];
}

describe('request schemas', () => {
  it.each([...catalog.operations.keys()])('%s bounds every integer to safe integers', (name) => {
    const request = bundleSchema(catalog.registry, catalog.operation(name).request);
    expect(unboundedIntegers(request)).toEqual([]);
  });
});
