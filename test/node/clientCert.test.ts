/**
 * Client certificates in isolation: reading `certfile`/`keyfile` (every way it can fail, each message
 * naming the file and never its contents), npm's walk that picks the nerf dart whose certificate a URL
 * gets (shared with tokens), the deprecated top-level `cert`/`key`, and npm's loader reading them from
 * every layer except, in an untrusted workspace, the project's.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { inspect } from 'node:util';
import { inlineCertificate, readCertificateFiles, type ClientCertificate } from '../../server/src/node/clientCert';
import { readNpmConfig } from '../../server/src/node/npmConfig';
import { readCredentials } from '../../server/src/node/npmAuth';
import { tempDir, writeTree } from './helpers';
import { tlsFixture } from './network';

const PEM = { cert: tlsFixture('client.pem'), key: tlsFixture('client.key'), otherKey: tlsFixture('server.key') };
const where = { certfile: '/home/me/.npmrc', keyfile: '/home/me/.npmrc' };

/** The base64 lines of the fixture PEMs: none of them may ever appear in a message. */
async function pemBodies(): Promise<string[]> {
  const texts = await Promise.all([PEM.cert, PEM.key, PEM.otherKey].map((file) => readFile(file, 'utf8')));
  return texts.flatMap((text) => text.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----')));
}

const describeCertificate = (certificate: ClientCertificate | undefined): string =>
  certificate === undefined ? 'none' : certificate.ok ? `ok ${certificate.cert.includes('BEGIN CERTIFICATE') ? 'cert' : '?'}` : certificate.problem;

test('readCertificateFiles: a usable pair, and each problem named by file, reason and origin, never by contents', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, { 'empty.pem': '  \n', 'garbage.key': 'not a key at all', 'sub/client.pem': await readFile(PEM.cert, 'utf8') });
  await mkdir(join(dir, 'folder.pem'));
  const read = (certfile: string, keyfile: string): ClientCertificate =>
    readCertificateFiles({ dart: '//r.test/', certfile, keyfile, where, baseDir: dir });
  const origin = (field: string): string => `, set as //r.test/:${field} in /home/me/.npmrc`;
  const table: Array<[string, string, string, string | RegExp]> = [
    ['usable', PEM.cert, PEM.key, 'ok cert'],
    ['relative to the project', 'sub/client.pem', PEM.key, 'ok cert'],
    ['missing certfile', join(dir, 'nope.pem'), PEM.key, `certfile ${join(dir, 'nope.pem')} does not exist${origin('certfile')}`],
    ['missing keyfile', PEM.cert, join(dir, 'nope.key'), `keyfile ${join(dir, 'nope.key')} does not exist${origin('keyfile')}`],
    ['relative, missing', PEM.cert, 'keys/k.pem', `keyfile keys/k.pem (${join(dir, 'keys/k.pem')}) does not exist${origin('keyfile')}`],
    ['~ is not expanded', PEM.cert, '~/k.pem', `keyfile ~/k.pem (${join(dir, '~/k.pem')}) does not exist${origin('keyfile')} (~ is not expanded there, as in npm)`],
    ['empty', join(dir, 'empty.pem'), PEM.key, `certfile ${join(dir, 'empty.pem')} is empty${origin('certfile')}`],
    ['a folder', join(dir, 'folder.pem'), PEM.key, `certfile ${join(dir, 'folder.pem')} is a folder${origin('certfile')}`],
    ['a device', PEM.cert, '/dev/zero', `keyfile /dev/zero is not a regular file${origin('keyfile')}`],
    ['key of another certificate', PEM.cert, PEM.otherKey, /^certfile .*client\.pem and keyfile .*server\.key, set for \/\/r\.test\/ in \/home\/me\/\.npmrc, are not a usable client certificate: the key does not belong to the certificate$/],
    ['key where the certificate goes', PEM.key, PEM.key, /are not a usable client certificate: the certificate is not a PEM certificate$/],
    ['not a key', PEM.cert, join(dir, 'garbage.key'), /are not a usable client certificate: the key is not a PEM private key$/],
  ];
  const bodies = await pemBodies();
  for (const [name, certfile, keyfile, expected] of table) {
    const text = describeCertificate(read(certfile, keyfile));
    if (typeof expected === 'string') assert.equal(text, expected, name);
    else assert.match(text, expected, name);
    for (const body of bodies) assert.ok(!text.includes(body), `${name}: PEM contents in "${text}"`);
  }
});

