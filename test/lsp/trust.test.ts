/**
 * Workspace trust and VS Code's network settings, from the status words down to the server process:
 * an untrusted workspace's .npmrc is not read (and the status says so), trust granted later switches to
 * it, and `http.proxy` pulled from the editor carries the registry requests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver/node';
import { UNTRUSTED_NOTE, statusView } from '../../client/src/statusView';
import { SettingsCache, normalizeHttpSettings } from '../../server/src/lsp/settings';
import { StatusReporter } from '../../server/src/lsp/status';
import { WORKSPACE_TRUST_NOTIFICATION, type StatusParams } from '../../server/src/protocol';
import { jsonHandler, packument, testServer, type TestServer } from '../node/helpers';
import { testProxy } from '../node/network';
import { ROOT } from '../helpers/cli';
import { LspTestClient } from './lspClient';

const base: StatusParams = { state: 'done', pending: 0, checked: 3, files: 1, counts: { error: 0, warning: 0, information: 0, hint: 0 }, registries: ['https://r.test/'] };

describe('untrusted workspace in the status item', () => {
  const table: Array<[string, Partial<StatusParams>, string]> = [
    ['done', {}, `${UNTRUSTED_NOTE} · 3 dependencies checked in 1 file · https://r.test/`],
    ['checking', { state: 'checking', pending: 2 }, `${UNTRUSTED_NOTE} · 3 dependencies checked in 1 file · https://r.test/`],
    ['idle (no detail otherwise)', { state: 'idle', files: 0 }, UNTRUSTED_NOTE],
    ['registry down', { state: 'registry-unreachable', message: 'ECONNREFUSED' }, `${UNTRUSTED_NOTE} · ECONNREFUSED`],
  ];
  for (const [name, over, detail] of table) {
    it(name, () => {
      assert.equal(statusView({ ...base, ...over, untrustedWorkspace: true }).detail, detail);
      assert.ok(!statusView({ ...base, ...over }).detail.includes(UNTRUSTED_NOTE));
    });
  }
  it('says what the brief says', () => assert.equal(UNTRUSTED_NOTE, 'untrusted workspace: project .npmrc ignored'));

  it('the server-side reporter carries trust, and says it once it changes', () => {
    const sent: StatusParams[] = [];
    const reporter = new StatusReporter((params) => sent.push(params));
    reporter.setTrusted(false);
    reporter.start();
    assert.equal(sent.at(-1)?.untrustedWorkspace, true);
    reporter.setTrusted(true);
    assert.equal(sent.at(-1)?.untrustedWorkspace, undefined);
    assert.equal(sent.length, 2);
  });
});

describe('settings: trust and http.*', () => {
  it('normalizes http.proxy and http.proxyStrictSSL (only false matters)', () => {
    const table: Array<[unknown, object]> = [
      [undefined, {}],
      [{ proxy: '', proxyStrictSSL: true }, {}],
      [{ proxy: ' http://p.test:3128 ', proxyStrictSSL: false }, { httpProxy: 'http://p.test:3128', httpProxyStrictSSL: false }],
      [{ proxy: 3, proxyStrictSSL: 'false' }, {}],
    ];
    for (const [raw, expected] of table) assert.deepEqual(normalizeHttpSettings(raw), expected, JSON.stringify(raw));
  });

  it('carries trust and the http section into every document\'s settings; pulls http once per change', async () => {
    let httpPulls = 0;
    const cache = new SettingsCache(() => Promise.resolve({}), { workspaceTrusted: false }, () => undefined, () => {
      httpPulls++;
      return Promise.resolve({ proxy: 'http://p.test:1', proxyStrictSSL: false });
    });
    const first = await cache.get('file:///a/package.json');
    await cache.get('file:///b/package.json');
    assert.deepEqual([first.untrustedWorkspace, first.httpProxy, first.httpProxyStrictSSL, httpPulls], [true, 'http://p.test:1', false, 1]);
    cache.setTrusted(true);
    assert.equal((await cache.get('file:///a/package.json')).untrustedWorkspace, undefined);
    cache.reset();
    await cache.get('file:///a/package.json');
    assert.equal(httpPulls, 2);
    const plain = new SettingsCache(undefined, {}, () => undefined);
    assert.equal(plain.isTrusted, true, 'editors without workspace trust send nothing: trusted');
  });
});

test('language server: an untrusted workspace reads no project .npmrc; granted trust switches to it; an edit is re-read', { timeout: 60_000 }, async (t) => {
  const user = await testServer(t, jsonHandler({ '/ms': packument('ms') }));
  const project = await testServer(t, jsonHandler({ '/ms': packument('ms') }));
  const proxy = await testProxy(t);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-trust-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'home'));
  mkdirSync(join(dir, 'ws'));
  writeFileSync(join(dir, 'home', '.npmrc'), `registry=${user.url}\n`);
  writeFileSync(join(dir, 'ws', '.npmrc'), `registry=${project.url}\n`);
  writeFileSync(join(dir, 'ws', 'package.json'), '{"dependencies":{"ms":"^1.0.0"}}');
  // Only this folder's config: none of the npm_config_* that `npm test` exports, no real ~/.npmrc.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  Object.assign(env, { HOME: join(dir, 'home'), PREFIX: join(dir, 'prefix'), XDG_CACHE_HOME: join(dir, 'cache') });
  const client = LspTestClient.spawn(join(ROOT, 'dist', 'server.js'), (item) => (item.section === 'http' ? { proxy: proxy.url } : {}), env);
  t.after(() => client.stop());
  await client.initialize({
    processId: process.pid,
    rootUri: pathToFileURL(join(dir, 'ws')).href,
    workspaceFolders: [{ uri: pathToFileURL(join(dir, 'ws')).href, name: 'ws' }],
    initializationOptions: { cacheDir: join(dir, 'cache'), workspaceTrusted: false },
    capabilities: { workspace: { configuration: true, workspaceFolders: true } },
  });
  const gets = (server: TestServer): string[] => server.requests.filter((req) => req.method === 'GET').map((req) => req.url ?? '');
  // Packument requests the proxy forwarded (the advisory endpoint is asked through it too, with POST).
  const proxied = (): string[] => proxy.forwarded.filter((request) => request.method === 'GET').map((request) => request.url);

  // Untrusted: the user's registry is asked, through http.proxy; the project's .npmrc is not read.
  const untrusted = await client.waitForStatus((params) => params.state === 'done' && params.files === 1 && params.checked === 1);
  assert.deepEqual(untrusted.registries, [user.url]);
  assert.equal(untrusted.untrustedWorkspace, true);
  assert.deepEqual([gets(user), gets(project)], [['/ms'], []]);
  assert.ok(client.configurationRequests.some((item) => item.section === 'http'), 'http.* is pulled');
  assert.deepEqual(proxied(), [`${user.url}ms`]);

  // Trust granted: validated again with the project's .npmrc, and the status note is gone.
  await client.connection.sendNotification(WORKSPACE_TRUST_NOTIFICATION, { trusted: true });
  const trusted = await client.waitForStatus((params) => params.state === 'done' && params.registries[0] === project.url);
  assert.equal(trusted.untrustedWorkspace, undefined);
  assert.deepEqual(gets(project), ['/ms']);
  assert.deepEqual(proxied(), [`${user.url}ms`, `${project.url}ms`]);

  // The project's .npmrc changes: npm config is read again and everything re-checked.
  writeFileSync(join(dir, 'ws', '.npmrc'), `registry=${user.url}\n`);
  // Statuses sent before the edit (say, the one right after trust, still naming the user registry) do not count.
  const before = client.statuses.length;
  await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
    changes: [{ uri: pathToFileURL(join(dir, 'ws', '.npmrc')).href, type: FileChangeType.Changed }],
  });
  const edited = await client.waitForStatus(
    (params) => client.statuses.indexOf(params) >= before && params.state === 'done' && params.registries[0] === user.url,
  );
  assert.equal(edited.untrustedWorkspace, undefined);
});
