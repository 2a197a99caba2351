import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fixtureRegistry, PACKUMENTS, ROOT, SCENARIOS, tempDir, writeTree } from './helpers';

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; etag: string | null }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: await response.text(), etag: response.headers.get('etag') };
}

test('fixture registry: serves each packument by name under every path npm clients use', async (t) => {
  const registry = await fixtureRegistry(t);
  const table: Array<[string, string]> = [
    ['/ms', 'ms'],
    ['/@babel%2fhelper-annotate-as-pure', '@babel/helper-annotate-as-pure'],
    ['/@babel%2Fhelper-annotate-as-pure', '@babel/helper-annotate-as-pure'],
    ['/@babel/helper-annotate-as-pure', '@babel/helper-annotate-as-pure'],
    ['/ms?write=true', 'ms'],
  ];
  for (const [path, name] of table) {
    const { status, body } = await get(`${registry.url}${path}`);
    assert.equal(status, 200, path);
    assert.equal((JSON.parse(body) as { name: string }).name, name);
  }
  assert.deepEqual(registry.requests.map((r) => [r.method, r.url]), table.map(([path]) => ['GET', path]));
});

test('fixture registry: rewrites the placeholder origin to its own', async (t) => {
  const registry = await fixtureRegistry(t);
  const { body } = await get(`${registry.url}/ms`);
  assert.ok(!body.includes('registry.example'));
  const doc = JSON.parse(body) as { versions: Record<string, { dist: { tarball: string } }> };
  const tarballs = Object.values(doc.versions).map((v) => v.dist.tarball);
  assert.ok(tarballs.length > 0 && tarballs.every((url) => url.startsWith(`${registry.url}/ms/-/ms-`)), tarballs[0]);
});

test('fixture registry: 404 for unknown names and other paths; ETag and 304', async (t) => {
  const registry = await fixtureRegistry(t);
  for (const path of ['/no-such-package', '/', '/-/npm/v1/security/advisories/bulk', '/%E0%A4%A']) {
    assert.deepEqual(await get(`${registry.url}${path}`), { status: 404, body: '{"error":"Not found"}', etag: null }, path);
  }
  const first = await get(`${registry.url}/once`);
  assert.match(first.etag ?? '', /^".+"$/);
  const again = await get(`${registry.url}/once`, { 'if-none-match': first.etag ?? '' });
  assert.deepEqual([again.status, again.body], [304, '']);
  const changed = await get(`${registry.url}/once`, { 'if-none-match': '"other"' });
  assert.equal(changed.status, 200);
});

test('fixture registry: the name inside a file is authoritative; later folders override earlier ones', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, {
    'first/whatever.json': JSON.stringify({ name: '@x/real-name', versions: {}, note: 'first' }),
    'first/plain.json': JSON.stringify({ name: 'plain', note: 'first' }),
    'second/plain.json': JSON.stringify({ name: 'plain', note: 'second' }),
    'second/ignored.txt': 'not a packument',
  });
  const registry = await fixtureRegistry(t, [join(dir, 'first'), join(dir, 'second')]);
  assert.equal((await get(`${registry.url}/@x%2freal-name`)).status, 200);
  assert.equal((await get(`${registry.url}/whatever`)).status, 404);
  assert.equal((JSON.parse((await get(`${registry.url}/plain`)).body) as { note: string }).note, 'second');
});

test('fixture registry: scenario folders load next to the shared set', async (t) => {
  const registry = await fixtureRegistry(t, [PACKUMENTS, join(SCENARIOS, 'trust-downgrade', 'registry')]);
  for (const name of ['fetchwell', 'crypto-hash-lite', 'ms']) assert.equal((await get(`${registry.url}/${name}`)).status, 200, name);
});

test('fixture registry: command line prints {"url"} on one line and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'fixture-registry.mjs'), PACKUMENTS, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { url } = JSON.parse(line) as { url: string };
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await get(`${url}/ms`)).status, 200);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('fixture registry: command line without folders exits 2 with usage', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'fixture-registry.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 2);
  assert.match(stderr, /usage: node scripts\/fixture-registry\.mjs DIR/);
});
