/**
 * A bulk advisory endpoint on 127.0.0.1 for the advisory client's tests: it reads each query as npm audit
 * sends it (POST, gzipped JSON) and answers through the test's function. One advisory to answer with.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TestContext } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { AdvisoryQuery } from '../../server/src/core/advisories/types';
import { testServer, type TestServer } from './helpers';

export const BULK_PATH = '/-/npm/v1/security/advisories/bulk';

export const JS_YAML = {
  id: 813,
  url: 'https://github.com/advisories/GHSA-8j8c-7jfh-h6hx',
  title: 'Code Injection in js-yaml',
  severity: 'high',
  vulnerable_versions: '<3.13.1',
  cwe: ['CWE-94'],
};

/** The query a request carried, whatever its content encoding. */
function readQuery(req: IncomingMessage): Promise<AdvisoryQuery> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      resolve(JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as AdvisoryQuery);
    });
  });
}

/** A bulk endpoint that answers each query with `answer(query, n, res)` (n: 1-based request count). */
export async function bulkEndpoint(
  t: TestContext,
  answer: (query: AdvisoryQuery, n: number, res: ServerResponse) => void,
): Promise<TestServer & { queries: AdvisoryQuery[] }> {
  const queries: AdvisoryQuery[] = [];
  const server = await testServer(t, (req, res) => {
    if (req.method !== 'POST' || req.url !== BULK_PATH) return void res.writeHead(404).end();
    void readQuery(req).then((query) => {
      queries.push(query);
      answer(query, queries.length, res);
    });
  });
  return { ...server, queries };
}

export function json(res: ServerResponse, value: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
