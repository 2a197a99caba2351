// The bench's loopback registry: serves the generated packuments, answers ETag revalidation with 304,
// answers npm audit's bulk advisory endpoint with "no advisories", and counts requests and body bytes.
//
// Bodies are loaded into memory first: on a small machine a server reading files per request competes
// for the same cores as the CLI being measured, which a remote registry does not.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';

const BULK_PATH = '/-/npm/v1/security/advisories/bulk';

/** `packages`: [{ name, bytes }] as generate() returns them; files are `name.json`, `@scope__name.json`. */
export async function startBenchRegistry({ registryDir, packages }) {
  const byName = new Map();
  for (const p of packages) byName.set(p.name, { body: await readFile(join(registryDir, `${p.name.replace('/', '__')}.json`)), bytes: p.bytes });
  const stats = { packuments: 0, notModified: 0, advisories: 0, other: 0, bodyBytes: 0 };
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === BULK_PATH) {
      stats.advisories++;
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 }).end('{}'));
      return;
    }
    let name;
    try {
      name = decodeURIComponent(new URL(req.url ?? '/', 'http://bench.invalid').pathname.slice(1));
    } catch {
      name = '';
    }
    const entry = req.method === 'GET' ? byName.get(name) : undefined;
    if (!entry) {
      stats.other++;
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
    }
    const etag = `"${entry.bytes.toString(36)}-${name.length}"`;
    if (req.headers['if-none-match'] === etag) {
      stats.notModified++;
      return void res.writeHead(304, { etag }).end();
    }
    stats.packuments++;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': entry.body.length, etag });
    res.end(entry.body);
    stats.bodyBytes += entry.body.length;
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    snapshot: () => ({ ...stats }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
