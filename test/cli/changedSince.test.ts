/**
 * `--changed-since REF` in a real git repository: only packages whose locked version (or, without a
 * lockfile, declared spec) changed since REF are judged, so a pull request that bumps one dependency is
 * judged on that bump; the rest of the project's findings stay out of the report and the exit code.
 * Git problems (no repository, unknown ref, no git) are operational failures: exit 2 with a clear message.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, scenarioDir } from '../helpers/fileRegistry';
import { runCli, startFixtureRegistry, type FixtureRegistry } from '../helpers/cli';

/** stream-kit-merge 2.1.3 (a newcomer's release after two silent years) is an hour old; ua-parser-js 0.7.23 added an install script. */
const AS_OF = '2021-09-08T09:30:00.000Z';

let registry: FixtureRegistry;
let work: string;

before(async () => {
  registry = await startFixtureRegistry([
    join(FIXTURES, 'packuments'),
    join(scenarioDir('ua-parser-js-2021'), 'registry'),
    join(scenarioDir('maintainer-handover'), 'registry'),
  ]);
  work = mkdtempSync(join(tmpdir(), 'vigil-changed-'));
});
after(async () => {
  await registry.close();
  rmSync(work, { recursive: true, force: true });
});

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Vigil Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  });
}

function write(dir: string, files: Record<string, unknown>): void {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
}

function repo(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '--quiet', '--initial-branch=main');
  return dir;
}

function commit(dir: string, message: string): void {
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--message', message);
}

function manifest(dependencies: Record<string, string>): object {
  return { name: 'app', version: '1.0.0', private: true, dependencies };
}

