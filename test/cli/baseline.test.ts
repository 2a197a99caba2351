/**
 * Baselines: fingerprints that survive moved lines, a sorted stable file, clear failures on a missing or
 * corrupt file, and through dist/cli.js: `vigil baseline` writes it, `vigil check --baseline` reports the
 * listed findings as unchanged (JSON, SARIF) and fails only on new ones.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBaseline, buildBaseline, fingerprint, parseBaseline } from '../../server/src/cli/baseline';
import type { Report, ReportItem } from '../../server/src/cli/output';
import { scenarioDir } from '../helpers/fileRegistry';
import { runCli, startFixtureRegistry, type FixtureRegistry } from '../helpers/cli';
import { sarifProblems } from './sarifSchema';

const AS_OF = '2020-09-30T13:15:21.378Z';

function item(overrides: Partial<ReportItem>): ReportItem {
  return {
    file: 'package.json',
    range: { start: { line: 6, character: 4 }, end: { line: 6, character: 18 } },
    package: 'ua-parser-js',
    spec: '^0.7.22',
    version: '0.7.23',
    signal: 'install-script-added',
    severity: 'error',
    message: 'm',
    evidence: {},
    ...overrides,
  };
}

test('a fingerprint depends on signal, file, package and version, not on the position or the message', () => {
  const base = fingerprint(item({}));
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.equal(fingerprint(item({ range: { start: { line: 40, character: 0 }, end: { line: 40, character: 9 } }, message: 'other' })), base);
  for (const change of [{ version: '0.7.24' }, { signal: 'recent-release' as const }, { file: 'packages/a/package.json' }, { package: 'ua-parser' }]) {
    assert.notEqual(fingerprint(item(change)), base, JSON.stringify(change));
  }
  assert.notEqual(fingerprint(item({ version: undefined })), base);
});

test('buildBaseline sorts and deduplicates; parseBaseline reads it back', () => {
  const findings = [item({ package: 'b' }), item({ package: 'a', signal: 'recent-release' }), item({ package: 'a' }), item({ package: 'a', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } } })];
  const baseline = buildBaseline(findings, new Date('2024-05-01T10:00:00Z'), 'vigil 0.1.0');
  assert.equal(baseline.version, 1);
  assert.equal(baseline.generatedAt, '2024-05-01T10:00:00.000Z');
  assert.deepEqual(baseline.entries.map((e) => `${e.package}:${e.signal}`), ['a:install-script-added', 'a:recent-release', 'b:install-script-added']);
  assert.deepEqual(Object.keys(baseline.entries[0] ?? {}), ['signal', 'file', 'package', 'version', 'fingerprint']);
  const parsed = parseBaseline(JSON.stringify(baseline));
  assert.ok(parsed.ok);
  assert.ok(parsed.ok && findings.every((f) => parsed.fingerprints.has(fingerprint(f))));
});

test('parseBaseline: a hand-written entry without a fingerprint matches by its fields; broken files are errors that quote nothing', () => {
  const handWritten = parseBaseline(JSON.stringify({ version: 1, entries: [{ signal: 'install-script-added', file: 'package.json', package: 'ua-parser-js', version: '0.7.23' }] }));
  assert.ok(handWritten.ok && handWritten.fingerprints.has(fingerprint(item({}))));
  const cases: Array<[string, RegExp]> = [
    ['{ "secret-token": ', /is not valid JSON/],
    ['[]', /not a Vigil baseline/],
    ['{"version": 1}', /not a Vigil baseline/],
    ['{"version": 2, "entries": []}', /baseline version 2; this Vigil reads version 1/],
    ['{"version": 1, "entries": [42]}', /not an object \(entry 1\)/],
    ['{"version": 1, "entries": [{"signal": "x"}]}', /neither a fingerprint nor signal, file and package \(entry 1\)/],
  ];
  for (const [text, message] of cases) {
    const parsed = parseBaseline(text);
    assert.equal(parsed.ok, false, text);
    assert.match(parsed.ok ? '' : parsed.message, message);
    assert.ok(!(parsed.ok ? '' : parsed.message).includes('secret'), 'never echoes the file');
  }
});

test('applyBaseline marks findings and counts them', () => {
  const report = { findings: [item({}), item({ version: '9.9.9' })], summary: { packages: 1, checked: 1, bySeverity: { error: 2, warning: 0, information: 0, hint: 0 }, suppressed: 0 } } as unknown as Report;
  const marked = applyBaseline(report, new Set([fingerprint(item({}))]), 'b.json');
  assert.deepEqual(marked.findings.map((f) => f.baselineState), ['unchanged', 'new']);
  assert.deepEqual(marked.baseline, { file: 'b.json', new: 1, unchanged: 1 });
  assert.equal(marked.summary.baselined, 1);
});

let registry: FixtureRegistry;
let work: string;

before(async () => {
  registry = await startFixtureRegistry([join(scenarioDir('ua-parser-js-2021'), 'registry')]);
  work = mkdtempSync(join(tmpdir(), 'vigil-baseline-'));
});
after(async () => {
  await registry.close();
  rmSync(work, { recursive: true, force: true });
});

function project(name: string): string {
  const dir = join(work, name);
  cpSync(join(scenarioDir('ua-parser-js-2021'), 'project'), dir, { recursive: true });
  return dir;
}

const common = () => ['--registry', registry.url, '--as-of', AS_OF, '--no-cache'];

test('vigil baseline writes the findings; check --baseline fails only on new ones', async () => {
  const dir = project('round-trip');
  const written = await runCli(['baseline', '.', '--output', 'vigil-baseline.json', ...common()], { cwd: dir });
  assert.equal(written.code, 0, written.stderr);
  assert.match(written.stderr, /wrote 3 findings to vigil-baseline\.json/);
  assert.equal(written.stdout, '');
  const file = JSON.parse(readFileSync(join(dir, 'vigil-baseline.json'), 'utf8')) as { version: number; generatedAt: string; tool: string; entries: Array<{ signal: string; package: string; version: string }> };
  assert.equal(file.version, 1);
  assert.ok(!Number.isNaN(Date.parse(file.generatedAt)));
  assert.match(file.tool, /^vigil \d+\.\d+\.\d+/);
  assert.deepEqual(file.entries.map((e) => `${e.package}@${e.version} ${e.signal}`), [
    'ua-parser-js@0.7.23 install-script-added',
    'ua-parser-js@0.7.23 recent-release',
    'ua-parser-js@0.7.23 release-line-burst',
  ]);

  const known = await runCli(['check', '.', '--baseline', 'vigil-baseline.json', ...common()], { cwd: dir });
  assert.equal(known.code, 0, known.stdout);
  assert.match(known.stdout, /^vigil: no new findings — .*; 3 already in vigil-baseline\.json \(not shown\)\.$/m);

  const json = JSON.parse((await runCli(['check', '.', '--baseline', 'vigil-baseline.json', '--format', 'json', ...common()], { cwd: dir })).stdout) as {
    findings: Array<{ baselineState: string }>;
    baseline: unknown;
  };
  assert.deepEqual(json.findings.map((f) => f.baselineState), ['unchanged', 'unchanged', 'unchanged']);
  assert.deepEqual(json.baseline, { file: 'vigil-baseline.json', new: 0, unchanged: 3 });

  // A new dependency from GitHub: a new warning; the baselined error still does not count.
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  manifest.dependencies['from-git'] = 'github:someone/thing';
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  const fresh = await runCli(['check', '.', '--baseline', 'vigil-baseline.json', '--fail-on', 'warning', ...common()], { cwd: dir });
  assert.equal(fresh.code, 1);
  assert.match(fresh.stdout, /non-registry-source from-git/);
  assert.doesNotMatch(fresh.stdout, /install-script-added/);
  assert.match(fresh.stdout, /^vigil: 1 warning \(new\) — /m);
  assert.equal((await runCli(['check', '.', '--baseline', 'vigil-baseline.json', ...common()], { cwd: dir })).code, 0, 'a new warning does not fail --fail-on error');

  const sarif = JSON.parse((await runCli(['check', '.', '--baseline', 'vigil-baseline.json', '--format', 'sarif', ...common()], { cwd: dir })).stdout) as {
    runs: Array<{ results: Array<{ ruleId: string; baselineState: string }> }>;
  };
  assert.deepEqual(sarifProblems(sarif), []);
  const states = Object.fromEntries(sarif.runs[0]?.results.map((r) => [r.ruleId, r.baselineState]) ?? []);
  assert.deepEqual(states, { 'install-script-added': 'unchanged', 'release-line-burst': 'unchanged', 'recent-release': 'unchanged', 'non-registry-source': 'new' });
});

test('a missing or corrupt baseline is an operational failure (exit 2), before the registry is asked', async () => {
  const dir = project('broken');
  const before = registry.requests.length;
  const missing = await runCli(['check', '.', '--baseline', 'nope.json', ...common()], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /the baseline file nope\.json does not exist; write one with: vigil baseline/);
  writeFileSync(join(dir, 'corrupt.json'), '{"version": 1, "entries": [tok');
  const corrupt = await runCli(['check', '.', '--baseline', 'corrupt.json', ...common()], { cwd: dir });
  assert.equal(corrupt.code, 2);
  assert.match(corrupt.stderr, /the baseline file corrupt\.json is not valid JSON/);
  assert.equal(registry.requests.length, before);
  assert.equal(missing.stdout + corrupt.stdout, '');
});

test('vigil baseline refuses to write when packages could not be checked, and rejects check-only flags', async () => {
  const dir = project('unreachable');
  const run = await runCli(['baseline', '.', '--registry', 'http://127.0.0.1:9/', '--no-cache', '--no-advisories'], { cwd: dir });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /1 package could not be checked .*vigil-baseline\.json was not written/);
  assert.ok(!existsSync(join(dir, 'vigil-baseline.json')));
  const flags = await runCli(['baseline', '.', '--format', 'json'], { cwd: dir });
  assert.equal(flags.code, 2);
  assert.match(flags.stderr, /--format and --fail-on are for vigil check/);
});
