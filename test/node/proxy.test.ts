/** Proxy selection by npm's rules: config before environment, by target protocol, and noproxy. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { normalizeHttpSettings } from '../../server/src/lsp/settings';
import { envValue, isNoProxy, proxyFor, proxyRules, withEditorProxy, type ProxyRules } from '../../server/src/node/proxy';

test('isNoProxy: label-boundary suffixes, ports, *, IPs', () => {
  const table: Array<[string, string, boolean]> = [
    ['https://registry.corp.test/', 'corp.test', true],
    ['https://corp.test/', 'corp.test', true],
    ['https://corp.test/', '.corp.test', true],
    ['https://badcorp.test/', 'corp.test', false],
    ['https://registry.corp.test/', 'other.test, corp.test', true],
    ['https://registry.corp.test/', 'REGISTRY.CORP.TEST', true],
    ['https://registry.npmjs.org/', 'corp.test', false],
    ['https://anything.test/', '*', true],
    ['http://127.0.0.1:4873/', '127.0.0.1', true],
    ['http://127.0.0.1:4873/', '127.0.0.1:4873', true],
    ['http://127.0.0.1:4873/', '127.0.0.1:9999', false],
    ['https://r.test/', 'r.test:443', true],
    ['http://r.test/', 'r.test:443', false],
    ['http://[::1]:4873/', '::1', true],
    ['http://[::1]:4873/', '[::1]:4873', true],
    ['https://r.test/', '', false],
    ['https://r.test/', ' , ,', false],
  ];
  for (const [url, list, expected] of table) {
    assert.equal(isNoProxy(new URL(url), list.split(',')), expected, `${url} vs ${list}`);
  }
});

const reveal = (rules: ProxyRules) => ({ https: rules.https?.reveal(), http: rules.http?.reveal(), noProxy: rules.noProxy, source: rules.source });

test("proxyRules: npm's https-proxy, then proxy, for every target; else the environment by target protocol", () => {
  const npm = (value: string) => ({ value, where: '/home/me/.npmrc' });
  const table: Array<[string, Parameters<typeof proxyRules>[0], Record<string, string>, ReturnType<typeof reveal>]> = [
    ['nothing', {}, {}, { https: undefined, http: undefined, noProxy: [], source: undefined }],
    ['https-proxy wins over proxy and env', { httpsProxy: npm('http://hp:1'), proxy: npm('http://p:2') }, { HTTPS_PROXY: 'http://env:3' }, { https: 'http://hp:1', http: 'http://hp:1', noProxy: [], source: 'https-proxy in /home/me/.npmrc' }],
    ['proxy alone serves https too', { proxy: npm('http://p:2') }, { HTTPS_PROXY: 'http://env:3' }, { https: 'http://p:2', http: 'http://p:2', noProxy: [], source: 'proxy in /home/me/.npmrc' }],
    ['HTTPS_PROXY serves both', {}, { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://h:2' }, { https: 'http://s:1', http: 'http://s:1', noProxy: [], source: 'HTTPS_PROXY' }],
    ['HTTP_PROXY serves http only', {}, { HTTP_PROXY: 'http://h:2' }, { https: undefined, http: 'http://h:2', noProxy: [], source: 'HTTP_PROXY' }],
    ['lower case, and PROXY', {}, { proxy: 'http://any:9' }, { https: undefined, http: 'http://any:9', noProxy: [], source: 'PROXY' }],
    ["npm's noproxy beats NO_PROXY", { noProxy: 'a.test, b.test' }, { NO_PROXY: 'c.test' }, { https: undefined, http: undefined, noProxy: ['a.test', 'b.test'], source: undefined }],
    ['NO_PROXY when npm has none', { noProxy: '' }, { no_proxy: 'c.test' }, { https: undefined, http: undefined, noProxy: ['c.test'], source: undefined }],
  ];
  for (const [name, input, env, expected] of table) assert.deepEqual(reveal(proxyRules(input, env)), expected, name);
});

test('envValue: any case, lower case first', () => {
  assert.equal(envValue({ HTTPS_PROXY: 'upper', https_proxy: 'lower' }, 'https_proxy'), 'lower');
  assert.equal(envValue({ Https_Proxy: 'mixed' }, 'https_proxy'), 'mixed');
  assert.equal(envValue({ HTTPS_PROXY: '' }, 'https_proxy'), undefined);
});

test("withEditorProxy: VS Code's http.proxy replaces npm's for every target and keeps noproxy", () => {
  const npm = proxyRules({ proxy: { value: 'http://npm:1', where: 'x' }, noProxy: 'corp.test' }, {});
  assert.deepEqual(reveal(withEditorProxy(npm, 'http://editor:2')), { https: 'http://editor:2', http: 'http://editor:2', noProxy: ['corp.test'], source: 'http.proxy' });
  assert.equal(withEditorProxy(npm, undefined), npm);
  assert.equal(withEditorProxy(npm, ''), npm);
});

test("withEditorProxy: VS Code's http.noProxy joins npm's noproxy (or NO_PROXY), whichever proxy is in use", () => {
  const npm = proxyRules({ proxy: { value: 'http://npm:1', where: 'x' }, noProxy: 'corp.test' }, {});
  const table: Array<[string, ProxyRules, string | undefined, string[], ReturnType<typeof reveal>]> = [
    ['with http.proxy', npm, 'http://editor:2', ['127.0.0.1', ' .lan '], { https: 'http://editor:2', http: 'http://editor:2', noProxy: ['corp.test', '127.0.0.1', '.lan'], source: 'http.proxy' }],
    ["with npm's proxy", npm, undefined, ['*'], { https: 'http://npm:1', http: 'http://npm:1', noProxy: ['corp.test', '*'], source: 'proxy in x' }],
    ['with NO_PROXY', proxyRules({}, { HTTPS_PROXY: 'http://env:3', NO_PROXY: 'a.test' }), undefined, ['b.test:8443'], { https: 'http://env:3', http: 'http://env:3', noProxy: ['a.test', 'b.test:8443'], source: 'HTTPS_PROXY' }],
    ['duplicates and blanks dropped, a comma list split', npm, undefined, ['corp.test', '', 'x.test, y.test', 'x.test'], { https: 'http://npm:1', http: 'http://npm:1', noProxy: ['corp.test', 'x.test', 'y.test'], source: 'proxy in x' }],
  ];
  for (const [name, rules, httpProxy, httpNoProxy, expected] of table) assert.deepEqual(reveal(withEditorProxy(rules, httpProxy, httpNoProxy)), expected, name);
  assert.equal(withEditorProxy(npm, undefined, []), npm, 'nothing from the editor: the same rules');
  assert.equal(withEditorProxy(npm, undefined, ['corp.test']), npm);
  const direct = withEditorProxy(npm, 'http://editor:2', ['registry.test:8443']);
  assert.equal(proxyFor(new URL('https://registry.test:8443/x'), direct), undefined);
  assert.equal(proxyFor(new URL('https://registry.test/x'), direct)?.reveal(), 'http://editor:2', 'the port must match');
});

test("normalizeHttpSettings: http.proxy, http.proxyStrictSSL=false and http.noProxy's hosts; anything else is ignored", () => {
  const table: Array<[string, unknown, ReturnType<typeof normalizeHttpSettings>]> = [
    ['nothing', undefined, {}],
    ['VS Code defaults', { proxy: '', proxyStrictSSL: true, noProxy: [] }, {}],
    ['all three', { proxy: ' http://p:1 ', proxyStrictSSL: false, noProxy: ['a.test', ' .b.test ', ''] }, { httpProxy: 'http://p:1', httpProxyStrictSSL: false, httpNoProxy: ['a.test', '.b.test'] }],
    ['noProxy entries of the wrong type', { noProxy: ['a.test', 3, null, { host: 'x' }] }, { httpNoProxy: ['a.test'] }],
    ['a comma-separated string, as hand-edited settings hold', { noProxy: 'a.test, b.test' }, { httpNoProxy: ['a.test', 'b.test'] }],
    ['not a list at all', { noProxy: { 'a.test': true } }, {}],
  ];
  for (const [name, raw, expected] of table) assert.deepEqual(normalizeHttpSettings(raw), expected, name);
});

test('proxyFor: by protocol, honouring noproxy; proxy URLs with passwords never print', () => {
  const rules = proxyRules({}, { HTTP_PROXY: 'http://user:pa55word@h:1', NO_PROXY: 'direct.test' });
  assert.equal(proxyFor(new URL('http://r.test/'), rules)?.reveal(), 'http://user:pa55word@h:1');
  assert.equal(proxyFor(new URL('https://r.test/'), rules), undefined);
  assert.equal(proxyFor(new URL('http://direct.test/'), rules), undefined);
  for (const text of [JSON.stringify(rules), inspect(rules, { depth: 5 }), `${String(rules.http)}`]) assert.ok(!text.includes('pa55word'), text);
});