/** An npm v3 lockfile locking these name → version pairs at the top level. */
function lockfile(locked: Record<string, string>, declared: Record<string, string>): object {
  const packages: Record<string, object> = { '': { name: 'app', version: '1.0.0', dependencies: declared } };
  for (const [name, version] of Object.entries(locked)) packages[`node_modules/${name}`] = { version };
  return { name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

interface JsonReport {
  findings: Array<{ package: string; version?: string; signal: string; severity: string }>;
  errors: unknown[];
  changedSince?: { ref: string; commit: string; packages: number; omitted: number };
}

const check = (dir: string, ...extra: string[]) =>
  runCli(['check', '.', '--registry', registry.url, '--as-of', AS_OF, '--no-cache', '--no-advisories', ...extra], { cwd: dir });

const packagesOf = (report: JsonReport): Set<string> => new Set(report.findings.map((f) => f.package).filter((p) => p !== ''));

test('a pull request that bumps one locked dependency is judged on that bump only', async () => {
  const dir = repo('lockfile');
  const declared = { 'stream-kit-merge': '^2.1.2', 'ua-parser-js': '^0.7.22' };
  write(dir, {
    'package.json': manifest(declared),
    'package-lock.json': lockfile({ 'stream-kit-merge': '2.1.2', 'ua-parser-js': '0.7.23' }, declared),
  });
  commit(dir, 'base');
  write(dir, { 'package-lock.json': lockfile({ 'flat-stream-map': '0.1.0', 'stream-kit-merge': '2.1.3', 'ua-parser-js': '0.7.23' }, declared) });
  commit(dir, 'bump stream-kit-merge');

  const full = await check(dir, '--format', 'json');
  const all = JSON.parse(full.stdout) as JsonReport;
  assert.ok(packagesOf(all).has('ua-parser-js'), `the unchanged package has findings of its own: ${full.stdout}`);
  assert.ok(packagesOf(all).has('stream-kit-merge'));

  const run = await check(dir, '--format', 'json', '--changed-since', 'HEAD~1');
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.deepEqual([...packagesOf(report)].sort().filter((p) => p !== 'flat-stream-map'), ['stream-kit-merge'], run.stdout);
  for (const f of report.findings.filter((f) => f.package === 'stream-kit-merge')) assert.equal(f.version, '2.1.3');
  assert.equal(report.changedSince?.ref, 'HEAD~1');
  assert.match(report.changedSince?.commit ?? '', /^[0-9a-f]{40}$/);
  assert.equal(report.changedSince?.commit, git(dir, 'rev-parse', 'HEAD~1').trim());
  assert.equal(report.changedSince?.packages, 2, 'stream-kit-merge@2.1.3 and flat-stream-map@0.1.0');
  assert.ok((report.changedSince?.omitted ?? 0) > 0);
  assert.equal(run.code, 1, 'the bump itself has errors');

  const text = await check(dir, '--changed-since', 'HEAD~1');
  assert.match(text.stdout, /judged on the 2 packages changed since HEAD~1/);
  assert.doesNotMatch(text.stdout, /ua-parser-js/);
});

test('a folder below the lockfile: ../package-lock.json is read at the ref the same way', async () => {
  const dir = repo('nested');
  const declared = { 'stream-kit-merge': '^2.1.2', 'ua-parser-js': '^0.7.22' };
  mkdirSync(join(dir, 'sub'));
  write(join(dir, 'sub'), { 'package.json': manifest(declared) });
  write(dir, { 'package.json': manifest(declared), 'package-lock.json': lockfile({ 'stream-kit-merge': '2.1.2', 'ua-parser-js': '0.7.23' }, declared) });
  commit(dir, 'base');
  write(dir, { 'package-lock.json': lockfile({ 'stream-kit-merge': '2.1.3', 'ua-parser-js': '0.7.23' }, declared) });
  commit(dir, 'bump');
  const run = await check(join(dir, 'sub'), '--format', 'json', '--changed-since', 'HEAD~1');
  assert.notEqual(run.code, 2, run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.deepEqual([...packagesOf(report)], ['stream-kit-merge'], run.stdout);
  assert.equal(report.changedSince?.packages, 1);
});

test('nothing changed since the ref: no findings and exit 0, whatever the rest of the project has', async () => {
  const dir = repo('unchanged');
  const declared = { 'ua-parser-js': '^0.7.22' };
  write(dir, { 'package.json': manifest(declared), 'package-lock.json': lockfile({ 'ua-parser-js': '0.7.23' }, declared) });
  commit(dir, 'base');
  const before = await check(dir);
  assert.equal(before.code, 1, 'ua-parser-js@0.7.23 fails a full check');
  const run = await check(dir, '--changed-since', 'HEAD');
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^vigil: no findings — .*judged on the 0 packages changed since HEAD/m);
});

test('without a lockfile, declared specs that are new since the ref are judged (a file added since counts as all new)', async () => {
  const dir = repo('no-lockfile');
  write(dir, { 'package.json': manifest({ 'ua-parser-js': '^0.7.22' }) });
  commit(dir, 'base');
  write(dir, { 'package.json': manifest({ 'ua-parser-js': '^0.7.22', 'stream-kit-merge': '^2.1.2' }) });
  const run = await check(dir, '--format', 'json', '--changed-since', 'main');
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.deepEqual([...packagesOf(report)], ['stream-kit-merge'], run.stdout);
  assert.equal(report.changedSince?.packages, 1);

  mkdirSync(join(dir, 'nested'));
  write(join(dir, 'nested'), { 'package.json': manifest({ 'ua-parser-js': '^0.7.22' }) });
  const added = JSON.parse((await check(join(dir, 'nested'), '--format', 'json', '--changed-since', 'main')).stdout) as JsonReport;
  assert.deepEqual([...packagesOf(added)], ['ua-parser-js'], 'package.json did not exist at the ref');
});

test('git problems are operational failures with a clear message (exit 2)', async () => {
  const plain = join(work, 'not-a-repo');
  mkdirSync(plain);
  write(plain, { 'package.json': manifest({ 'ua-parser-js': '^0.7.22' }) });
  const notRepo = await check(plain, '--changed-since', 'main');
  assert.equal(notRepo.code, 2);
  assert.match(notRepo.stderr, /vigil: --changed-since: .* is not inside a git repository/);
  assert.equal(notRepo.stdout, '', 'nothing is printed as if it were a result');

  const dir = repo('unknown-ref');
  write(dir, { 'package.json': manifest({ 'ua-parser-js': '^0.7.22' }) });
  commit(dir, 'base');
  const before = registry.requests.length;
  const unknown = await check(dir, '--changed-since', 'origin/main');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /git does not know the commit "origin\/main".*fetch-depth: 0/);
  assert.equal(registry.requests.length, before, 'fails before asking the registry');

  const option = await check(dir, '--changed-since', '--output=x');
  assert.equal(option.code, 2);
  assert.match(option.stderr, /--changed-since takes a git commit or branch/);
  const colon = await check(dir, '--changed-since', 'HEAD:package.json');
  assert.equal(colon.code, 2);

  const noGit = await runCli(['check', '.', '--registry', registry.url, '--no-cache', '--changed-since', 'HEAD'], { cwd: dir, env: { PATH: join(work, 'empty-path') } });
  assert.equal(noGit.code, 2);
  assert.match(noGit.stderr, /git could not be started/);
});
