/**
 * The bulk advisory client against small servers on 127.0.0.1: the request npm audit makes (POST, gzipped
 * JSON), batching, the memory that spares an editor repeated requests, and each failure as a value:
 * a missing endpoint (asked once), server errors, bad answers, timeouts, cancellation, redirects.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import { after, test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { AdvisoryQuery, AdvisoryResult } from '../../server/src/core/advisories/types';
import { AdvisoryClient, AdvisoryClients, batches, type AdvisoryClientOptions } from '../../server/src/node/advisoryClient';
import { join } from 'node:path';
import { nodeRuntime } from '../../server/src/node/runtime';
import { BULK_PATH, bulkEndpoint, JS_YAML, json } from './advisoryEndpoint';
import { FakeClock, tempDir, writeTree } from './helpers';

const SECRET = 'npm_s3cr3tT0k3nValue';

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
after(() => {
  agents.http.destroy();
  agents.https.destroy();
});

function client(t: TestContext, url: string, options: Partial<AdvisoryClientOptions> = {}): AdvisoryClient {
  // The registry's credential rule, as the registry pool hands it over (RegistryAccess).
  const access = { authorization: (target: URL) => (target.href.startsWith(url) ? `Bearer ${SECRET}` : undefined), agents };
  const made = new AdvisoryClient({ registryUrl: url, access, ...options });
  t.after(() => made.close());
  return made;
}

const query = (count: number): AdvisoryQuery => Object.fromEntries(Array.from({ length: count }, (_, i) => [`pkg-${i}`, ['1.0.0']]));

test('bulk: POSTs gzipped JSON the way npm audit does, with the registry\'s auth, and reads the answer', async (t) => {
  const server = await bulkEndpoint(t, (_q, _n, res) => json(res, { 'js-yaml': [JS_YAML], unasked: [JS_YAML] }));
  const answer = await client(t, server.url).bulk({ 'js-yaml': ['3.13.0'], ms: ['2.1.1'] });
  assert.deepEqual(answer, { ok: true, advisories: { 'js-yaml': [JS_YAML] } });
  const req = server.requests[0];
  assert.equal(req?.method, 'POST');
  assert.deepEqual(
    [req?.headers['content-type'], req?.headers['content-encoding'], req?.headers.accept, req?.headers.authorization],
    ['application/json', 'gzip', 'application/json', `Bearer ${SECRET}`],
  );
  assert.deepEqual(server.queries, [{ 'js-yaml': ['3.13.0'], ms: ['2.1.1'] }]);
});

test('bulk: splits the query into batches of at most batchSize packages and merges the answers', async (t) => {
  const server = await bulkEndpoint(t, (q, _n, res) => json(res, Object.fromEntries(Object.keys(q).filter((n) => n.endsWith('7')).map((n) => [n, [JS_YAML]]))));
  const answer = await client(t, server.url, { batchSize: 100 }).bulk(query(250));
  assert.deepEqual(server.queries.map((q) => Object.keys(q).length).sort((a, b) => a - b), [50, 100, 100]);
  assert.ok(answer.ok);
  assert.equal(Object.keys(answer.advisories).length, 25, 'pkg-7, pkg-17, … pkg-247');
  assert.deepEqual(batches({ a: ['1'], b: ['1', '2'], c: ['3'] }, 2), [{ a: ['1'], b: ['1', '2'] }, { c: ['3'] }]);
});

test('bulk: a missing endpoint (404, 405, 501) is "unsupported", asked once and then remembered', async (t) => {
  for (const status of [404, 405, 501]) {
    const server = await bulkEndpoint(t, (_q, _n, res) => json(res, { error: 'Not found' }, status));
    const advisories = client(t, server.url, { batchSize: 10 });
    const first = await advisories.bulk(query(35));
    assert.deepEqual(first, {
      ok: false,
      error: { kind: 'unsupported', status, message: `${server.url} does not offer npm's bulk advisory endpoint (HTTP ${status}).` },
    });
    assert.equal(server.requests.length, 1, `${status}: the other batches are not sent`);
    assert.deepEqual(await advisories.bulk(query(2)), first);
    assert.equal(server.requests.length, 1, `${status}: remembered, not asked again`);
    assert.deepEqual(advisories.peek(query(2)), first, 'memory knows too, so the editor\'s first pass agrees');
  }
});

test('bulk: failures are values with one clear sentence, never the token or the body', async (t) => {
  const table: Array<[string, (res: ServerResponse) => void, string, RegExp]> = [
    ['500', (res) => json(res, { error: SECRET }, 500), 'http', /answered the advisory request with HTTP 500\.$/],
    ['not JSON', (res) => res.writeHead(200).end(`<html>${SECRET}</html>`), 'malformed', /sent an unusable advisory answer \(not JSON\)\.$/],
    ['wrong shape', (res) => json(res, { 'js-yaml': { advisory: SECRET } }), 'malformed', /\(the entry for js-yaml is not a list\)\.$/],
    ['bad gzip', (res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(Buffer.from(SECRET)), 'malformed', /could not be decompressed/],
    ['too large', (res) => json(res, { 'js-yaml': [{ ...JS_YAML, title: 'x'.repeat(5000) }] }), 'too-large', /larger than the limit/],
    ['cross-origin redirect', (res) => res.writeHead(307, { location: 'http://localhost:9/steal' }).end(), 'http', /another origin/],
    ['redirect that drops the body', (res) => res.writeHead(302, { location: BULK_PATH }).end(), 'http', /would drop the request body/],
  ];
  for (const [name, respond, kind, message] of table) {
    const server = await bulkEndpoint(t, (_q, _n, res) => respond(res));
    const answer = await client(t, server.url, { maxBytes: 4096 }).bulk({ 'js-yaml': ['3.13.0'] });
    assert.equal(answer.ok, false, name);
    if (answer.ok) continue;
    assert.equal(answer.error.kind, kind, name);
    assert.match(answer.error.message, message, name);
    assert.ok(!JSON.stringify(answer).includes(SECRET), `${name}: nothing secret or from the body is echoed`);
  }
});

test('bulk: a same-origin 307 is followed with the body; a gzipped answer is decoded', async (t) => {
  const server = await bulkEndpoint(t, (q, n, res) => {
    if (n === 1) return void res.writeHead(307, { location: BULK_PATH }).end();
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' }).end(gzipSync(JSON.stringify({ 'js-yaml': [JS_YAML] })));
    assert.deepEqual(q, { 'js-yaml': ['3.13.0'] });
  });
  assert.deepEqual(await client(t, server.url).bulk({ 'js-yaml': ['3.13.0'] }), { ok: true, advisories: { 'js-yaml': [JS_YAML] } });
  assert.equal(server.queries.length, 2);
});

test('bulk: one failed batch among good ones reports those packages as failed, the rest as answered', async (t) => {
  const server = await bulkEndpoint(t, (q, _n, res) => (Object.hasOwn(q, 'pkg-7') ? json(res, {}, 503) : json(res, { 'pkg-1': [JS_YAML] })));
  const answer = await client(t, server.url, { batchSize: 5, concurrency: 1 }).bulk(query(10));
  assert.ok(answer.ok);
  assert.deepEqual(answer.advisories, { 'pkg-1': [JS_YAML] });
  assert.deepEqual(answer.failed?.names, ['pkg-5', 'pkg-6', 'pkg-7', 'pkg-8', 'pkg-9']);
  assert.equal(answer.failed?.error.kind, 'http');
});

test('bulk: a silent server times out; a failing endpoint is left alone until retryAfterMs passes', async (t) => {
  const clock = new FakeClock();
  const server = await bulkEndpoint(t, (_q, n, res) => (n === 1 ? undefined : json(res, {})));
  const advisories = client(t, server.url, { timeoutMs: 100, now: clock.now, retryAfterMs: 60_000 });
  const answer = await advisories.bulk({ ms: ['2.1.1'] });
  assert.deepEqual(answer.ok ? undefined : [answer.error.kind, answer.error.message], ['timeout', `${server.url} did not answer the advisory request in time (no data for 0.1 s).`]);
  assert.equal((await advisories.bulk({ ms: ['2.1.1'] })).ok, false);
  assert.equal(server.queries.length, 1, 'not asked again right away');
  clock.advanceMinutes(2);
  assert.deepEqual(await advisories.bulk({ ms: ['2.1.1'] }), { ok: true, advisories: {} });
  assert.equal(server.queries.length, 2);
});

test('bulk: cancellation tears the request down at once', async (t) => {
  const server = await bulkEndpoint(t, () => undefined);
  const controller = new AbortController();
  const pending = client(t, server.url, { timeoutMs: 60_000 }).bulk({ ms: ['2.1.1'] }, controller.signal);
  await server.nthRequest(1);
  controller.abort();
  const answer: AdvisoryResult = await pending;
  assert.deepEqual(answer, { ok: false, error: { kind: 'cancelled', message: 'The advisory lookup was cancelled.' } });
  const already = await client(t, server.url).bulk({ ms: ['2.1.1'] }, { aborted: true });
  assert.equal(already.ok ? '' : already.error.kind, 'cancelled');
  assert.equal(server.requests.length, 1);
});

test('bulk: answers are remembered per version for the freshness window; peek reads memory only', async (t) => {
  const clock = new FakeClock();
  const server = await bulkEndpoint(t, (_q, _n, res) => json(res, { 'js-yaml': [JS_YAML] }));
  const advisories = client(t, server.url, { now: clock.now, freshMs: 15 * 60_000 });
  assert.equal(advisories.peek({ 'js-yaml': ['3.13.0'] }).ok, false, 'nothing known yet');
  await advisories.bulk({ 'js-yaml': ['3.13.0', '3.13.1'] });
  // Each version keeps only what affects it: 3.13.1 is outside "<3.13.1".
  assert.deepEqual(await advisories.bulk({ 'js-yaml': ['3.13.1'] }), { ok: true, advisories: {} });
  assert.deepEqual(advisories.peek({ 'js-yaml': ['3.13.0'] }), { ok: true, advisories: { 'js-yaml': [JS_YAML] } });
  assert.deepEqual(advisories.peek({ 'js-yaml': ['3.13.0'], ms: ['1.0.0'] }), {
    ok: true,
    advisories: { 'js-yaml': [JS_YAML] },
    failed: { names: ['ms'], error: { kind: 'cancelled', message: 'The advisory lookup was cancelled.' } },
  });
  assert.equal(server.queries.length, 1);
  assert.equal(advisories.stats.memoryHits, 1);
  clock.advanceMinutes(16);
  await advisories.bulk({ 'js-yaml': ['3.13.0'] });
  assert.equal(server.queries.length, 2, 'asked again once stale');
});

test('offline: the endpoint is never asked; an unusable registry URL fails closed', async (t) => {
  const server = await bulkEndpoint(t, (_q, _n, res) => json(res, {}));
  const offline = client(t, server.url, { offline: true });
  const answer = await offline.bulk({ ms: ['2.1.1'] });
  assert.deepEqual(answer, { ok: false, error: { kind: 'offline', message: `Vigil is offline, so ${server.url} was not asked.` } });
  assert.equal(server.requests.length, 0);
  const pool = new AdvisoryClients();
  t.after(() => pool.close());
  const unusable = await pool.get({ registryUrl: '', registrySource: 'vigil.registry (not a valid http(s) URL)' }, false).bulk({ ms: ['1'] });
  assert.equal(unusable.ok ? '' : unusable.error.message, 'no advisory endpoint was asked: vigil.registry (not a valid http(s) URL).');
  assert.equal(pool.get({ registryUrl: server.url, registrySource: 'a' }, false), pool.get({ registryUrl: server.url, registrySource: 'b' }, false));
  // Reached another way (another token, so the registry pool made other connections): another client.
  const access = (token: string) => ({ authorization: () => token, agents });
  const viaA = access('a');
  assert.equal(pool.get({ registryUrl: server.url, registrySource: 'x', access: viaA }, false), pool.get({ registryUrl: server.url, registrySource: 'x', access: { ...viaA } }, false));
  assert.notEqual(pool.get({ registryUrl: server.url, registrySource: 'x', access: viaA }, false), pool.get({ registryUrl: server.url, registrySource: 'x', access: { authorization: () => 'b', agents: { ...agents } } }, false));
});

test('nodeRuntime.advisories: the registry npm config selects for the project, with its token, shared, and silent offline', async (t) => {
  const server = await bulkEndpoint(t, (_q, _n, res) => json(res, {}));
  const root = await tempDir(t);
  const privateRegistry = await bulkEndpoint(t, (_q, _n, res) => json(res, {}));
  const npmrc = `registry=${server.url}\n${server.url.replace(/^http:/, '')}:_authToken=${SECRET}\n@corp:registry=${privateRegistry.url}\n`;
  await writeTree(root, { 'home/.keep': '', 'app/package.json': '{}', 'app/.npmrc': npmrc });
  const runtime = nodeRuntime({
    log: () => undefined,
    env: { HOME: join(root, 'home'), PREFIX: join(root, 'prefix'), XDG_CACHE_HOME: join(root, 'xdg'), PATH: '' },
    npm: { npmPath: join(root, 'npm') },
  });
  t.after(() => runtime.dispose());
  const settings = { projectDir: join(root, 'app'), cacheDir: null };
  const advisories = await runtime.advisories(settings);
  assert.equal(advisories, await runtime.advisories({ ...settings }), 'equal settings share one client');
  assert.deepEqual(await advisories.bulk({ ms: ['2.1.1'], '@corp/secret-app': ['1.0.0'] }), { ok: true, advisories: {} });
  assert.deepEqual(server.queries, [{ ms: ['2.1.1'] }], 'asked at the registry from the project\'s .npmrc, about its own packages only');
  assert.equal(privateRegistry.requests.length, 0);
  assert.equal(server.requests[0]?.headers.authorization, `Bearer ${SECRET}`, 'with the token npm would send there');
  const offline = await (await runtime.advisories({ ...settings, offline: true })).bulk({ once: ['1.4.0'] });
  assert.equal(offline.ok ? '' : offline.error.kind, 'offline');
  assert.equal(server.queries.length, 1);
});
