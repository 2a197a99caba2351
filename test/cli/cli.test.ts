/**
 * The CLI as a user runs it: the bundled dist/cli.js against a loopback registry serving recorded
 * packuments. Incident replays, the JSON shape, exit codes, offline use and failures.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { FIXTURES, scenarioDir } from '../helpers/fileRegistry';
import { runCli, startFixtureRegistry, type FixtureRegistry } from '../helpers/cli';

const SCENARIOS = ['ua-parser-js-2021', 'maintainer-handover', 'trust-downgrade'];
const RANK: Record<string, number> = { hint: 0, information: 1, warning: 2, error: 3 };

let registry: FixtureRegistry;
let work: string;

before(async () => {
  registry = await startFixtureRegistry([join(FIXTURES, 'packuments'), ...SCENARIOS.map((s) => join(scenarioDir(s), 'registry'))]);
  work = mkdtempSync(join(tmpdir(), 'vigil-cli-test-'));
});
after(async () => {
  await registry.close();
  rmSync(work, { recursive: true, force: true });
});

function project(name: string, packageJson: string | object): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), typeof packageJson === 'string' ? packageJson : JSON.stringify(packageJson, null, 2));
  return dir;
}

/** Zero-based position of the first occurrence of `needle`, computed independently of the code under test. */
function positionOf(text: string, needle: string): { line: number; character: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} in text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: (before[before.length - 1] ?? '').length };
}

interface Expectation { package: string; version: string; flagged: boolean; minSeverity?: string; maxSeverity?: string; pin?: string }

for (const scenario of SCENARIOS) {
  for (const file of ['expect.json', 'expect-before.json']) {
    test(`replays ${scenario} (${file}) through dist/cli.js`, async () => {
      const expected = JSON.parse(readFileSync(join(scenarioDir(scenario), file), 'utf8')) as { asOf: string; expectations: Expectation[] };
      const dir = join(work, `${scenario}-${file}`);
      cpSync(join(scenarioDir(scenario), 'project'), dir, { recursive: true });
      const cache = join(work, `${scenario}-${file}-cache`);
      const run = await runCli(['check', dir, '--registry', registry.url, '--as-of', expected.asOf, '--format', 'json', '--cache-dir', cache]);
      const report = JSON.parse(run.stdout);
      assert.equal(report.version, 1);
      assert.equal(report.asOf, new Date(expected.asOf).toISOString());
      assert.deepEqual(report.errors, []);
      const text = readFileSync(join(dir, 'package.json'), 'utf8');
      let worstOverall = -1;
      for (const expectation of expected.expectations) {
        const findings = report.findings.filter((f: { package: string }) => f.package === expectation.package);
        const worst = Math.max(-1, ...findings.map((f: { severity: string }) => RANK[f.severity] ?? -1));
        worstOverall = Math.max(worstOverall, worst);
        for (const finding of findings) {
          assert.equal(finding.version, expectation.version);
          assert.equal(finding.file, 'package.json');
          assert.deepEqual(finding.range.start, positionOf(text, `"${expectation.package}"`));
          assert.equal(typeof finding.message, 'string');
          assert.equal(typeof finding.evidence, 'object');
        }
        if (expectation.flagged) {
          assert.ok(worst >= (RANK[expectation.minSeverity ?? 'warning'] ?? 2), JSON.stringify(findings));
          for (const finding of findings) assert.equal(finding.fix?.pin, expectation.pin);
        } else {
          assert.ok(worst < RANK.error!, JSON.stringify(findings));
        }
      }
      assert.equal(run.code, worstOverall >= RANK.error! ? 1 : 0, run.stderr);
    });
  }
}

test('text output: one line per finding with 1-based file:line:col, the fix, and a summary', async () => {
  const dir = join(work, 'text');
  cpSync(join(scenarioDir('ua-parser-js-2021'), 'project'), dir, { recursive: true });
  const run = await runCli(['check', dir, '--registry', registry.url, '--as-of', '2020-09-30T13:15:21.378Z', '--no-cache']);
  const text = readFileSync(join(dir, 'package.json'), 'utf8');
  const at = positionOf(text, '"ua-parser-js"');
  assert.equal(run.code, 1);
  const lines = run.stdout.split('\n');
  assert.ok(lines.some((l) => l.startsWith(`package.json:${at.line + 1}:${at.character + 1} error install-script-added ua-parser-js@0.7.23 — `)), run.stdout);
  assert.ok(lines.some((l) => l.startsWith('    fix: pin 0.7.22: ')), run.stdout);
  assert.match(run.stdout, /vigil: 1 error, 2 warnings — 1 of 1 dependencies checked against http:\/\/127\.0\.0\.1:\d+\/? as of 2020-09-30T13:15:21\.378Z\./);
  assert.match(run.stderr, /replaying as of 2020-09-30T13:15:21.378Z/);
});

