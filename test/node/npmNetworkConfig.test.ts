/**
 * readNpmConfig beyond the default registry: scoped registries, credentials, ${VAR} expansion, TLS,
 * proxies, and the untrusted-workspace mode, with npm's real loader against config files in a temp folder
 * (HOME → home/, PREFIX → prefix/, npm → npm/, the project at project/), so no real config leaks in.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { inspect } from 'node:util';
import { readNpmConfig, type NpmConfig } from '../../server/src/node/npmConfig';
import { tempDir, writeTree } from './helpers';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----';

async function read(t: TestContext, files: Record<string, string>, env: Record<string, string> = {}, projectConfig = true): Promise<{ root: string; config: NpmConfig }> {
  const root = await tempDir(t);
  const withRoot = Object.fromEntries(Object.entries(files).map(([path, text]) => [path, text.split('<root>').join(root)]));
  await writeTree(root, { 'project/package.json': '{"name":"p"}', ...withRoot });
  await mkdir(join(root, 'home'), { recursive: true });
  const base = { HOME: join(root, 'home'), PREFIX: join(root, 'prefix'), PATH: '' };
  const fullEnv = { ...base, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.split('<root>').join(root)])) };
  const config = await readNpmConfig(join(root, 'project'), fullEnv, { npmPath: join(root, 'npm') }, { projectConfig });
  return { root, config };
}

const auth = (config: NpmConfig, url: string): string | undefined => config.credentials.authorizationFor(new URL(url));

test('scoped registries: @scope:registry from any layer, normalized, with their source', async (t) => {
  const { root, config } = await read(
    t,
    {
      'project/.npmrc': '@corp:registry=https://corp.test/npm\n@broken:registry=ftp://nope.test/\n',
      'home/.npmrc': '@user:registry=https://user.test/\n@corp:registry=https://shadowed.test/\n',
    },
    { 'npm_config_@env:registry': 'https://env.test/' },
  );
  assert.deepEqual(
    [...config.scopes].sort(([a], [b]) => a.localeCompare(b)),
    [
      ['@broken', { registry: undefined, source: join(root, 'project/.npmrc') }],
      ['@corp', { registry: 'https://corp.test/npm/', source: join(root, 'project/.npmrc') }],
      ['@env', { registry: 'https://env.test/', source: 'npm_config_@env:registry' }],
      ['@user', { registry: 'https://user.test/', source: join(root, 'home/.npmrc') }],
    ],
  );
  assert.ok(config.notes.some((note) => note.includes('@broken:registry') && note.includes('not looked up anywhere')));
});

test('credentials per nerf dart from files and the environment, ${VAR} expanded in keys and values', async (t) => {
  const { config } = await read(
    t,
    {
      'project/.npmrc': ['//corp.test/npm/:_authToken=${CORP_TOKEN}', '//${PRIVATE_HOST}/:_authToken=private-token', '//b.test/:username=bob', '//b.test/:_password=${BOB_PASSWORD_B64}'].join('\n'),
      'home/.npmrc': '//registry.npmjs.org/:_authToken=npm-token\n',
    },
    { CORP_TOKEN: 'corp-token', PRIVATE_HOST: 'private.test:8443', BOB_PASSWORD_B64: Buffer.from('hunter2').toString('base64'), 'npm_config_//env.test/:_authToken': 'env-token' },
  );
  const table: Array<[string, string | undefined]> = [
    ['https://corp.test/npm/@corp%2fx', 'Bearer corp-token'],
    ['https://corp.test/other/x', undefined],
    ['https://private.test:8443/x', 'Bearer private-token'],
    ['https://b.test/x', `Basic ${Buffer.from('bob:hunter2').toString('base64')}`],
    ['https://registry.npmjs.org/ms', 'Bearer npm-token'],
    ['https://env.test/x', 'Bearer env-token'],
    ['https://elsewhere.test/x', undefined],
  ];
  for (const [url, expected] of table) assert.equal(auth(config, url), expected, url);
});

test('an unset ${VAR} is left as written, as npm does (and so sends nothing useful, never another token)', async (t) => {
  const { config } = await read(t, { 'project/.npmrc': '//corp.test/:_authToken=${MISSING_TOKEN}\n//corp.test/:_auth=${MISSING_TOKEN?}\n' });
  assert.equal(auth(config, 'https://corp.test/x'), 'Bearer ${MISSING_TOKEN}');
});

test('legacy top-level _authToken: used for the configured default registry only, and noted', async (t) => {
  const { root, config } = await read(t, { 'home/.npmrc': 'registry=https://mirror.test/npm/\n_authToken=legacy-token\n@corp:registry=https://corp.test/\n' });
  assert.equal(auth(config, 'https://mirror.test/npm/ms'), 'Bearer legacy-token');
  assert.equal(auth(config, 'https://corp.test/@corp%2fx'), undefined);
  assert.equal(auth(config, 'https://registry.npmjs.org/ms'), undefined);
  assert.ok(config.notes.some((note) => note.startsWith(`${join(root, 'home/.npmrc')}: top-level _authToken`)));
});

test('TLS: strict-ssl, ca (one or many), cafile; an unreadable cafile is dropped and named', async (t) => {
  const cases: Array<[string, Record<string, string>, NpmConfig['tls'], RegExp?]> = [
    ['defaults', {}, { strictSSL: true }],
    ['strict-ssl=false', { 'home/.npmrc': 'strict-ssl=false\n' }, { strictSSL: false }],
    ['ca inline, JSON-quoted newlines', { 'home/.npmrc': `ca=${JSON.stringify(PEM)}\n` }, { strictSSL: true, ca: [PEM] }],
    ['ca[] list', { 'home/.npmrc': `ca[]=${JSON.stringify(PEM)}\nca[]=${JSON.stringify(PEM.replace('fake', 'other'))}\n` }, { strictSSL: true, ca: [PEM, PEM.replace('fake', 'other')] }],
    ['cafile with two certificates', { 'home/.npmrc': 'cafile=<root>/certs.pem\n', 'certs.pem': `${PEM}\n${PEM}\n` }, { strictSSL: true, ca: [PEM, PEM] }],
    ['missing cafile: ignored, as npm does', { 'home/.npmrc': 'cafile=<root>/none.pem\n' }, { strictSSL: true }, /none\.pem .*does not exist/],
    ['unreadable cafile (a folder): dropped, named', { 'home/.npmrc': 'cafile=<root>/dir\n', 'dir/.keep': '' }, { strictSSL: true }, /dir \(set in .*home\/\.npmrc\) could not be read: EISDIR/],
  ];
  for (const [name, files, tls, note] of cases) {
    const root = await tempDir(t);
    const withRoot = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.split('<root>').join(root)]));
    await writeTree(root, { 'project/package.json': '{}', 'home/.keep': '', ...withRoot });
    const config = await readNpmConfig(join(root, 'project'), { HOME: join(root, 'home'), PREFIX: join(root, 'prefix'), PATH: '' }, { npmPath: join(root, 'npm') });
    assert.deepEqual(config.tls, tls, name);
    if (note) assert.ok(config.notes.some((n) => note.test(n)), `${name}: ${config.notes.join(' | ')}`);
  }
});

test('proxies: npm config first, then HTTPS_PROXY / HTTP_PROXY; noproxy, else NO_PROXY', async (t) => {
  const cases: Array<[string, Record<string, string>, Record<string, string>, [string | undefined, string | undefined, string[]]]> = [
    ['https-proxy and noproxy in .npmrc', { 'home/.npmrc': 'https-proxy=http://hp.test:3128/\nproxy=http://p.test:3128/\nnoproxy=corp.test,.internal\n' }, { HTTPS_PROXY: 'http://env.test:1/' }, ['http://hp.test:3128/', 'http://hp.test:3128/', ['corp.test', '.internal']]],
    ['environment only', {}, { HTTPS_PROXY: 'http://s.test:1/', HTTP_PROXY: 'http://h.test:2/', NO_PROXY: 'corp.test' }, ['http://s.test:1/', 'http://s.test:1/', ['corp.test']]],
    ['npm_config_proxy', {}, { npm_config_proxy: 'http://cfg.test:8/' }, ['http://cfg.test:8/', 'http://cfg.test:8/', []]],
    ['none', {}, {}, [undefined, undefined, []]],
  ];
  for (const [name, files, env, [https, http, noProxy]] of cases) {
    const { config } = await read(t, files, env);
    assert.deepEqual([config.proxy.https?.reveal(), config.proxy.http?.reveal(), config.proxy.noProxy], [https, http, noProxy], name);
  }
});

test('untrusted workspace: the project .npmrc is ignored entirely; user, global and env still apply', async (t) => {
  const files = {
    'project/.npmrc': [
      'registry=https://attacker.test/',
      '@corp:registry=https://attacker.test/',
      '//attacker.test/:_authToken=planted',
      'userconfig=<root>/project/evil-userrc',
      'strict-ssl=false',
      'https-proxy=http://attacker.test:3128/',
    ].join('\n'),
    'project/evil-userrc': '//corp.test/:_authToken=stolen-target\n',
    'home/.npmrc': 'registry=https://user.test/\n@corp:registry=https://corp.test/\n//corp.test/:_authToken=user-token\n',
  };
  const trusted = await read(t, files, {}, true);
  assert.equal(trusted.config.registry, 'https://attacker.test/', 'the trusted read does see the project file');
  const { root, config } = await read(t, files, { npm_config_strict_ssl: 'true' }, false);
  assert.equal(config.registry, 'https://user.test/');
  assert.equal(config.source, join(root, 'home/.npmrc'));
  assert.deepEqual(config.scopes.get('@corp'), { registry: 'https://corp.test/', source: join(root, 'home/.npmrc') });
  assert.equal(auth(config, 'https://corp.test/@corp%2fx'), 'Bearer user-token');
  assert.equal(auth(config, 'https://attacker.test/x'), undefined);
  assert.equal(config.tls.strictSSL, true);
  assert.equal(config.proxy.https, undefined);
});

test('no secret reaches text: JSON, inspect, notes', async (t) => {
  const secrets = ['tok-SECRET-1', 'proxy-SECRET-2', Buffer.from('u:auth-SECRET-3').toString('base64'), 'legacy-SECRET-4'];
  const { config } = await read(t, {
    'project/.npmrc': [
      `//r.test/:_authToken=${secrets[0]}`,
      `https-proxy=http://user:${secrets[1]}@proxy.test:1/`,
      `//s.test/:_auth=${secrets[2]}`,
      `_authToken=${secrets[3]}`,
      '//bad.test/:_authToken=has space\u0001control',
    ].join('\n'),
  });
  const texts = [JSON.stringify(config), inspect(config, { depth: 10 }), config.notes.join('\n'), config.source];
  for (const text of texts) for (const secret of secrets) assert.ok(!text.includes(secret), `${secret} in ${text}`);
  assert.ok(config.notes.length >= 2);
});
