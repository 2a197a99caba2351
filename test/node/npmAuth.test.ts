/** npm's credential rule (nerf darts) in isolation: which URL gets which Authorization header. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { nerfDart, readCredentials, type CredentialInput } from '../../server/src/node/npmAuth';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function credentials(flat: Record<string, unknown>, legacy: CredentialInput['legacy'] = { registry: 'https://registry.npmjs.org/', values: {} }) {
  return readCredentials({ flat, legacy, describe: (key) => `file-for-${key.includes('_') ? 'auth' : 'other'}`, baseDir: '/project' });
}

test('nerfDart: //host[:port]/dir/ as npm computes it', () => {
  const table: Array<[string, string | undefined]> = [
    ['https://registry.npmjs.org/', '//registry.npmjs.org/'],
    ['https://registry.npmjs.org', '//registry.npmjs.org/'],
    ['http://127.0.0.1:4873/npm/@scope%2fpkg', '//127.0.0.1:4873/npm/'],
    ['https://r.test:443/a/b/', '//r.test/a/b/'],
    ['https://user:pass@r.test/x?y#z', '//r.test/'],
    ['not a url', undefined],
  ];
  for (const [url, expected] of table) assert.equal(nerfDart(url), expected, url);
});

test('authorizationFor: the longest configured prefix of the request URL, never another host or port', () => {
  const { credentials: creds, notes } = credentials({
    '//a.test/:_authToken': 'token-a',
    '//a.test/npm/:_authToken': 'token-a-npm',
    '//b.test:8443/:_auth': b64('bee:pw'),
    '//c.test/:username': 'carol',
    '//c.test/:_password': b64('pässword'),
    '//d.test/only-user/:username': 'dave',
    '//e.test/x:_authToken': 'token-e-no-slash',
    'registry': 'https://a.test/',
    '@corp:registry': 'https://b.test:8443/',
  });
  assert.deepEqual(notes, []);
  const table: Array<[string, string | undefined]> = [
    ['https://a.test/pkg', 'Bearer token-a'],
    ['http://a.test/pkg', 'Bearer token-a'], // npm's keys have no scheme
    ['https://a.test/npm/pkg', 'Bearer token-a-npm'],
    ['https://a.test/npm/@s%2fp', 'Bearer token-a-npm'],
    ['https://a.test/npmx/pkg', 'Bearer token-a'],
    ['https://a.test:8080/pkg', undefined],
    ['https://sub.a.test/pkg', undefined],
    ['https://a.test.evil.example/pkg', undefined],
    ['https://b.test:8443/pkg', `Basic ${b64('bee:pw')}`],
    ['https://b.test/pkg', undefined],
    ['https://c.test/pkg', `Basic ${b64('carol:pässword')}`],
    ['https://d.test/only-user/pkg', undefined], // a username alone is no credential: the walk goes on, finds nothing
    ['https://e.test/x/pkg', 'Bearer token-e-no-slash'],
    ['https://e.test/xy/pkg', undefined],
    ['https://nothing.test/', undefined],
  ];
  for (const [url, expected] of table) assert.equal(creds.authorizationFor(new URL(url)), expected, url);
});

test('precedence within one key: token, then _auth, then username/_password (npm-registry-fetch)', () => {
  const table: Array<[Record<string, string>, string]> = [
    [{ '//r.test/:_authToken': 't', '//r.test/:_auth': b64('u:p'), '//r.test/:username': 'u', '//r.test/:_password': b64('p') }, 'Bearer t'],
    [{ '//r.test/:_auth': b64('u:p'), '//r.test/:username': 'x', '//r.test/:_password': b64('y') }, `Basic ${b64('u:p')}`],
    [{ '//r.test/:username': 'x', '//r.test/:_password': b64('y') }, `Basic ${b64('x:y')}`],
  ];
  for (const [flat, expected] of table) assert.equal(credentials(flat).credentials.authorizationFor(new URL('https://r.test/p')), expected);
});

test('a credential that cannot be sent stops the walk: no parent token instead, and a note without the value', () => {
  const { credentials: creds, notes } = credentials({ '//r.test/:_authToken': 'parent', '//r.test/deep/:_authToken': 'bad\ntoken' });
  assert.equal(creds.authorizationFor(new URL('https://r.test/deep/pkg')), undefined);
  assert.equal(creds.authorizationFor(new URL('https://r.test/pkg')), 'Bearer parent');
  assert.equal(notes.length, 1);
  assert.match(notes[0] ?? '', /\/\/r\.test\/deep\/ in file-for-auth cannot be sent/);
  assert.ok(!notes[0]?.includes('bad'));
});

test('legacy top-level credentials belong to npm\'s configured default registry only', () => {
  const legacy = (values: Record<string, string>, registry = 'https://default.test/npm/') => credentials({ '//own.test/:_authToken': 'own' }, { registry, values });
  const token = legacy({ _authToken: 'legacy-token' });
  assert.equal(token.credentials.authorizationFor(new URL('https://default.test/npm/pkg')), 'Bearer legacy-token');
  assert.equal(token.credentials.authorizationFor(new URL('https://default.test/other/pkg')), undefined);
  assert.equal(token.credentials.authorizationFor(new URL('https://scoped.test/pkg')), undefined);
  assert.match(token.notes[0] ?? '', /top-level _authToken is used for \/\/default\.test\/npm\/ only/);
  const auth = legacy({ _auth: b64('u:p') });
  assert.equal(auth.credentials.authorizationFor(new URL('https://default.test/npm/x')), `Basic ${b64('u:p')}`);
  const pair = legacy({ username: 'u', _password: b64('p') });
  assert.equal(pair.credentials.authorizationFor(new URL('https://default.test/npm/x')), `Basic ${b64('u:p')}`);
  const incomplete = legacy({ username: 'u' });
  assert.equal(incomplete.credentials.authorizationFor(new URL('https://default.test/npm/x')), undefined);
  assert.match(incomplete.notes[0] ?? '', /is ignored/);
  // A nerf-darted credential for the same registry wins, as after `npm config fix`.
  const shadowed = credentials({ '//default.test/npm/:_authToken': 'nerfed' }, { registry: 'https://default.test/npm/', values: { _authToken: 'legacy' } });
  assert.equal(shadowed.credentials.authorizationFor(new URL('https://default.test/npm/x')), 'Bearer nerfed');
});

test('secrets never come out as text: JSON, inspect, template strings show keys only', () => {
  const { credentials: creds } = credentials({ '//r.test/:_authToken': 'sekrit-token-1', '//s.test/:_auth': b64('user:sekrit-pass') });
  const texts = [JSON.stringify(creds), inspect(creds, { depth: 10, showHidden: true }), `${String(creds)}`, JSON.stringify({ creds })];
  for (const text of texts) {
    assert.ok(!text.includes('sekrit'), text);
    assert.ok(!text.includes(b64('user:sekrit-pass')), text);
  }
  assert.deepEqual(JSON.parse(JSON.stringify(creds)), { registries: ['//r.test/', '//s.test/'] });
});

test('fingerprint: equal for equal credentials on a host, different when a token differs; never the token', () => {
  const url = new URL('https://r.test/npm/');
  const one = credentials({ '//r.test/:_authToken': 'one', '//other.test/:_authToken': 'x' }).credentials.fingerprint(url);
  const same = credentials({ '//r.test/:_authToken': 'one', '//other.test/:_authToken': 'y' }).credentials.fingerprint(url);
  const two = credentials({ '//r.test/:_authToken': 'two' }).credentials.fingerprint(url);
  const deeper = credentials({ '//r.test/:_authToken': 'one', '//r.test/other/:_authToken': 'z' }).credentials.fingerprint(url);
  assert.equal(one, same, 'credentials for other hosts do not matter');
  assert.notEqual(one, two);
  assert.notEqual(one, deeper, 'any path on the host can be reached by a same-origin redirect');
  assert.match(one, /^[0-9a-f]{64}$/);
});
