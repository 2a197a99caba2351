/**
 * Client certificates (mutual TLS) against loopback HTTPS registries made with the committed fixtures in
 * test/fixtures/tls: A only answers a connection that presents the fixture client certificate; B (another
 * port, so another nerf dart) asks for one but answers anyway, and records whether one came. npm config
 * names the certificate for A alone, and every server says which certificate each request's connection
 * showed (`getPeerCertificate()`).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test, type TestContext } from 'node:test';
import type { RegistryResult } from '../../server/src/core/registry/types';
import type { RegistrySettings } from '../../server/src/node/runtime';
import { jsonHandler, packument } from './helpers';
import { mutualTlsServer, nerf, sandbox, testProxy, tlsFixture, type Sandbox } from './network';

const CLIENT = 'vigil-test-client';
const BULK = '/-/npm/v1/security/advisories/bulk';

/** `:certfile` and `:keyfile` lines for a server URL (and path), with the fixture files unless told otherwise. */
function certificateFor(url: string, path = '/', files = { certfile: tlsFixture('client.pem'), keyfile: tlsFixture('client.key') }): string {
  return `${nerf(url, path)}:certfile=${files.certfile}\n${nerf(url, path)}:keyfile=${files.keyfile}\n`;
}

const trustFixtureCa = `cafile=${tlsFixture('ca.pem')}\n`;

async function registryOf(t: TestContext, files: Record<string, string>, settings: Partial<RegistrySettings> = {}, env: Record<string, string> = {}) {
  const s = await sandbox(t, files, env);
  const registry = await s.runtime.registry({ projectDir: s.project, cacheDir: null, ...settings });
  return { s, registry };
}

const errorOf = (result: RegistryResult): string => (result.ok ? 'ok' : `${result.error.kind}: ${result.error.message}`);

async function twoRegistries(t: TestContext) {
  const a = await mutualTlsServer(t, true, jsonHandler({ '/ms': packument('ms'), [BULK]: {} }));
  const b = await mutualTlsServer(t, false, jsonHandler({ '/@corp%2flib': packument('@corp/lib') }));
  const base = `registry=${a.url}\n@corp:registry=${b.url}\n${trustFixtureCa}`;
  return { a, b, base };
}

test('the certificate is presented to its registry (packuments and audits), never to another port on the same host', async (t) => {
  const { a, b, base } = await twoRegistries(t);
  const { s, registry } = await registryOf(t, { 'home/.npmrc': base + certificateFor(a.url) });
  assert.equal(errorOf(await registry.getPackument('ms')), 'ok');
  assert.equal(errorOf(await registry.getPackument('@corp/lib')), 'ok');
  const audit = await (await s.runtime.advisories({ projectDir: s.project, cacheDir: null })).bulk({ ms: ['1.0.0'] });
  assert.ok(audit.ok, JSON.stringify(audit));
  assert.deepEqual(a.peers, [CLIENT, CLIENT]);
  assert.deepEqual(a.requests.map((req) => req.url), ['/ms', BULK]);
  assert.deepEqual(b.peers, [undefined], "B asked for a certificate and was shown none: it is A's");
});

test('without the certificate A refuses the handshake: the test server really requires it', async (t) => {
  const { a, base } = await twoRegistries(t);
  const { registry } = await registryOf(t, { 'home/.npmrc': base });
  const result = await registry.getPackument('ms');
  assert.match(errorOf(result), /^network: Could not get ms from https:\/\/127\.0\.0\.1:\d+\/ \((ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|ECONNRESET|EPIPE)\)\.$/);
  assert.equal(a.requests.length, 0);
  assert.ok(a.connections() > 0);
});

test('a redirect from A to B is not followed: B sees neither the certificate nor any request', async (t) => {
  const b = await mutualTlsServer(t, false, jsonHandler({ '/ms': packument('ms') }));
  const a = await mutualTlsServer(t, true, (_req, res) => void res.writeHead(302, { location: `${b.url}ms` }).end());
  const { registry } = await registryOf(t, { 'home/.npmrc': `registry=${a.url}\n${trustFixtureCa}${certificateFor(a.url)}` });
  const result = await registry.getPackument('ms');
  assert.match(errorOf(result), /redirect \(302\) to another origin/);
  assert.deepEqual(a.peers, [CLIENT]);
  assert.equal(b.connections(), 0);
});

test('a same-origin redirect out of the certificate\'s path goes on a connection without it', async (t) => {
  const docs = jsonHandler({ '/elsewhere/pkg': packument('pkg') });
  const c = await mutualTlsServer(t, false, (req, res) => {
    if (req.url === '/npm/pkg') return void res.writeHead(307, { location: '/elsewhere/pkg' }).end();
    docs(req, res);
  });
  const npmrc = `registry=${c.url}npm/\n${trustFixtureCa}${certificateFor(c.url, '/npm/')}`;
  const { registry } = await registryOf(t, { 'home/.npmrc': npmrc });
  assert.equal(errorOf(await registry.getPackument('pkg')), 'ok');
  assert.deepEqual(c.requests.map((req, i) => [req.url, c.peers[i]]), [
    ['/npm/pkg', CLIENT],
    ['/elsewhere/pkg', undefined],
  ]);
});

