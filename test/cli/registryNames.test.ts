/**
 * unclaimed-name and registry-shadowing as a user meets them: dist/cli.js, a project whose .npmrc routes
 * @corp to a private loopback registry, and a second loopback registry as the default (public) one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startFixtureRegistry, type FixtureRegistry } from '../helpers/cli';

const AS_OF = '2025-06-01T00:00:00Z';

const doc = (name: string, versions: Array<[string, string, string]>): object => ({
  name,
  'dist-tags': { latest: versions[versions.length - 1]?.[0] },
  versions: Object.fromEntries(versions.map(([v, , by]) => [v, { name, version: v, _npmUser: { name: by }, dist: { integrity: `sha512-${name}-${v}-${by}` } }])),
  time: { created: versions[0]?.[1], modified: versions[versions.length - 1]?.[1], ...Object.fromEntries(versions.map(([v, at]) => [v, at])) },
});

let work: string;
let publicRegistry: FixtureRegistry;
let privateRegistry: FixtureRegistry;
let env: NodeJS.ProcessEnv;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'vigil-cli-names-'));
  const write = (dir: string, docs: object[]): string => {
    mkdirSync(join(work, dir), { recursive: true });
    docs.forEach((d, i) => writeFileSync(join(work, dir, `${i}.json`), JSON.stringify(d)));
    return join(work, dir);
  };
  publicRegistry = await startFixtureRegistry([
    write('public', [doc('@corp/ui', [['99.0.0', '2025-05-01T00:00:00.000Z', 'mallory']]), doc('zz-house-pad', [['1.3.0', '2018-01-01T00:00:00.000Z', 'stevemao']])]),
  ]);
  privateRegistry = await startFixtureRegistry([
    write('private', [doc('@corp/ui', [['1.4.1', '2024-01-01T00:00:00.000Z', 'corp-ci'], ['1.4.2', '2024-03-01T00:00:00.000Z', 'corp-ci']])]),
  ]);
  mkdirSync(join(work, 'home'));
  // Only the project's .npmrc decides routing: no user or global config from the machine running the tests.
  env = { HOME: join(work, 'home'), npm_config_userconfig: join(work, 'home', '.npmrc'), npm_config_globalconfig: join(work, 'home', 'npmrc') };
});

after(async () => {
  await publicRegistry.close();
  await privateRegistry.close();
  rmSync(work, { recursive: true, force: true });
});

function project(name: string, dependencies: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies }, null, 2));
  writeFileSync(join(dir, '.npmrc'), `@corp:registry=${privateRegistry.url}\n`);
  return dir;
}

test('a scoped package from the private registry that the default registry also has, higher: registry-shadowing error', async () => {
  const dir = project('shadowed', { '@corp/ui': '^1.4.0', 'zz-house-pad': '^1.3.0' });
  const before = publicRegistry.requests.length;
  const run = await runCli(['check', dir, '--registry', publicRegistry.url, '--as-of', AS_OF, '--format', 'json', '--no-cache'], { env });
  const report = JSON.parse(run.stdout);
  assert.deepEqual(
    report.findings.map((f: { package: string; signal: string; severity: string; version: string }) => [f.package, f.signal, f.severity, f.version]),
    [['@corp/ui', 'registry-shadowing', 'error', '1.4.2']],
  );
  assert.deepEqual(report.findings[0].evidence.publicHighest, '99.0.0');
  assert.deepEqual(publicRegistry.requests.slice(before).map((r) => r.url).sort(), ['/@corp%2fui', '/zz-house-pad']);
  assert.equal(run.code, 1, run.stderr);
});

test('--public-registry off: the private name is never sent to the public registry', async () => {
  const dir = project('off', { '@corp/ui': '^1.4.0' });
  const before = publicRegistry.requests.length;
  const run = await runCli(['check', dir, '--registry', publicRegistry.url, '--public-registry', 'off', '--as-of', AS_OF, '--format', 'json', '--no-cache'], { env });
  assert.deepEqual(JSON.parse(run.stdout).findings, []);
  assert.equal(publicRegistry.requests.length, before);
  assert.equal(run.code, 0, run.stderr);
});

test('a declared name the registry does not have: unclaimed-name error naming the registry, exit 1 (not 2)', async () => {
  const dir = project('unclaimed', { 'zz-house-utilz': '^1.3.0' });
  const run = await runCli(['check', dir, '--registry', publicRegistry.url, '--format', 'json', '--no-cache', '--no-advisories'], { env });
  const report = JSON.parse(run.stdout);
  assert.deepEqual(report.errors, []);
  assert.deepEqual(
    report.findings.map((f: { package: string; signal: string; severity: string; evidence: unknown }) => [f.package, f.signal, f.severity, f.evidence]),
    [['zz-house-utilz', 'unclaimed-name', 'error', { registry: `${publicRegistry.url}/`, status: 404, section: 'dependencies', scoped: false }]],
  );
  assert.equal(run.code, 1, run.stderr);
});
