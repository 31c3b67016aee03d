import type { RequestHandler } from 'express';
import type { Catalog } from '@crucible/contracts';
import { OPS_PATH } from './routes';

interface Link {
  readonly href: string;
  readonly description: string;
}

/** Where a new user starts: what `GET /` links to (relative, so they hold behind a proxy). */
const LINKS: Readonly<Record<string, Link>> = {
  api: { href: '/v1', description: 'the HTTP API: every operation with its method and path' },
  openapi: { href: '/openapi.json', description: 'the OpenAPI 3.1 document of the HTTP API' },
  mcp: {
    href: '/mcp',
    description: 'the MCP endpoint (streamable HTTP, stateless): one tool per operation',
  },
  health: { href: '/health', description: 'liveness: 200 while the process runs' },
  ready: { href: '/ready', description: 'readiness: 200 while the gateway takes traffic' },
};

/**
 * `GET /`: links to the API, its OpenAPI document, MCP and health. JSON,
 * or a small HTML page when the client prefers HTML (a browser).
 */
export function homePage(version: string): RequestHandler {
  const json = {
    name: 'Crucible',
    description: 'Author, version, run and judge LLM-driven world simulations.',
    version,
    links: LINKS,
  };
  const html = homeHtml(version);
  return (req, res) => {
    res.vary('Accept');
    // JSON first: what a client that states no preference (or */*) gets.
    if (req.accepts(['application/json', 'text/html']) === 'text/html') {
      res.type('html').send(html);
    } else {
      res.json(json);
    }
  };
}

function homeHtml(version: string): string {
  const items = Object.values(LINKS)
    .map(
      (link) =>
        `<li><a href="${escapeHtml(link.href)}">${escapeHtml(link.href)}</a>: ${escapeHtml(link.description)}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Crucible</title></head>
<body>
<h1>Crucible ${escapeHtml(version)}</h1>
<p>Author, version, run and judge LLM-driven world simulations.</p>
<ul>
${items}
</ul>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `GET /v1`: the operations, each with its HTTP route, and the route that takes any by name. */
export function apiIndex(catalog: Catalog): RequestHandler {
  const body = {
    operations: catalog.exposedOperations().map((spec) => ({
      name: spec.name,
      service: spec.service,
      method: spec.http.method,
      path: spec.http.path,
      summary: spec.summary,
    })),
    by_name: { method: 'POST', path: OPS_PATH, description: 'any operation, the request as body' },
    links: { openapi: LINKS.openapi, home: { href: '/', description: 'where to start' } },
  };
  return (_req, res) => {
    res.json(body);
  };
}
