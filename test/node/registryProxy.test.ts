/**
 * Proxies and TLS against loopback servers: an HTTPS registry with a certificate made by openssl at test
 * time, and a forward proxy that counts CONNECT tunnels and absolute-URI requests. What npm config (and
 * the environment, and VS Code's http.* settings) say decides whether a request is tunnelled, forwarded
 * or direct, and which certificates are trusted.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { RegistryResult } from '../../server/src/core/registry/types';
import type { RegistrySettings } from '../../server/src/node/runtime';
import { jsonHandler, packument, testServer } from './helpers';
import { deadPort, httpsTestServer, mutualTlsServer, nerf, sandbox, selfSignedCertificate, testProxy, tlsFixture, type Certificate } from './network';

const TOKEN = 'npm_TLS-registry-token';

async function certificateOrSkip(t: TestContext): Promise<Certificate | undefined> {
  const certificate = await selfSignedCertificate(t);
  if (!certificate) t.skip('openssl is not available to make a test certificate');
  return certificate;
}

async function lookup(t: TestContext, files: Record<string, string>, env: Record<string, string> = {}, extra: Partial<RegistrySettings> = {}): Promise<RegistryResult> {
  const s = await sandbox(t, files, env);
  const registry = await s.runtime.registry({ projectDir: s.project, cacheDir: null, ...extra });
  return registry.getPackument('ms');
}

const errorOf = (result: RegistryResult): string => (result.ok ? 'ok' : `${result.error.kind}: ${result.error.message}`);

test('TLS: a self-signed registry is refused by default, and trusted through cafile, ca, strict-ssl=false or http.proxyStrictSSL=false', async (t) => {
  const certificate = await certificateOrSkip(t);
  if (!certificate) return;
  const registry = await httpsTestServer(t, certificate, jsonHandler({ '/ms': packument('ms') }));
  const base = `registry=${registry.url}\n${nerf(registry.url)}:_authToken=${TOKEN}\n`;
  const cases: Array<[string, string, Partial<RegistrySettings>, RegExp]> = [
    ['default roots', '', {}, /^network: Could not get ms from https:\/\/127\.0\.0\.1:\d+\/ \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)\.$/],
    ['cafile', `cafile=${certificate.certFile}\n`, {}, /^ok$/],
    ['ca inline', `ca=${JSON.stringify(certificate.cert)}\n`, {}, /^ok$/],
    ['strict-ssl=false', 'strict-ssl=false\n', {}, /^ok$/],
    ['http.proxyStrictSSL=false', '', { httpProxyStrictSSL: false }, /^ok$/],
    ['http.proxyStrictSSL=true leaves strict-ssl=false alone', 'strict-ssl=false\n', { httpProxyStrictSSL: true }, /^ok$/],
  ];
  for (const [name, extra, settings, expected] of cases) {
    const result = await lookup(t, { 'home/.npmrc': base + extra }, {}, settings);
    assert.match(errorOf(result), expected, name);
  }
  // Only the lookups that got through TLS reached the handler, each with the token.
  assert.equal(registry.requests.length, cases.length - 1);
  assert.ok(registry.requests.every((req) => req.headers.authorization === `Bearer ${TOKEN}`));
});

test('https through HTTPS_PROXY (an http or an https proxy): one CONNECT tunnel, TLS inside; the proxy never sees the token', async (t) => {
  const certificate = await certificateOrSkip(t);
  if (!certificate) return;
  const registry = await httpsTestServer(t, certificate, jsonHandler({ '/ms': packument('ms') }));
  const npmrc = `registry=${registry.url}\ncafile=${certificate.certFile}\n${nerf(registry.url)}:_authToken=${TOKEN}\n`;
  for (const tls of [undefined, certificate]) {
    const proxy = await testProxy(t, tls ? { tls } : {});
    const result = await lookup(t, { 'home/.npmrc': npmrc }, { HTTPS_PROXY: proxy.url });
    assert.equal(errorOf(result), 'ok', proxy.url);
    assert.deepEqual(proxy.tunnels, [new URL(registry.url).host]);
    assert.equal(proxy.forwarded.length, 0);
    assert.equal(proxy.connectHeaders[0]?.authorization, undefined);
  }
  assert.deepEqual(registry.requests.map((req) => [req.headers.authorization, req.headers['proxy-authorization']]), [
    [`Bearer ${TOKEN}`, undefined],
    [`Bearer ${TOKEN}`, undefined],
  ]);
});

test('an https proxy whose certificate is not trusted is named as the problem', async (t) => {
  const certificate = await certificateOrSkip(t);
  if (!certificate) return;
  const target = await testServer(t, jsonHandler({ '/ms': packument('ms') }));
  const proxy = await testProxy(t, { tls: certificate });
  const result = await lookup(t, { 'home/.npmrc': `registry=${target.url}\n` }, { HTTP_PROXY: proxy.url });
  assert.match(errorOf(result), /\(proxy: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)\.$/);
  assert.equal(target.requests.length, 0);
});

test('http through npm\'s proxy: an absolute-URI request to the proxy, no tunnel', async (t) => {
  const target = await testServer(t, jsonHandler({ '/ms': packument('ms') }));
  const proxy = await testProxy(t);
  const result = await lookup(t, { 'project/.npmrc': `registry=${target.url}\nproxy=${proxy.url}\n` });
  assert.equal(errorOf(result), 'ok');
  assert.deepEqual(proxy.forwarded.map((request) => request.url), [`${target.url}ms`]);
  assert.equal(proxy.tunnels.length, 0);
  assert.equal(target.requests.length, 1);
});

test('noproxy / NO_PROXY: matching hosts (by name, port, or *) go direct; others through the proxy', async (t) => {
  const target = await testServer(t, jsonHandler({ '/ms': packument('ms') }));
  const { port } = new URL(target.url);
  const cases: Array<[string, Record<string, string>, Record<string, string>, boolean]> = [
    ['NO_PROXY host', {}, { NO_PROXY: 'example.test,127.0.0.1' }, false],
    ['NO_PROXY host:port', {}, { no_proxy: `127.0.0.1:${port}` }, false],
    ['NO_PROXY *', {}, { NO_PROXY: '*' }, false],
    ['NO_PROXY other port', {}, { NO_PROXY: '127.0.0.1:1' }, true],
    ["npm's noproxy beats NO_PROXY", { 'home/.npmrc': 'noproxy=example.test\n' }, { NO_PROXY: '127.0.0.1' }, true],
    ["npm's noproxy", { 'home/.npmrc': 'noproxy=127.0.0.1\n' }, {}, false],
  ];
  for (const [name, files, env, proxied] of cases) {
    const proxy = await testProxy(t);
    const npmrc = `registry=${target.url}\n${files['home/.npmrc'] ?? ''}`;
    const result = await lookup(t, { 'home/.npmrc': npmrc }, { HTTP_PROXY: proxy.url, ...env });
    assert.equal(errorOf(result), 'ok', name);
    assert.equal(proxy.forwarded.length, proxied ? 1 : 0, name);
  }
  assert.equal(target.requests.length, cases.length);
});

test("VS Code's http.noProxy: its hosts go direct past http.proxy, npm's proxy or HTTPS_PROXY, together with npm's noproxy", async (t) => {
  const target = await testServer(t, jsonHandler({ '/ms': packument('ms') }));
  const secure = await mutualTlsServer(t, false, jsonHandler({ '/ms': packument('ms') }));
  const cases: Array<[string, 'http' | 'https', string, Record<string, string>, Partial<RegistrySettings>, boolean]> = [
    ['http.proxy, http.noProxy host', 'http', '', {}, { httpNoProxy: ['127.0.0.1'] }, false],
    ['http.proxy, http.noProxy host:port', 'http', '', {}, { httpNoProxy: [`127.0.0.1:${new URL(target.url).port}`] }, false],
    ['http.proxy, http.noProxy *', 'http', '', {}, { httpNoProxy: ['*'] }, false],
    ['http.proxy, http.noProxy another port', 'http', '', {}, { httpNoProxy: ['127.0.0.1:1'] }, true],
    ['http.proxy, http.noProxy another domain', 'http', '', {}, { httpNoProxy: ['.example.test'] }, true],
    ["npm's proxy, http.noProxy", 'http', 'proxy=<proxy>\n', {}, { httpNoProxy: ['127.0.0.1'] }, false],
    ["npm's noproxy elsewhere, http.noProxy here", 'http', 'noproxy=example.test\n', {}, { httpNoProxy: ['127.0.0.1'] }, false],
    ["npm's noproxy here, http.noProxy elsewhere", 'http', 'noproxy=127.0.0.1\n', {}, { httpNoProxy: ['example.test'] }, false],
    ['HTTPS_PROXY tunnel, http.noProxy', 'https', '', { HTTPS_PROXY: '<proxy>' }, { httpNoProxy: ['127.0.0.1'] }, false],
    ['HTTPS_PROXY tunnel, no http.noProxy', 'https', '', { HTTPS_PROXY: '<proxy>' }, {}, true],
    ['http.proxy tunnel, http.noProxy', 'https', '', {}, { httpNoProxy: ['127.0.0.1'] }, false],
  ];
  for (const [name, scheme, npmrc, env, settings, proxied] of cases) {
    const proxy = await testProxy(t);
    const registry = scheme === 'http' ? target : secure;
    const withProxy = (text: string): string => text.replace('<proxy>', proxy.url);
    const editorProxy = npmrc.includes('<proxy>') || env['HTTPS_PROXY'] ? {} : { httpProxy: proxy.url };
    const files = { 'home/.npmrc': `registry=${registry.url}\ncafile=${tlsFixture('ca.pem')}\n${withProxy(npmrc)}` };
    const environment = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, withProxy(value)]));
    const result = await lookup(t, files, environment, { ...editorProxy, ...settings });
    assert.equal(errorOf(result), 'ok', name);
    const seen = scheme === 'http' ? proxy.forwarded.length : proxy.tunnels.length;
    assert.equal(seen, proxied ? 1 : 0, name);
  }
  assert.equal(target.requests.length + secure.requests.length, cases.length);
});

test("VS Code's http.proxy replaces npm's proxy; without it npm's (dead) proxy is used and named in the error", async (t) => {
  const target = await testServer(t, jsonHandler({ '/ms': packument('ms') }));
  const proxy = await testProxy(t);
  const files = { 'home/.npmrc': `registry=${target.url}\nproxy=http://127.0.0.1:${await deadPort()}/\n` };
  const direct = await lookup(t, files);
  assert.match(errorOf(direct), /^network: Could not get ms from http:\/\/127\.0\.0\.1:\d+\/ \(proxy: ECONNREFUSED\)\.$/);
  const viaEditor = await lookup(t, files, {}, { httpProxy: proxy.url });
  assert.equal(errorOf(viaEditor), 'ok');
  assert.equal(proxy.forwarded.length, 1);
});

test('proxy credentials: sent to the proxy as Proxy-Authorization only; a refusal says the proxy refused', async (t) => {
  const certificate = await certificateOrSkip(t);
  if (!certificate) return;
  const registry = await httpsTestServer(t, certificate, jsonHandler({ '/ms': packument('ms') }));
  const expected = `Basic ${Buffer.from('proxy-user:p@ss word').toString('base64')}`;
  const proxy = await testProxy(t, { requireAuth: expected });
  const npmrc = `registry=${registry.url}\ncafile=${certificate.certFile}\n${nerf(registry.url)}:_authToken=${TOKEN}\n`;
  const refused = await lookup(t, { 'home/.npmrc': `${npmrc}https-proxy=${proxy.url}\n` });
  assert.match(errorOf(refused), /\(proxy: refused the tunnel \(HTTP 407\)\)\.$/);
  const withUser = `http://proxy-user:${encodeURIComponent('p@ss word')}@127.0.0.1:${proxy.port}/`;
  const accepted = await lookup(t, { 'home/.npmrc': `${npmrc}https-proxy=${withUser}\n` });
  assert.equal(errorOf(accepted), 'ok');
  assert.deepEqual(proxy.connectHeaders.map((headers) => headers['proxy-authorization']), [undefined, expected]);
  assert.equal(registry.requests.length, 1);
  assert.equal(registry.requests[0]?.headers['proxy-authorization'], undefined);
  assert.ok(!errorOf(refused).includes('p@ss') && !errorOf(refused).includes(TOKEN));
});

test('a proxy that is not an http(s) URL fails every request, saying so, instead of going direct', async (t) => {
  const target = await testServer(t, jsonHandler({ '/ms': packument('ms') }));
  const cases: Array<[string, RegExp]> = [
    ['socks5://127.0.0.1:1080', /\(proxy: socks5: proxies are not supported\)/],
    ['not a url', /\(proxy: the configured proxy is not a URL\)/],
  ];
  for (const [value, expected] of cases) {
    const result = await lookup(t, { 'home/.npmrc': `registry=${target.url}\n` }, { HTTP_PROXY: value });
    assert.match(errorOf(result), expected, value);
  }
  assert.equal(target.requests.length, 0);
});