test('--fail-on decides the exit code', async () => {
  const dir = join(work, 'fail-on');
  cpSync(join(scenarioDir('maintainer-handover'), 'project'), dir, { recursive: true });
  const base = ['check', dir, '--registry', registry.url, '--as-of', '2021-09-08T09:30:00.000Z', '--no-cache'];
  // 2.1.3: a newcomer's first release after two silent years: new-publisher escalated to error by dormant-release.
  const cases: Array<[string, number]> = [['error', 1], ['warning', 1], ['information', 1], ['never', 0]];
  for (const [level, code] of cases) {
    const run = await runCli([...base, '--fail-on', level]);
    assert.equal(run.code, code, `--fail-on ${level}`);
  }
});

test('non-registry specs are reported and never requested', async () => {
  const dir = project('non-registry', {
    dependencies: { 'from-git': 'github:someone/thing', local: 'file:../local', ws: 'workspace:*', aliased: 'npm:ms@^2.1.1' },
  });
  const before = registry.requests.length;
  const run = await runCli(['check', dir, '--registry', registry.url, '--as-of', '2020-01-01T00:00:00Z', '--format', 'json', '--no-cache']);
  const report = JSON.parse(run.stdout);
  const paths = registry.requests.slice(before).map((r) => r.url);
  assert.deepEqual(paths, ['/ms'], 'only the alias target is asked for');
  const signals = report.findings.map((f: { package: string; signal: string; severity: string }) => `${f.package}:${f.signal}:${f.severity}`);
  assert.ok(signals.includes('from-git:non-registry-source:warning'), signals.join());
  assert.ok(signals.includes('local:non-registry-source:hint'), signals.join());
  assert.ok(signals.includes('ws:non-registry-source:hint'), signals.join());
  assert.equal(report.summary.packages, 4);
  assert.equal(report.summary.checked, 1);
});

test('malformed package.json: a clear finding where it breaks, the rest still checked', async () => {
  const text = '{\n  "dependencies": {\n    "ms": "^2.1.1",\n    "ua-parser-js": "^0.7.22",\n  }\n}\n';
  const dir = project('malformed', text);
  const run = await runCli(['check', dir, '--registry', registry.url, '--as-of', '2020-09-30T13:15:21.378Z', '--format', 'json', '--no-cache']);
  const report = JSON.parse(run.stdout);
  const invalid = report.findings.find((f: { signal: string }) => f.signal === 'invalid-json');
  assert.ok(invalid, run.stdout);
  assert.equal(invalid.range.start.line, 4, 'at the closing brace after the trailing comma');
  assert.ok(report.findings.some((f: { signal: string; package: string }) => f.signal === 'install-script-added' && f.package === 'ua-parser-js'));
  assert.equal(run.code, 1);
});

test('operational failures exit 2 with a clear message', async () => {
  const missing = await runCli(['check', join(work, 'does-not-exist'), '--registry', registry.url]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /there is no package.json in/);
  const badArgs = await runCli(['check', '--format', 'yaml']);
  assert.equal(badArgs.code, 2);
  assert.match(badArgs.stderr, /--format takes one of/);
});

test('registry unreachable: every package is listed as not checked and the run fails with 2', async () => {
  const port = await closedPort();
  const dir = project('down', { dependencies: { ms: '^2.1.1' } });
  const run = await runCli(['check', dir, '--registry', `http://127.0.0.1:${port}/`, '--format', 'json', '--no-cache']);
  assert.equal(run.code, 2);
  const report = JSON.parse(run.stdout);
  assert.equal(report.errors.length, 1);
  assert.equal(report.errors[0].package, 'ms');
  assert.equal(report.errors[0].kind, 'network');
});

test('--offline answers from the disk cache a previous run filled, and fails clearly when it is empty', async () => {
  const dir = project('offline', { dependencies: { 'ua-parser-js': '^0.7.22' } });
  const cache = join(work, 'offline-cache');
  const asOf = ['--as-of', '2020-09-30T13:15:21.378Z', '--format', 'json', '--cache-dir', cache];
  const online = await runCli(['check', dir, '--registry', registry.url, ...asOf]);
  const before = registry.requests.length;
  const offline = await runCli(['check', dir, '--registry', registry.url, '--offline', ...asOf]);
  assert.equal(registry.requests.length, before, 'offline makes no request');
  const strip = (out: string): unknown => JSON.parse(out).findings.map((f: { signal: string; version: string }) => [f.signal, f.version]);
  assert.deepEqual(strip(offline.stdout), strip(online.stdout));
  const empty = await runCli(['check', dir, '--registry', registry.url, '--offline', '--format', 'json', '--cache-dir', join(work, 'empty-cache')]);
  assert.equal(empty.code, 2);
  assert.equal(JSON.parse(empty.stdout).errors[0].kind, 'offline');
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 9;
}
