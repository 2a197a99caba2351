import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapePackageName, isValidPackageName, normalizeRegistryUrl, packumentUrl } from '../../server/src/node/registryUrl';

test('isValidPackageName: npm rules for names that can exist on a registry', () => {
  const table: Array<[string, boolean]> = [
    ['ms', true],
    ['lodash.without', true],
    ['evp_bytestokey', true],
    ['@babel/helper-annotate-as-pure', true],
    ['JSONStream', true], // legacy capitals are real packages
    ["fancy-'name'(x)!~*", true], // legacy URL-safe punctuation
    ['', false],
    [' ms', false],
    ['ms ', false],
    ['.hidden', false],
    ['_private', false],
    ['node_modules', false],
    ['FAVICON.ICO', false],
    ['a/b', false],
    ['@scope/a/b', false],
    ['@/x', false],
    ['@scope/', false],
    ['@scope/..', false],
    ['@scope/.x', false],
    ['@scope/_x', false],
    ['..', false],
    ['../etc/passwd', false],
    ['ms?write=true', false],
    ['ms#x', false],
    ['ünïcode', false],
    ['a'.repeat(214), true],
    ['a'.repeat(215), false],
  ];
  for (const [name, valid] of table) assert.equal(isValidPackageName(name), valid, JSON.stringify(name));
});

test('escapePackageName / packumentUrl: the scope slash is escaped, registry paths kept', () => {
  const table: Array<[string, string, string]> = [
    ['https://registry.npmjs.org/', 'ms', 'https://registry.npmjs.org/ms'],
    ['https://registry.npmjs.org/', '@babel/core', 'https://registry.npmjs.org/@babel%2fcore'],
    ['https://corp.test/api/npm/remote/', '@s/p', 'https://corp.test/api/npm/remote/@s%2fp'],
    ['http://127.0.0.1:4873/', 'JSONStream', 'http://127.0.0.1:4873/JSONStream'],
  ];
  for (const [registry, name, url] of table) assert.equal(packumentUrl(registry, name).href, url);
  assert.equal(escapePackageName('@a/b'), '@a%2fb');
});

test('normalizeRegistryUrl: http(s) only, no credentials, trailing slash', () => {
  const table: Array<[string, string | undefined]> = [
    ['https://registry.npmjs.org', 'https://registry.npmjs.org/'],
    ['https://registry.npmjs.org/', 'https://registry.npmjs.org/'],
    ['  http://127.0.0.1:4873  ', 'http://127.0.0.1:4873/'],
    ['https://corp.test/api/npm/remote', 'https://corp.test/api/npm/remote/'],
    ['https://user:token@corp.test/npm/', 'https://corp.test/npm/'],
    ['https://corp.test/npm/?x=1#y', 'https://corp.test/npm/'],
    ['ftp://corp.test/', undefined],
    ['file:///tmp/registry', undefined],
    ['registry.npmjs.org', undefined],
    ['', undefined],
    ['http://', undefined],
  ];
  for (const [raw, expected] of table) assert.equal(normalizeRegistryUrl(raw), expected, raw);
});
