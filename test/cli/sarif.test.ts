/**
 * The SARIF writer on synthetic reports: one rule per signal with help, levels, UTF-16 columns, stable
 * fingerprints, suppressions, baseline states, base-relative URIs and notifications; every document is
 * validated against the SARIF 2.1.0 schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisResult } from '../../server/src/core/analyze';
import { SIGNAL_IDS, type Finding } from '../../server/src/core/finding';
import type { SuppressedFinding } from '../../server/src/core/policy';
import { applyBaseline, fingerprint } from '../../server/src/cli/baseline';
import { buildReport, type Report } from '../../server/src/cli/output';
import { buildSarif, toUri } from '../../server/src/cli/sarif';
import { SIGNAL_HELP } from '../../server/src/cli/signalHelp';
import { ROOT } from '../helpers/cli';
import { sarifProblems } from './sarifSchema';

// "😀" is two UTF-16 code units: the column after it counts both, as JavaScript strings and LSP do.
const MANIFEST = '{\n  "dependencies": {\n    "😀x": "1.0.0",\n    "ua-parser-js": "^0.7.22"\n  }\n}\n';
const LOCK = '{\n  "packages": {\n    "node_modules/ua-parser-js": { "version": "0.7.23" }\n  }\n}\n';

function finding(overrides: Partial<Finding> = {}): Finding {
  const start = MANIFEST.indexOf('"ua-parser-js"');
  return {
    file: 'package.json',
    range: { start, end: start + '"ua-parser-js"'.length },
    package: 'ua-parser-js',
    spec: '^0.7.22',
    version: '0.7.23',
    signal: 'install-script-added',
    severity: 'error',
    message: 'ua-parser-js@0.7.23 runs a preinstall script.',
    evidence: { version: '0.7.23' },
    fix: { pin: '0.7.22', reason: 'the newest vetted release' },
    ...overrides,
  };
}

function report(findings: Finding[], extra: Partial<AnalysisResult> = {}, texts: Record<string, string> = {}): Report {
  const result: AnalysisResult = { asOf: '2020-09-30T13:15:21.378Z', findings, errors: [], dependencies: [], notes: [], suppressed: [], ...extra };
  return buildReport(result, new Map(Object.entries({ 'package.json': MANIFEST, 'package-lock.json': LOCK, ...texts })), 'https://registry.example/');
}

type Sarif = { runs: Array<{ tool: { driver: { rules: Array<Record<string, any>> } }; results: Array<Record<string, any>>; invocations: Array<Record<string, any>>; columnKind: string }> };

function sarif(r: Report, options: { pathPrefix?: string; exitCode?: number; executionSuccessful?: boolean } = {}): Sarif['runs'][0] {
  const doc = buildSarif(r, { toolVersion: '1.2.3', exitCode: 1, executionSuccessful: true, ...options });
  assert.deepEqual(sarifProblems(doc), []);
  return (doc as unknown as Sarif).runs[0] as Sarif['runs'][0];
}

test('one rule per signal, in SIGNAL_IDS order, with descriptions, help, a default level and tags', () => {
  const run = sarif(report([]));
  const rules = run.tool.driver.rules;
  assert.deepEqual(rules.map((r) => r.id), [...SIGNAL_IDS]);
  for (const rule of rules) {
    assert.ok(rule.shortDescription.text.length > 5 && !rule.shortDescription.text.includes('\n'), rule.id);
    assert.ok(rule.fullDescription.text.length > rule.shortDescription.text.length, rule.id);
    assert.match(rule.help.text, /What to do: /);
    assert.match(rule.help.markdown, new RegExp(`^\\*\\*${rule.id}\\*\\*`));
    assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level), rule.id);
    assert.ok(rule.properties.tags.includes('security'), 'GitHub reads security-severity only on security rules');
    assert.match(rule.properties['security-severity'], /^\d+\.\d$/);
    assert.equal(rule.helpUri, undefined, 'no repository URL is known: no made-up link');
  }
  assert.equal(rules.find((r) => r.id === 'new-bin')?.defaultConfiguration.level, 'note');
  assert.equal(rules.find((r) => r.id === 'known-malware')?.properties['security-severity'], '9.8');
});

test('every rule that names a docs/signals.md section names an existing heading', () => {
  const docs = readFileSync(join(ROOT, 'docs', 'signals.md'), 'utf8');
  // GitHub's heading anchors: lower case, punctuation other than '-' and spaces dropped, spaces to '-'.
  const anchors = new Set([...docs.matchAll(/^## (.+)$/gm)].map((m) => (m[1] as string).toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
  for (const [id, help] of Object.entries(SIGNAL_HELP)) {
    if (help.anchor) assert.ok(anchors.has(help.anchor), `${id} → #${help.anchor}`);
    if (anchors.has(id)) assert.equal(help.anchor, id, `${id} has a section of its own: point at it`);
  }
});

test('results: rule, level, message, 1-based location in UTF-16 columns, fingerprint and properties', () => {
  const run = sarif(report([finding(), finding({ signal: 'new-bin', severity: 'information' }), finding({ signal: 'recent-release', severity: 'hint' })]));
  assert.equal(run.columnKind, 'utf16CodeUnits');
  const [first, info, hint] = run.results;
  assert.equal(first?.ruleId, 'install-script-added');
  assert.equal(first?.ruleIndex, SIGNAL_IDS.indexOf('install-script-added'));
  assert.equal(first?.level, 'error');
  assert.equal(first?.message.text, 'ua-parser-js@0.7.23 runs a preinstall script.');
  assert.deepEqual(first?.locations[0].physicalLocation, {
    artifactLocation: { uri: 'package.json', uriBaseId: '%SRCROOT%' },
    region: { startLine: 4, startColumn: 5, endLine: 4, endColumn: 19 },
  });
  assert.deepEqual(first?.partialFingerprints, { 'vigilFindingHash/v1': fingerprint(finding()) });
  assert.deepEqual([first?.properties.package, first?.properties.version, first?.properties.fix.pin], ['ua-parser-js', '0.7.23', '0.7.22']);
  assert.equal(first?.baselineState, undefined, 'no baseline, no baseline state');
  assert.deepEqual([info?.level, hint?.level], ['note', 'note']);

  const emoji = MANIFEST.indexOf('"😀x"');
  const [wide] = sarif(report([finding({ package: '😀x', range: { start: emoji + 4, end: emoji + 5 } })])).results;
  assert.deepEqual(wide?.locations[0].physicalLocation.region, { startLine: 3, startColumn: 9, endLine: 3, endColumn: 10 }, 'x after 😀: 5 + 2 code units + 1');
});

test('fingerprints do not move with lines; a lockfile finding is located in the lockfile', () => {
  const moved = '\n\n\n' + MANIFEST;
  const start = moved.indexOf('"ua-parser-js"');
  const a = sarif(report([finding()])).results[0];
  const b = sarif(report([finding({ range: { start, end: start + 3 } })], {}, { 'package.json': moved })).results[0];
  assert.notDeepEqual(a?.locations[0].physicalLocation.region, b?.locations[0].physicalLocation.region);
  assert.deepEqual(a?.partialFingerprints, b?.partialFingerprints);
  const offset = LOCK.indexOf('"node_modules/ua-parser-js"');
  const locked = sarif(report([finding({ file: 'package-lock.json', range: { start: offset, end: offset + 27 }, signal: 'lockfile-missing-integrity', severity: 'information' })])).results[0];
  assert.deepEqual(locked?.locations[0].physicalLocation.artifactLocation, { uri: 'package-lock.json', uriBaseId: '%SRCROOT%' });
  assert.equal(locked?.locations[0].physicalLocation.region.startLine, 3);
});

test('suppressed findings are results with an external suppression carrying the reason', () => {
  const hidden: SuppressedFinding = { ...finding(), suppression: { entry: 'ua-parser-js@0.7.23', signal: 'install-script-added', reason: 'reviewed in SEC-12', expires: '2099-01-01', file: '.vigilrc.json' } };
  const run = sarif(report([finding({ signal: 'recent-release', severity: 'warning' })], { suppressed: [hidden] }));
  assert.equal(run.results.length, 2);
  assert.equal(run.results[0]?.suppressions, undefined);
  assert.deepEqual(run.results[1]?.suppressions, [
    {
      kind: 'external',
      status: 'accepted',
      justification: 'reviewed in SEC-12',
      location: { physicalLocation: { artifactLocation: { uri: '.vigilrc.json', uriBaseId: '%SRCROOT%' } } },
      properties: { entry: 'ua-parser-js@0.7.23', expires: '2099-01-01' },
    },
  ]);
});

test('with a baseline, every result says whether it is new or unchanged', () => {
  const r = applyBaseline(report([finding(), finding({ version: '0.7.24' })]), new Set([fingerprint(finding())]), 'b.json');
  assert.deepEqual(sarif(r).results.map((x) => x.baselineState), ['unchanged', 'new']);
});

test('--sarif-base: URIs relative to the base, normalised and percent-encoded', () => {
  const r = report([finding(), finding({ file: '../../package-lock.json' })]);
  const run = sarif(r, { pathPrefix: 'packages/my app' });
  assert.deepEqual(run.results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri), ['packages/my%20app/package.json', 'package-lock.json']);
  assert.equal(toUri('@scope/a#b/c?d.json'), '@scope/a%23b/c%3Fd.json');
});

test('unchecked packages and notes become notifications; executionSuccessful and exitCode as given', () => {
  const error = { file: 'package.json', range: { start: 0, end: 1 }, package: 'ms', kind: 'network', message: 'the registry did not answer' };
  const run = sarif(report([], { errors: [error], notes: [{ code: 'advisories-skipped', message: 'advisories were not asked for' }] }), { exitCode: 2, executionSuccessful: false });
  const [invocation] = run.invocations;
  assert.equal(invocation?.executionSuccessful, false);
  assert.equal(invocation?.exitCode, 2);
  assert.deepEqual(invocation?.toolExecutionNotifications.map((n: { level: string; descriptor: { id: string } }) => `${n.level} ${n.descriptor.id}`), ['error not-checked/network', 'note advisories-skipped']);
  assert.match(invocation?.toolExecutionNotifications[0].message.text, /^ms was not checked: /);
  assert.deepEqual(run.results, []);
});

test('the schema validator rejects what is not SARIF', () => {
  const doc = buildSarif(report([finding()]), { toolVersion: '1.2.3', exitCode: 1, executionSuccessful: true }) as unknown as Sarif;
  const broken = structuredClone(doc);
  (broken.runs[0]?.results[0] as Record<string, unknown>).level = 'fatal';
  assert.ok(sarifProblems(broken).some((p) => p.startsWith('/runs/0/results/0/level')));
  assert.ok(sarifProblems({ version: '2.0.0', runs: [] }).length > 0);
});