test('a certificate prints as nothing secret: the key is a Secret in JSON and inspect', async () => {
  const certificate = inlineCertificate(await readFile(PEM.cert, 'utf8'), await readFile(PEM.key, 'utf8'), '/home/me/.npmrc');
  assert.ok(certificate.ok);
  const keyBody = (await readFile(PEM.key, 'utf8')).split('\n')[1] ?? '';
  for (const text of [JSON.stringify(certificate), inspect(certificate, { depth: 5 })]) assert.ok(!text.includes(keyBody), text);
  assert.ok(certificate.key.reveal().includes(keyBody));
});

test("npm's walk: the first dart with any credential decides, so a token below a certificate hides it; a lone half counts for nothing", async () => {
  const flat = {
    '//a.test/:certfile': PEM.cert,
    '//a.test/:keyfile': PEM.key,
    '//a.test/npm/:_authToken': 'token-a-npm',
    '//a.test/both/:_authToken': 'token-both',
    '//a.test/both/:certfile': PEM.cert,
    '//a.test/both/:keyfile': PEM.key,
    '//b.test/:certfile': PEM.cert,
    '//c.test:8443/:certfile': PEM.cert,
    '//c.test:8443/:keyfile': PEM.key,
  };
  const { credentials, notes } = readCredentials({ flat, legacy: { registry: 'https://registry.npmjs.org/', values: {} }, describe: () => '/home/me/.npmrc', baseDir: '/' });
  const table: Array<[string, string | undefined, string]> = [
    ['https://a.test/pkg', undefined, 'ok cert'],
    ['https://a.test/npm/pkg', 'Bearer token-a-npm', 'none'],
    ['https://a.test/both/pkg', 'Bearer token-both', 'ok cert'],
    ['https://b.test/pkg', undefined, 'none'],
    ['https://c.test:8443/pkg', undefined, 'ok cert'],
    ['https://c.test/pkg', undefined, 'none'],
    ['https://other.test/pkg', undefined, 'none'],
  ];
  for (const [url, authorization, certificate] of table) {
    assert.equal(credentials.authorizationFor(new URL(url)), authorization, url);
    assert.equal(describeCertificate(credentials.clientCertificateFor(new URL(url))), certificate, url);
  }
  assert.deepEqual(notes, ['//b.test/:certfile in /home/me/.npmrc has no //b.test/:keyfile; npm ignores it, and so does Vigil']);
});

test('top-level cert/key: for the default registry\'s dart only, below any certificate of its own; incomplete or broken ones are noted', async () => {
  const [cert, key] = await Promise.all([readFile(PEM.cert, 'utf8'), readFile(PEM.key, 'utf8')]);
  const read = (flat: Record<string, unknown>) =>
    readCredentials({ flat, legacy: { registry: 'https://r.test/npm/', values: {} }, describe: (k) => `file-of-${k}`, baseDir: '/' });
  const { credentials, notes } = read({ cert, key, '//r.test/npm/:_authToken': 'tok' });
  assert.equal(describeCertificate(credentials.clientCertificateFor(new URL('https://r.test/npm/pkg'))), 'ok cert');
  assert.equal(credentials.authorizationFor(new URL('https://r.test/npm/pkg')), 'Bearer tok', 'the token and the legacy certificate together');
  for (const url of ['https://r.test/other/pkg', 'https://r.test:8443/npm/pkg', 'https://elsewhere.test/npm/pkg']) {
    assert.equal(credentials.clientCertificateFor(new URL(url)), undefined, url);
  }
  assert.deepEqual(notes, ['file-of-cert: the top-level cert and key (deprecated in npm) are presented to //r.test/npm/ only; npm recommends //r.test/npm/:certfile and :keyfile']);
  assert.deepEqual(read({ cert }).notes, ['the top-level cert in file-of-cert has no key; it is ignored']);
  const broken = read({ cert, key: 'nonsense' });
  assert.equal(describeCertificate(broken.credentials.clientCertificateFor(new URL('https://r.test/npm/x'))), 'the top-level cert and key in file-of-cert are not a usable client certificate: the key is not a PEM private key');
  const bodies = await pemBodies();
  for (const text of [...broken.notes, JSON.stringify(broken.credentials), inspect(credentials, { depth: 5 })]) {
    for (const body of bodies) assert.ok(!text.includes(body), text);
  }
});

