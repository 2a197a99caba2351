/** The fixture registry's bulk advisory endpoint: matching by range, as the public registry answers. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import type * as FixtureModule from '../../scripts/fixture-registry.mjs' with { 'resolution-mode': 'import' };
import { PACKUMENTS, ROOT, SCENARIOS } from './helpers';

const PATH = '/-/npm/v1/security/advisories/bulk';
const ADVISORIES = [join(ROOT, 'test', 'fixtures', 'advisories.json'), join(SCENARIOS, 'ua-parser-js-2021', 'advisories.json')];

async function start(t: TestContext, advisories?: string[]): Promise<FixtureModule.FixtureRegistry> {
  const module = (await import(pathToFileURL(join(ROOT, 'scripts', 'fixture-registry.mjs')).href)) as typeof FixtureModule;
  const registry = await module.startFixtureRegistry({ dirs: [PACKUMENTS], ...(advisories && { advisories }) });
  t.after(() => registry.close());
  return registry;
}

async function post(url: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${url}${PATH}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: response.status, json: await response.json() };
}

test('fixture registry: without advisory files the bulk endpoint is a 404, like a registry without one', async (t) => {
  const registry = await start(t);
  assert.equal((await post(registry.url, '{"ms":["2.1.1"]}')).status, 404);
});

test('fixture registry: answers each package with the advisories that match a version sent', async (t) => {
  const registry = await start(t, ADVISORIES);
  const table: Array<[Record<string, string[]>, string[]]> = [
    [{ 'js-yaml': ['3.13.0'] }, ['js-yaml:GHSA-8j8c-7jfh-h6hx']],
    [{ 'js-yaml': ['3.13.1'] }, []],
    [{ 'js-yaml': ['3.14.0', '3.12.0'] }, ['js-yaml:GHSA-8j8c-7jfh-h6hx']],
    [{ 'ua-parser-js': ['0.7.23'], ms: ['2.1.1'] }, ['ua-parser-js:GHSA-pjwm-rvh2-c87w']],
    [{ 'ua-parser-js': ['0.7.22', '0.7.24'] }, []],
    [{ 'ua-parser-js': ['1.0.0'] }, ['ua-parser-js:GHSA-pjwm-rvh2-c87w']],
  ];
  for (const [query, expected] of table) {
    for (const gzip of [false, true]) {
      const body = gzip ? gzipSync(JSON.stringify(query)) : JSON.stringify(query);
      const answer = await post(registry.url, body, gzip ? { 'content-encoding': 'gzip' } : {});
      assert.equal(answer.status, 200);
      const found = Object.entries(answer.json as Record<string, Array<{ url: string }>>).flatMap(([name, list]) =>
        list.map((a) => `${name}:${a.url.split('/').pop()}`),
      );
      assert.deepEqual(found, expected, JSON.stringify(query));
    }
  }
  const last = registry.requests.at(-1);
  assert.deepEqual([last?.method, last?.url, last?.body], ['POST', PATH, { 'ua-parser-js': ['1.0.0'] }]);
});

test('fixture registry: advisories keep their real fields; ones without an id are numbered', async (t) => {
  const registry = await start(t, ADVISORIES);
  const answer = (await post(registry.url, '{"js-yaml":["3.0.0"],"ua-parser-js":["0.8.0"]}')).json as Record<string, unknown[]>;
  assert.deepEqual(answer['js-yaml'], [
    { id: 813, url: 'https://github.com/advisories/GHSA-8j8c-7jfh-h6hx', title: 'Code Injection in js-yaml', severity: 'high', vulnerable_versions: '<3.13.1', cwe: ['CWE-94'] },
  ]);
  assert.deepEqual(answer['ua-parser-js'], [
    {
      id: 1,
      url: 'https://github.com/advisories/GHSA-pjwm-rvh2-c87w',
      title: 'Embedded malware in ua-parser-js',
      severity: 'critical',
      vulnerable_versions: '>=0.7.23 <0.7.24 || >=0.8.0 <0.8.1 || >=1.0.0 <1.0.1',
      cwe: ['CWE-506'],
    },
  ]);
});

test('fixture registry: a body that is not {name: [versions]} is a 400', async (t) => {
  const registry = await start(t, ADVISORIES);
  for (const body of ['not json', '[]', '{"ms":"2.1.1"}', '{"ms":[1]}']) {
    assert.deepEqual(await post(registry.url, body), { status: 400, json: { error: 'Invalid request body' } }, body);
  }
});
