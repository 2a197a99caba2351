/**
 * The project's own files through dist/cli.js: .vigilrc.json suppressions (gone from findings and the
 * exit code, listed under `suppressed` with the reason), its problems with positions, and the package
 * manager's cooldown named in recent-release — unless --cooldown-days says otherwise.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenarioDir } from '../helpers/fileRegistry';
import { runCli, startFixtureRegistry, type FixtureRegistry } from '../helpers/cli';

/** One hour after ua-parser-js 0.7.23 (an install script added) was published. */
const AS_OF = '2020-09-30T13:15:21.378Z';

let registry: FixtureRegistry;
let work: string;

before(async () => {
  registry = await startFixtureRegistry([join(scenarioDir('ua-parser-js-2021'), 'registry')]);
  work = mkdtempSync(join(tmpdir(), 'vigil-cli-policy-'));
});
after(async () => {
  await registry.close();
  rmSync(work, { recursive: true, force: true });
});

/** A copy of the scenario's project with these extra files. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  cpSync(join(scenarioDir('ua-parser-js-2021'), 'project'), dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const check = (dir: string, ...extra: string[]) => runCli(['check', dir, '--registry', registry.url, '--as-of', AS_OF, '--no-cache', ...extra]);

interface JsonFinding {
  file: string;
  package: string;
  signal: string;
  severity: string;
  message: string;
  range: { start: { line: number; character: number } };
  evidence: Record<string, unknown>;
  suppression?: { entry: string; signal: string; reason: string; expires?: string; file: string };
}

test('a suppressed error no longer fails the run; --format json lists it with the reason', async () => {
  const before = await check(project('unsuppressed', {}), '--format', 'json');
  assert.equal(before.code, 1, before.stderr);

  const policy = `{
  // reviewed: the preinstall only builds a native helper
  "suppressions": [
    { "package": "ua-parser-js@0.7.23", "signal": "install-script-added", "reason": "reviewed in SEC-12", "expires": "2099-01-01" }
  ]
}
`;
  const run = await check(project('suppressed', { '.vigilrc.json': policy }), '--format', 'json');
  assert.equal(run.code, 0, run.stdout);
  const report = JSON.parse(run.stdout) as { findings: JsonFinding[]; suppressed: JsonFinding[]; summary: { suppressed: number; bySeverity: Record<string, number> } };
  assert.ok(!report.findings.some((f) => f.signal === 'install-script-added'));
  assert.ok(report.findings.some((f) => f.signal === 'recent-release'), 'other findings stay');
  assert.equal(report.summary.suppressed, 1);
  assert.equal(report.summary.bySeverity.error, 0);
  const [hidden] = report.suppressed;
  assert.equal(report.suppressed.length, 1);
  assert.equal(hidden?.signal, 'install-script-added');
  assert.equal(hidden?.file, 'package.json');
  assert.equal(hidden?.range.start.line, 6);
  assert.deepEqual(hidden?.suppression, { entry: 'ua-parser-js@0.7.23', signal: 'install-script-added', reason: 'reviewed in SEC-12', expires: '2099-01-01', file: '.vigilrc.json' });
});

test('a suppression of another version range does not apply; policy problems are findings on .vigilrc.json with positions', async () => {
  const policy = '{\n  "severity": { "release-line-burst": "loud" },\n  "suppressions": [\n    { "package": "ua-parser-js@^1.0.0", "signal": "install-script-added", "reason": "only 1.x was reviewed" }\n  ]\n}\n';
  const run = await check(project('other-range', { '.vigilrc.json': policy }), '--format', 'json');
  assert.equal(run.code, 1);
  const report = JSON.parse(run.stdout) as { findings: JsonFinding[]; suppressed: JsonFinding[] };
  assert.deepEqual(report.suppressed, []);
  const problem = report.findings.find((f) => f.file === '.vigilrc.json');
  assert.equal(problem?.signal, 'invalid-policy');
  assert.deepEqual(problem?.range.start, { line: 1, character: 38 });
});

test('severity off and the text summary', async () => {
  const policy = '{ "severity": { "install-script-added": "off" }, "suppressions": [{ "package": "ua-parser-js", "signal": "recent-release", "reason": "r" }] }';
  const run = await check(project('text', { '.vigilrc.json': policy }));
  assert.equal(run.code, 0, run.stdout);
  assert.ok(!run.stdout.includes('install-script-added'));
  assert.match(run.stdout, /; 1 suppressed by \.vigilrc\.json \(see --format json\)\.$/m);
});

test('the package manager\'s cooldown is read from DIR and named; --cooldown-days wins over it', async () => {
  const dir = project('cooldown', { 'pnpm-workspace.yaml': 'packages: []\nminimumReleaseAge: 30 # minutes\n', '.npmrc': 'min-release-age=abc\n' });
  const run = await check(dir, '--format', 'json');
  const report = JSON.parse(run.stdout) as { findings: JsonFinding[] };
  // 0.7.23 is an hour old: past pnpm's 30 minutes, so no recent-release.
  assert.ok(!report.findings.some((f) => f.signal === 'recent-release'), JSON.stringify(report.findings.map((f) => f.signal)));
  const bad = report.findings.find((f) => f.file === '.npmrc');
  assert.equal(bad?.signal, 'invalid-cooldown');
  assert.deepEqual(bad?.range.start, { line: 0, character: 16 });

  const longer = project('cooldown-longer', { 'pnpm-workspace.yaml': 'minimumReleaseAge: 2880\n' });
  const named = JSON.parse((await check(longer, '--format', 'json')).stdout) as { findings: JsonFinding[] };
  const recent = named.findings.find((f) => f.signal === 'recent-release');
  assert.match(recent?.message ?? '', /the project's cooldown of 2 days \(pnpm-workspace\.yaml sets minimumReleaseAge 2880 minutes\)/);
  assert.equal(recent?.evidence.cooldownFile, 'pnpm-workspace.yaml');

  const flag = JSON.parse((await check(longer, '--format', 'json', '--cooldown-days', '0.01')).stdout) as { findings: JsonFinding[] };
  assert.ok(!flag.findings.some((f) => f.signal === 'recent-release'));
});
