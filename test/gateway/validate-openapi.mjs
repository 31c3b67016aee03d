// Checks an OpenAPI document (JSON on stdin) with @hyperjump/json-schema
// against the OpenAPI 3.1 schema-base: the document's structure and every
// Schema Object in it against the JSON Schema 2020-12 dialect of OpenAPI 3.1.
// Prints the BASIC output ({ valid, errors }) as JSON. It is ESM-only, so
// test/gateway/openapi.test.ts runs it as a child process.
import { validate } from '@hyperjump/json-schema/openapi-3-1';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const document = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const output = await validate('https://spec.openapis.org/oas/3.1/schema-base', document, 'BASIC');
process.stdout.write(JSON.stringify(output));
