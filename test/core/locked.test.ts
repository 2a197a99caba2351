/**
 * The analysis with a lockfile: declared dependencies are checked at their locked versions, every
 * locked registry package on its own entry, the entries' integrity, and each declared dependency says
 * which risky packages it brings in. Replays the ua-parser-js scenario one hour after the hijack, with
 * the hijacked release pulled in through cross-env (an edge made up for the test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze, type AnalysisDeps, type ProjectFile } from '../../server/src/core/analyze';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import type { Finding } from '../../server/src/core/finding';
import { FileRegistry, FIXTURES, scenarioDir } from '../helpers/fileRegistry';

const AS_OF = new Date('2020-09-30T13:15:21.378Z');
const REGISTRY = 'https://registry.example/';
const UA_INTEGRITY = 'sha512-hb0TIxQ3j1l8fXRrANfkoMaxYwexfXmXU1I/ySDQWOfxpurP3zNfiy7ZK5NPpNz7naYeKI3zcLBOrshDoBbyPA==';

function manifest(dependencies: Record<string, string>): ProjectFile {
  return { path: 'package.json', text: `${JSON.stringify({ name: 'app', version: '1.0.0', dependencies }, null, 2)}\n` };
}

interface LockEntry {
  version: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
}

function packageLock(root: Record<string, string>, entries: Record<string, LockEntry>): ProjectFile {
  const packages: Record<string, unknown> = { '': { name: 'app', version: '1.0.0', dependencies: root } };
  for (const [name, entry] of Object.entries(entries)) {
    packages[`node_modules/${name}`] = {
      version: entry.version,
      resolved: entry.resolved ?? `${REGISTRY}${name}/-/${name.split('/').pop() as string}-${entry.version}.tgz`,
      ...(entry.integrity !== '' && { integrity: entry.integrity ?? 'sha512-AAAA' }),
      ...(entry.dependencies && { dependencies: entry.dependencies }),
    };
  }
  return { path: 'package-lock.json', text: `${JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n` };
}

const CROSS_ENV = { version: '7.0.2', integrity: 'sha512-AAAA', dependencies: { 'ua-parser-js': '^0.7.22' } };
const UA = { version: '0.7.23', integrity: UA_INTEGRITY };

function deps(extra: Partial<AnalysisDeps> = {}): AnalysisDeps {
  return {
    registry: FileRegistry.fromDirs(join(FIXTURES, 'packuments'), join(scenarioDir('ua-parser-js-2021'), 'registry')),
    now: new Date('2030-01-01T00:00:00Z'),
    asOf: AS_OF,
    config: DEFAULT_CONFIG,
    ...extra,
  };
}

function at(files: ProjectFile[], finding: Finding): string {
  const text = files.find((file) => file.path === finding.file)?.text ?? '';
  return text.slice(finding.range.start, finding.range.end);
}

test('a risky transitive package is flagged on its lockfile entry and on the dependency that brings it in', async () => {
  const files = [manifest({ 'cross-env': '^7.0.0' }), packageLock({ 'cross-env': '^7.0.0' }, { 'cross-env': CROSS_ENV, 'ua-parser-js': UA })];
  const result = await analyze({ files }, deps());
  assert.deepEqual(result.errors, []);
  const declared = result.dependencies.find((d) => d.file === 'package.json');
  assert.equal(declared?.version, '7.0.2');
  assert.deepEqual(declared?.locked, { lockfile: 'package-lock.json', version: '7.0.2', key: 'node_modules/cross-env' });

  const onEntry = result.findings.filter((f) => f.file === 'package-lock.json' && f.package === 'ua-parser-js');
  assert.ok(onEntry.some((f) => f.signal === 'install-script-added' && f.severity === 'error'), JSON.stringify(onEntry.map((f) => f.signal)));
  for (const finding of onEntry) assert.equal(at(files, finding), '"node_modules/ua-parser-js"');

  const brings = result.findings.filter((f) => f.signal === 'risky-transitive');
  assert.equal(brings.length, 1);
  const [risky] = brings as [Finding];
  assert.equal(risky.file, 'package.json');
  assert.equal(at(files, risky), '"cross-env"');
  assert.equal(risky.severity, 'error');
  assert.match(risky.message, /cross-env brings in 1 risky package that package-lock\.json installs: ua-parser-js@0\.7\.23 \(.*install-script-added.*; via cross-env → ua-parser-js\)/);
  const evidence = risky.evidence.packages as Array<Record<string, unknown>>;
  assert.deepEqual(evidence[0]?.path, ['cross-env', 'ua-parser-js']);
});

test('without the risky package below it, a dependency brings in nothing', async () => {
  const files = [manifest({ 'cross-env': '^7.0.0' }), packageLock({ 'cross-env': '^7.0.0' }, { 'cross-env': { version: '7.0.2' } })];
  const result = await analyze({ files }, deps());
  assert.deepEqual(result.findings.filter((f) => f.signal === 'risky-transitive'), []);
});

const SYNC_CASES: Array<{ name: string; declared: Record<string, string>; locked: Record<string, LockEntry>; expect: RegExp | null }> = [
  { name: 'locked inside the range', declared: { 'cross-env': '^7.0.0' }, locked: { 'cross-env': { version: '7.0.2' } }, expect: null },
  { name: 'locked outside the range', declared: { 'cross-env': '^6.0.0' }, locked: { 'cross-env': { version: '7.0.2' } }, expect: /locks cross-env at 7\.0\.2, which "\^6\.0\.0" does not allow/ },
  { name: 'not locked at all', declared: { 'cross-env': '^7.0.0', ms: '^2.0.0' }, locked: { 'cross-env': { version: '7.0.2' } }, expect: /ms is not locked in package-lock\.json/ },
  { name: 'a dist-tag is not a range to hold the lock against', declared: { 'cross-env': 'latest' }, locked: { 'cross-env': { version: '7.0.2' } }, expect: null },
];

for (const c of SYNC_CASES) {
  test(`lockfile-out-of-sync: ${c.name}`, async () => {
    const files = [manifest(c.declared), packageLock(c.declared, c.locked)];
    const result = await analyze({ files }, deps());
    const sync = result.findings.filter((f) => f.signal === 'lockfile-out-of-sync');
    if (c.expect === null) assert.deepEqual(sync, []);
    else {
      assert.equal(sync.length, 1);
      assert.match((sync[0] as Finding).message, c.expect);
      assert.equal((sync[0] as Finding).severity, 'information');
    }
    // The locked version is the one checked, even outside the range.
    assert.equal(result.dependencies.find((d) => d.name === 'cross-env' && d.file === 'package.json')?.version, '7.0.2');
  });
}

test('a broken lockfile gives one finding where it breaks, and package.json is still checked by its ranges', async () => {
  const good = packageLock({ 'cross-env': '^7.0.0' }, { 'cross-env': CROSS_ENV, 'ua-parser-js': UA });
  const broken = { path: good.path, text: good.text.slice(0, Math.floor(good.text.length / 2)) };
  const files = [manifest({ 'cross-env': '^7.0.0' }), broken];
  const result = await analyze({ files }, deps());
  const problems = result.findings.filter((f) => f.signal === 'invalid-lockfile');
  assert.ok(problems.length >= 1 && problems.length <= 3, JSON.stringify(problems));
  assert.ok(problems.every((p) => p.file === 'package-lock.json' && p.range.start <= broken.text.length));
  assert.equal(result.dependencies.find((d) => d.file === 'package.json')?.status, 'checked');
});

test('the lockfile integrity is held against the registry, and hosts against the configured registry', async () => {
  const tampered = { ...UA, integrity: 'sha512-tampered0000000000000000000000000000000000000000000000000000000000000000000000000000000000==' };
  const evil = { version: '7.0.2', resolved: 'https://evil.example/cross-env/-/cross-env-7.0.2.tgz', dependencies: { 'ua-parser-js': '^0.7.22' } };
  const files = [manifest({ 'cross-env': '^7.0.0' }), packageLock({ 'cross-env': '^7.0.0' }, { 'cross-env': evil, 'ua-parser-js': tampered })];
  const result = await analyze({ files }, deps({ registryUrlFor: () => REGISTRY }));
  const signals = (name: string): string[] => result.findings.filter((f) => f.file === 'package-lock.json' && f.package === name).map((f) => f.signal);
  assert.ok(signals('ua-parser-js').includes('lockfile-integrity-mismatch'), JSON.stringify(signals('ua-parser-js')));
  assert.ok(signals('cross-env').includes('lockfile-untrusted-host'), JSON.stringify(signals('cross-env')));
  // Without a registry URL to compare with, hosts are not judged.
  const unknown = await analyze({ files }, deps());
  assert.ok(!unknown.findings.some((f) => f.signal === 'lockfile-untrusted-host'));
});

test('the policy applies to transitive findings before they are counted, and to risky-transitive itself', async () => {
  const files = [manifest({ 'cross-env': '^7.0.0' }), packageLock({ 'cross-env': '^7.0.0' }, { 'cross-env': CROSS_ENV, 'ua-parser-js': UA })];
  const quiet = async (policy: unknown): Promise<Finding[]> =>
    (await analyze({ files: [...files, { path: '.vigilrc.json', text: JSON.stringify(policy) }] }, deps())).findings.filter((f) => f.signal === 'risky-transitive');
  assert.equal((await quiet({})).length, 1);
  assert.equal((await quiet({ severity: { 'risky-transitive': 'off' } })).length, 0);
  const everyUaSignal = ['install-script-added', 'release-line-burst', 'publish-burst', 'new-publisher', 'recent-release', 'dormant-release', 'trust-downgrade'];
  const off = Object.fromEntries(everyUaSignal.map((signal) => [signal, 'off']));
  assert.equal((await quiet({ severity: off })).length, 0);
});

test('entries only reachable from elsewhere are checked with lockfileEntries "all"', async () => {
  const files = [manifest({ 'cross-env': '^7.0.0' }), packageLock({ 'cross-env': '^7.0.0' }, { 'cross-env': { version: '7.0.2' }, 'ua-parser-js': UA })];
  const reachable = await analyze({ files }, deps());
  assert.ok(!reachable.findings.some((f) => f.package === 'ua-parser-js'));
  const all = await analyze({ files, lockfileEntries: 'all' }, deps());
  assert.ok(all.findings.some((f) => f.package === 'ua-parser-js' && f.file === 'package-lock.json'));
});

test('a workspace sibling locked as a link is not looked up on the registry', async () => {
  const lock = {
    name: 'app',
    lockfileVersion: 3,
    packages: {
      '': { name: 'app', workspaces: ['packages/*'] },
      'node_modules/@acme/utils': { resolved: 'packages/utils', link: true },
      'packages/utils': { name: '@acme/utils', version: '1.0.0', dependencies: { 'ua-parser-js': '^0.7.22' } },
      'packages/web': { name: '@acme/web', version: '1.0.0', dependencies: { '@acme/utils': '^1.0.0' } },
      'node_modules/ua-parser-js': { version: '0.7.23', resolved: `${REGISTRY}ua-parser-js/-/ua-parser-js-0.7.23.tgz`, integrity: UA_INTEGRITY },
    },
  };
  const files: ProjectFile[] = [
    { path: 'packages/web/package.json', text: JSON.stringify({ name: '@acme/web', dependencies: { '@acme/utils': '^1.0.0' } }) },
    { path: 'package-lock.json', text: JSON.stringify(lock, null, 2) },
  ];
  const result = await analyze({ files }, deps());
  const sibling = result.dependencies.find((d) => d.name === '@acme/utils');
  assert.equal(sibling?.status, 'not-registry');
  assert.deepEqual(result.findings.filter((f) => f.package === '@acme/utils' && f.signal !== 'risky-transitive'), []);
  // What the sibling brings in still counts against the dependency on it.
  const brings = result.findings.find((f) => f.signal === 'risky-transitive');
  assert.deepEqual((brings?.evidence.packages as Array<{ path: string[] }>)[0]?.path, ['@acme/utils', 'ua-parser-js']);
});

test('the same name@version at several places in the tree is checked once and reported once per entry', async () => {
  const lock = {
    name: 'app',
    lockfileVersion: 3,
    packages: {
      '': { dependencies: { 'cross-env': '^7.0.0', 'ua-parser-js': '^0.7.22' } },
      'node_modules/cross-env': { version: '7.0.2', resolved: `${REGISTRY}cross-env/-/cross-env-7.0.2.tgz`, integrity: 'sha1-AAAA', dependencies: { 'ua-parser-js': '0.7.23' } },
      'node_modules/cross-env/node_modules/ua-parser-js': { version: '0.7.23', resolved: `http://registry.example/ua-parser-js/-/ua-parser-js-0.7.23.tgz`, integrity: UA_INTEGRITY },
      'node_modules/ua-parser-js': { version: '0.7.23', resolved: `http://registry.example/ua-parser-js/-/ua-parser-js-0.7.23.tgz`, integrity: UA_INTEGRITY },
    },
  };
  const files = [manifest({ 'cross-env': '^7.0.0', 'ua-parser-js': '^0.7.22' }), { path: 'package-lock.json', text: JSON.stringify(lock, null, 2) }];
  const result = await analyze({ files }, deps());
  const onLock = result.findings.filter((f) => f.file === 'package-lock.json' && f.package === 'ua-parser-js');
  const keys = new Set(onLock.map((f) => `${f.signal}@${f.range.start}`));
  assert.equal(keys.size, onLock.length, 'no finding twice at one entry');
  for (const signal of ['install-script-added', 'lockfile-insecure-url']) {
    assert.equal(onLock.filter((f) => f.signal === signal).length, 2, `${signal} on both entries`);
  }
});

test('an entry whose tarball URL names another package is flagged, however the parser classed it', async () => {
  const swapped = { version: '7.0.2', resolved: `${REGISTRY}evil-pkg/-/evil-pkg-1.0.0.tgz` };
  const files = [manifest({ 'cross-env': '^7.0.0' }), packageLock({ 'cross-env': '^7.0.0' }, { 'cross-env': swapped })];
  const result = await analyze({ files }, deps({ registryUrlFor: () => REGISTRY }));
  const mismatch = result.findings.filter((f) => f.signal === 'lockfile-name-mismatch');
  assert.equal(mismatch.length, 1, JSON.stringify(result.findings.map((f) => f.signal)));
  assert.equal(at(files, mismatch[0] as Finding), '"node_modules/cross-env"');
  assert.equal((mismatch[0] as Finding).severity, 'error');
});