test('a missing keyfile: a message naming it (never the certificate), nothing sent to A, and B still answers', async (t) => {
  const { a, b, base } = await twoRegistries(t);
  const keyfile = tlsFixture('no-such-key.pem');
  const npmrc = base + certificateFor(a.url, '/', { certfile: tlsFixture('client.pem'), keyfile });
  const { s, registry } = await registryOf(t, { 'home/.npmrc': npmrc });
  const result = await registry.getPackument('ms');
  const message = errorOf(result);
  const where = `${s.root}/home/.npmrc`;
  assert.equal(
    message,
    `network: Could not get ms from ${a.url} (client certificate: keyfile ${keyfile} does not exist, set as ${nerf(a.url)}:keyfile in ${where}).`,
  );
  assert.equal(a.connections(), 0, 'the request failed before connecting');
  assert.equal(errorOf(await registry.getPackument('@corp/lib')), 'ok');
  assert.deepEqual(b.peers, [undefined]);
  assert.ok(s.logs.some((line) => line.includes(keyfile) && line.includes(`requests to ${nerf(a.url)} fail until it is fixed`)), s.logs.join('\n'));
  const certificate = await readFile(tlsFixture('client.pem'), 'utf8');
  const body = certificate.split('\n')[1] ?? '';
  assert.ok(body.length > 20 && !(message + s.logs.join('\n')).includes(body), 'no certificate contents in messages or logs');
});

test('untrusted workspace: certfile/keyfile in the project .npmrc are ignored; trusted, they are used', async (t) => {
  const a = await mutualTlsServer(t, true, jsonHandler({ '/ms': packument('ms') }));
  const files = { 'home/.npmrc': `registry=${a.url}\n${trustFixtureCa}`, 'project/.npmrc': certificateFor(a.url) };
  const trusted = await registryOf(t, files);
  assert.equal(errorOf(await trusted.registry.getPackument('ms')), 'ok');
  const untrusted = await registryOf(t, files, { untrustedWorkspace: true });
  const result = await untrusted.registry.getPackument('ms');
  assert.match(errorOf(result), /^network: Could not get ms from https:\/\/127\.0\.0\.1:\d+\/ \((ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|ECONNRESET|EPIPE)\)\.$/);
  assert.deepEqual(a.peers, [CLIENT], 'only the trusted lookup got through');
});

test('through an HTTPS_PROXY tunnel the certificate goes to the registry, inside the tunnel', async (t) => {
  const a = await mutualTlsServer(t, true, jsonHandler({ '/ms': packument('ms') }));
  const proxy = await testProxy(t);
  const npmrc = `registry=${a.url}\n${trustFixtureCa}${certificateFor(a.url)}`;
  const { registry } = await registryOf(t, { 'home/.npmrc': npmrc }, {}, { HTTPS_PROXY: proxy.url });
  assert.equal(errorOf(await registry.getPackument('ms')), 'ok');
  assert.deepEqual(proxy.tunnels, [new URL(a.url).host]);
  assert.deepEqual(a.peers, [CLIENT]);
});

test('top-level cert and key (deprecated, inline PEM): presented to the default registry only, not to a scoped one', async (t) => {
  const { a, b, base } = await twoRegistries(t);
  const [cert, key] = await Promise.all([readFile(tlsFixture('client.pem'), 'utf8'), readFile(tlsFixture('client.key'), 'utf8')]);
  const npmrc = `${base}cert=${JSON.stringify(cert)}\nkey=${JSON.stringify(key)}\n`;
  const { s, registry } = await registryOf(t, { 'home/.npmrc': npmrc });
  assert.equal(errorOf(await registry.getPackument('ms')), 'ok');
  assert.equal(errorOf(await registry.getPackument('@corp/lib')), 'ok');
  assert.deepEqual([a.peers, b.peers], [[CLIENT], [undefined]]);
  assert.ok(s.logs.some((line) => line.includes(`presented to ${nerf(a.url)} only`)), s.logs.join('\n'));
});

test('projects with and without a certificate for one registry never share a client (nor its connections)', async (t) => {
  const c = await mutualTlsServer(t, false, jsonHandler({ '/ms': packument('ms') }));
  const s: Sandbox = await sandbox(t, {
    'home/.npmrc': `registry=${c.url}\n${trustFixtureCa}`,
    'project/.npmrc': certificateFor(c.url),
    'other/package.json': '{}',
  });
  const withCertificate = await s.runtime.registry({ projectDir: s.project, cacheDir: null });
  const without = await s.runtime.registry({ projectDir: `${s.root}/other`, cacheDir: null });
  assert.equal(errorOf(await withCertificate.getPackument('ms')), 'ok');
  assert.equal(without.peek('ms'), undefined);
  assert.equal(errorOf(await without.getPackument('ms')), 'ok');
  assert.deepEqual(c.peers, [CLIENT, undefined]);
});
