/**
 * A token is only ever sent to the registry it belongs to: two loopback registries on different ports,
 * npm config naming a token for each and a scope routed to the second, and every header each server saw.
 * Also: redirects (to another registry: not followed; within one: the token only inside its path),
 * the explicit-registry override, and that no error, log line or cache file ever holds a token.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import { jsonHandler, packument, testServer, type TestServer } from './helpers';
import { nerf, sandbox } from './network';

const TOKEN_A = 'npm_AAAA-token-for-registry-A';
const TOKEN_B = 'npm_BBBB-token-for-registry-B';

const authorizations = (server: TestServer): Array<string | undefined> => server.requests.map((req) => req.headers.authorization);
const paths = (server: TestServer): Array<string | undefined> => server.requests.map((req) => req.url);

async function twoRegistries(t: import('node:test').TestContext) {
  const a = await testServer(t, jsonHandler({ '/ms': packument('ms'), '/left-pad': packument('left-pad') }));
  const b = await testServer(t, jsonHandler({ '/@corp%2flib': packument('@corp/lib'), '/@corp%2fui': packument('@corp/ui') }));
  const npmrc = [`registry=${a.url}`, `@corp:registry=${b.url}`, `${nerf(a.url)}:_authToken=${TOKEN_A}`, `${nerf(b.url)}:_authToken=\${CORP_TOKEN}`].join('\n');
  const s = await sandbox(t, { 'project/.npmrc': npmrc }, { CORP_TOKEN: TOKEN_B });
  return { a, b, s };
}

test('each registry sees only its own token: default on A, @corp on B', async (t) => {
  const { a, b, s } = await twoRegistries(t);
  const registry = await s.runtime.registry({ projectDir: s.project });
  assert.deepEqual([registry.registryUrl, registry.registrySource], [a.url, `${s.project}/.npmrc`]);
  const results = await Promise.all(['ms', '@corp/lib', 'left-pad', '@corp/ui'].map((name) => registry.getPackument(name)));
  assert.ok(results.every((result) => result.ok));
  assert.deepEqual(paths(a).sort(), ['/left-pad', '/ms']);
  assert.deepEqual(paths(b).sort(), ['/@corp%2flib', '/@corp%2fui']);
  assert.deepEqual(authorizations(a), [`Bearer ${TOKEN_A}`, `Bearer ${TOKEN_A}`]);
  assert.deepEqual(authorizations(b), [`Bearer ${TOKEN_B}`, `Bearer ${TOKEN_B}`]);
  assert.equal(registry.stats.requests, 4, 'stats are summed over both registries');
  assert.equal(registry.peek('@corp/lib')?.ok, true);
  const cache = await s.cacheText();
  assert.ok(cache.includes('@corp/lib') && cache.includes('left-pad'));
  for (const token of [TOKEN_A, TOKEN_B]) {
    assert.ok(!cache.includes(token), 'the disk cache holds no token');
    assert.ok(!s.logs.join('\n').includes(token), 'the log holds no token');
  }
});

test('an explicit registry replaces the default only: A\'s token is not sent to it, @corp still goes to B', async (t) => {
  const { a, b, s } = await twoRegistries(t);
  const c = await testServer(t, jsonHandler({ '/ms': packument('ms') }));
  const registry = await s.runtime.registry({ projectDir: s.project, registryUrl: c.url, registrySource: 'vigil.registry' });
  assert.deepEqual([registry.registryUrl, registry.registrySource], [c.url, 'vigil.registry']);
  assert.ok((await registry.getPackument('ms')).ok);
  assert.ok((await registry.getPackument('@corp/lib')).ok);
  assert.deepEqual([paths(a), paths(b), paths(c)], [[], ['/@corp%2flib'], ['/ms']]);
  assert.deepEqual(authorizations(c), [undefined]);
  assert.deepEqual(authorizations(b), [`Bearer ${TOKEN_B}`]);
});

test('a redirect from A to B is not followed, so B never sees A\'s token; the message names no token', async (t) => {
  const b = await testServer(t, jsonHandler({ '/ms': packument('ms') }));
  const a = await testServer(t, (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(302, { location: `${b.url}ms` }).end());
  const s = await sandbox(t, { 'project/.npmrc': `registry=${a.url}\n${nerf(a.url)}:_authToken=${TOKEN_A}\n` });
  const registry = await s.runtime.registry({ projectDir: s.project, cacheDir: null });
  const result = await registry.getPackument('ms');
  assert.ok(!result.ok);
  assert.match(result.error.message, /redirect \(302\) to another origin/);
  assert.deepEqual(authorizations(a), [`Bearer ${TOKEN_A}`]);
  assert.equal(b.requests.length, 0);
  assert.ok(!JSON.stringify(result).includes(TOKEN_A));
});

test('a same-origin redirect keeps the token only inside the path it was configured for', async (t) => {
  const docs = jsonHandler({ '/npm/ms-moved': packument('ms'), '/elsewhere/pkg': packument('pkg') });
  const a = await testServer(t, (req, res) => {
    if (req.url === '/npm/ms') return void res.writeHead(301, { location: '/npm/ms-moved' }).end();
    if (req.url === '/npm/pkg') return void res.writeHead(307, { location: '/elsewhere/pkg' }).end();
    docs(req, res);
  });
  const s = await sandbox(t, { 'project/.npmrc': `registry=${a.url}npm/\n${nerf(a.url, '/npm/')}:_authToken=${TOKEN_A}\n` });
  const registry = await s.runtime.registry({ projectDir: s.project, cacheDir: null });
  assert.ok((await registry.getPackument('ms')).ok);
  assert.ok((await registry.getPackument('pkg')).ok);
  const seen = a.requests.map((req) => [req.url, req.headers.authorization]);
  assert.deepEqual(seen, [
    ['/npm/ms', `Bearer ${TOKEN_A}`],
    ['/npm/ms-moved', `Bearer ${TOKEN_A}`],
    ['/npm/pkg', `Bearer ${TOKEN_A}`],
    ['/elsewhere/pkg', undefined],
  ]);
});

test('failures with a token configured: HTTP errors, bad documents, a refused connection; no token in any message or log', async (t) => {
  const a = await testServer(t, (req, res) => {
    if (req.url === '/private') return void res.writeHead(401, { 'www-authenticate': 'Bearer' }).end(`{"error":"bad token ${TOKEN_A}"}`);
    if (req.url === '/broken') return void res.writeHead(200, { 'content-type': 'application/json' }).end(`{"name": "${TOKEN_A}"`);
    res.writeHead(403).end(TOKEN_A);
  });
  const s = await sandbox(t, { 'project/.npmrc': `registry=${a.url}\n${nerf(a.url)}:_authToken=${TOKEN_A}\n//127.0.0.1:1/:_authToken=${TOKEN_B}\n@down:registry=http://127.0.0.1:1/\n` });
  const registry = await s.runtime.registry({ projectDir: s.project, cacheDir: null });
  const results = await Promise.all(['private', 'broken', 'forbidden', '@down/x'].map((name) => registry.getPackument(name)));
  const kinds = results.map((result) => (result.ok ? 'ok' : result.error.kind));
  assert.deepEqual(kinds, ['http', 'malformed', 'http', 'network']);
  const text = JSON.stringify(results) + s.logs.join('\n');
  for (const token of [TOKEN_A, TOKEN_B]) assert.ok(!text.includes(token), text);
});

test('a scope mapped to an unusable URL fails closed: its packages are asked nowhere, not on the default registry', async (t) => {
  const a = await testServer(t, jsonHandler({ '/@corp%2flib': packument('@corp/lib') }));
  const s = await sandbox(t, { 'project/.npmrc': `registry=${a.url}\n@corp:registry=ftp://files.corp.test/\n` });
  const registry = await s.runtime.registry({ projectDir: s.project, cacheDir: null });
  const result = await registry.getPackument('@corp/lib');
  assert.ok(!result.ok);
  assert.match(result.error.message, /No registry was asked about @corp\/lib: @corp:registry in .*\.npmrc is not an http\(s\) URL/);
  assert.equal(a.requests.length, 0, 'a private name must not leak to the public registry (dependency confusion)');
  assert.ok(s.logs.some((line) => line.includes('@corp:registry') && line.includes('not looked up anywhere')));
});

test('projects with different tokens for one registry never share a client (nor its requests)', async (t) => {
  const a = await testServer(t, jsonHandler({ '/ms': packument('ms') }));
  const s = await sandbox(t, {
    'project/.npmrc': `registry=${a.url}\n${nerf(a.url)}:_authToken=${TOKEN_A}\n`,
    'other/package.json': '{}',
    'other/.npmrc': `registry=${a.url}\n`,
  });
  const withToken = await s.runtime.registry({ projectDir: s.project, cacheDir: null });
  const without = await s.runtime.registry({ projectDir: `${s.root}/other`, cacheDir: null });
  assert.ok((await withToken.getPackument('ms')).ok);
  assert.equal(without.peek('ms'), undefined, 'no shared memory across different credentials');
  assert.ok((await without.getPackument('ms')).ok);
  assert.deepEqual(authorizations(a), [`Bearer ${TOKEN_A}`, undefined]);
});