test('fingerprint: another certificate, or none, for a host is another connection setup; other hosts do not matter', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'copy.pem'), await readFile(PEM.cert, 'utf8'));
  const fingerprint = (flat: Record<string, unknown>, url = 'https://r.test/x'): string =>
    readCredentials({ flat, legacy: { registry: 'https://registry.npmjs.org/', values: {} }, describe: () => 'x', baseDir: dir }).credentials.fingerprint(new URL(url));
  const pair = { '//r.test/:certfile': PEM.cert, '//r.test/:keyfile': PEM.key };
  assert.notEqual(fingerprint(pair), fingerprint({}));
  assert.equal(fingerprint(pair), fingerprint({ '//r.test/:certfile': 'copy.pem', '//r.test/:keyfile': PEM.key }), 'same contents, same setup');
  assert.notEqual(fingerprint(pair), fingerprint({ ...pair, '//r.test/:keyfile': join(dir, 'gone.key') }));
  assert.equal(fingerprint(pair, 'https://other.test/x'), fingerprint({}, 'https://other.test/x'));
});

async function readConfig(t: TestContext, files: Record<string, string>, env: Record<string, string>, projectConfig: boolean) {
  const root = await tempDir(t);
  await writeTree(root, { 'project/package.json': '{}', 'home/.keep': '', ...files });
  const base = { HOME: join(root, 'home'), PREFIX: join(root, 'prefix'), PATH: '' };
  return { root, config: await readNpmConfig(join(root, 'project'), { ...base, ...env }, { npmPath: join(root, 'npm') }, { projectConfig }) };
}

test('readNpmConfig: certfile/keyfile from user config and npm_config_ variables; the project .npmrc\'s only when trusted', async (t) => {
  const files = {
    'home/.npmrc': `//user.test/:certfile=${PEM.cert}\n//user.test/:keyfile=${PEM.key}\n`,
    'project/.npmrc': `//project.test/:certfile=certs/client.pem\n//project.test/:keyfile=${PEM.key}\n//user.test/:keyfile=planted.key\n`,
    'project/certs/client.pem': await readFile(PEM.cert, 'utf8'),
  };
  const env = { 'npm_config_//env.test/:certfile': PEM.cert, 'npm_config_//env.test/:keyfile': PEM.key };
  const cert = (config: Awaited<ReturnType<typeof readConfig>>['config'], host: string): string =>
    describeCertificate(config.credentials.clientCertificateFor(new URL(`https://${host}/pkg`)));
  const trusted = await readConfig(t, files, env, true);
  assert.deepEqual(['user.test', 'project.test', 'env.test'].map((host) => cert(trusted.config, host)), [
    `keyfile planted.key (${join(trusted.root, 'project/planted.key')}) does not exist, set as //user.test/:keyfile in ${join(trusted.root, 'project/.npmrc')}`,
    'ok cert',
    'ok cert',
  ]);
  const untrusted = await readConfig(t, files, env, false);
  assert.deepEqual(['user.test', 'project.test', 'env.test'].map((host) => cert(untrusted.config, host)), ['ok cert', 'none', 'ok cert']);
  assert.ok(!untrusted.config.notes.join('\n').includes('project'), untrusted.config.notes.join('\n'));
});
