/**
 * Advisories through the bundled CLI against the fixture registry serving the real GHSA records: the
 * replayed ua-parser-js hijack as known malware (with its pin) and js-yaml's code injection as a
 * vulnerability (with its first fixed version); skipped with a note under --as-of; one note, not a
 * failure, when the registry has no advisory endpoint.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, scenarioDir } from '../helpers/fileRegistry';
import { runCli, startFixtureRegistry, type FixtureRegistry } from '../helpers/cli';

const BULK = '/-/npm/v1/security/advisories/bulk';
const DIRS = [join(FIXTURES, 'packuments'), join(scenarioDir('ua-parser-js-2021'), 'registry')];
const ADVISORIES = [join(FIXTURES, 'advisories.json'), join(scenarioDir('ua-parser-js-2021'), 'advisories.json')];
const MANIFEST = { dependencies: { 'ua-parser-js': '^0.7.22', 'js-yaml': '3.13.0', qs: '^6.9.0' } };

interface Finding {
  package: string;
  version: string;
  signal: string;
  severity: string;
  message: string;
  evidence: Record<string, unknown>;
  fix?: { pin: string };
}

let withAdvisories: FixtureRegistry;
let without: FixtureRegistry;
let work: string;
let dir: string;

before(async () => {
  withAdvisories = await startFixtureRegistry(DIRS, ADVISORIES);
  without = await startFixtureRegistry(DIRS);
  work = mkdtempSync(join(tmpdir(), 'vigil-cli-advisories-'));
  dir = join(work, 'project');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify(MANIFEST, null, 2));
});
after(async () => {
  await withAdvisories.close();
  await without.close();
  rmSync(work, { recursive: true, force: true });
});

const bulkRequests = (registry: FixtureRegistry, from: number) => registry.requests.slice(from).filter((r) => r.url === BULK);

test('without --as-of: known malware with its pin, a vulnerability with its first fixed version', async () => {
  const before = withAdvisories.requests.length;
  const run = await runCli(['check', dir, '--registry', withAdvisories.url, '--format', 'json', '--no-cache']);
  const report = JSON.parse(run.stdout) as { findings: Finding[]; notes: unknown[]; errors: unknown[] };
  assert.deepEqual([report.errors, report.notes], [[], []]);
  const requests = bulkRequests(withAdvisories, before);
  assert.equal(requests.length, 1, 'one advisory request for the whole run');
  assert.deepEqual(requests[0]?.body, { 'js-yaml': ['3.13.0'], qs: ['6.9.4'], 'ua-parser-js': ['0.7.23'] });

  const malware = report.findings.find((f) => f.signal === 'known-malware');
  assert.ok(malware, run.stdout);
  assert.deepEqual([malware.package, malware.version, malware.severity, malware.fix?.pin], ['ua-parser-js', '0.7.23', 'error', '0.7.22']);
  assert.match(malware.message, /^ua-parser-js@0\.7\.23 is malware: GHSA-pjwm-rvh2-c87w "Embedded malware in ua-parser-js" \(affects >=0\.7\.23 <0\.7\.24 \|\| >=0\.8\.0 <0\.8\.1 \|\| >=1\.0\.0 <1\.0\.1\)\./);
  assert.match(malware.message, /Pin 0\.7\.22 \(published 2020-09-12\) instead\.$/);
  assert.deepEqual([malware.evidence.cwe, malware.evidence.malware, malware.evidence.firstFixed], [['CWE-506'], true, null]);

  const vulnerability = report.findings.find((f) => f.signal === 'vulnerability');
  assert.ok(vulnerability, run.stdout);
  assert.deepEqual([vulnerability.package, vulnerability.version, vulnerability.severity, vulnerability.fix], ['js-yaml', '3.13.0', 'warning', undefined]);
  assert.equal(
    vulnerability.message,
    'js-yaml@3.13.0 has a known high-severity vulnerability: GHSA-8j8c-7jfh-h6hx "Code Injection in js-yaml" (affects <3.13.1). ' +
      'Fixed in 3.13.1, outside "3.13.0": change the range to reach it.',
  );
  assert.deepEqual(
    [vulnerability.evidence.url, vulnerability.evidence.advisoryId, vulnerability.evidence.firstFixed],
    ['https://github.com/advisories/GHSA-8j8c-7jfh-h6hx', 813, '3.13.1'],
  );
  assert.ok(!report.findings.some((f) => f.package === 'qs' && (f.signal === 'vulnerability' || f.signal === 'known-malware')));
  assert.equal(run.code, 1);
});

test('with --as-of: advisories are not asked for, and the report says so', async () => {
  const before = withAdvisories.requests.length;
  const run = await runCli(['check', dir, '--registry', withAdvisories.url, '--as-of', '2020-09-30T13:15:21.378Z', '--format', 'json', '--no-cache']);
  const report = JSON.parse(run.stdout) as { findings: Finding[]; notes: Array<{ code: string; message: string }> };
  assert.deepEqual(bulkRequests(withAdvisories, before), []);
  assert.ok(!report.findings.some((f) => f.signal === 'known-malware' || f.signal === 'vulnerability'));
  assert.deepEqual(report.notes.map((n) => n.code), ['advisories-skipped']);
  assert.match(report.notes[0]?.message ?? '', /replay as of 2020-09-30T13:15:21\.378Z.*cannot be dated/);
  const text = await runCli(['check', dir, '--registry', withAdvisories.url, '--as-of', '2020-09-30T13:15:21.378Z', '--no-cache']);
  assert.match(text.stdout, /\nnote: Known vulnerabilities and malware were not checked: this is a replay/);
});

test('a registry without the endpoint: one note, the other signals still run, the exit code is not affected', async () => {
  const project = join(work, 'clean');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ dependencies: { qs: '^6.9.0', 'js-yaml': '3.13.0' } }));
  const before = without.requests.length;
  const run = await runCli(['check', project, '--registry', without.url, '--format', 'json', '--no-cache']);
  const report = JSON.parse(run.stdout) as { findings: Finding[]; notes: Array<{ code: string; message: string }>; errors: unknown[] };
  assert.equal(bulkRequests(without, before).length, 1);
  assert.deepEqual(report.notes, [
    {
      code: 'advisories-unsupported',
      message: `Known vulnerabilities and malware were not checked: ${without.url}/ does not offer npm's bulk advisory endpoint (HTTP 404).`,
    },
  ]);
  assert.deepEqual(report.errors, []);
  assert.equal(run.code, 0, run.stderr);
  const text = await runCli(['check', project, '--registry', without.url, '--no-cache']);
  assert.equal(text.stdout.split('\n').filter((line) => line.startsWith('note: ')).length, 1, text.stdout);
});

test('--no-advisories: the endpoint is not asked and nothing is noted', async () => {
  const before = withAdvisories.requests.length;
  const run = await runCli(['check', dir, '--registry', withAdvisories.url, '--no-advisories', '--format', 'json', '--no-cache']);
  const report = JSON.parse(run.stdout) as { findings: Finding[]; notes: unknown[] };
  assert.deepEqual([bulkRequests(withAdvisories, before), report.notes], [[], []]);
  assert.ok(!report.findings.some((f) => f.signal === 'known-malware'));
});
