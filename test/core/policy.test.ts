/**
 * .vigilrc.json: every entry that cannot apply is a problem at its own offset and the rest still applies;
 * suppressions match by name, name@range and signal, and stop at their expiry; severity overrides and
 * `off`; the user's settings under the project's file; the whole of it through analyze().
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/analyze';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import type { Finding } from '../../server/src/core/finding';
import { parsePolicyFile } from '../../server/src/core/parse/policyFile';
import { applyPolicy, EMPTY_POLICY, isActive, mergePolicy, suppresses, type Policy, type Suppression } from '../../server/src/core/policy';
import { policyFileFindings } from '../../server/src/core/project';
import { at, memoryRegistry, packument } from '../helpers/coreBuilders';

function rangeOf(text: string, needle: string, from = 0): { start: number; end: number } {
  const start = text.indexOf(needle, from);
  assert.ok(start >= 0, `${needle} in the text`);
  return { start, end: start + needle.length };
}

interface ParseCase {
  name: string;
  text: string;
  /** [the text the problem is on, severity, message] */
  problems: Array<[string, 'error' | 'warning', RegExp]>;
  /** What still applies. */
  check?: (policy: Policy) => void;
}

const PARSE: ParseCase[] = [
  {
    name: 'a full, valid file with comments and a trailing comma',
    text: `{
  // the project's policy
  "$schema": "./node_modules/vigil/media/vigilrc.schema.json",
  "severity": { "new-bin": "off", "recent-release": "information" },
  "thresholds": { "cooldownDays": 7 },
  "allowedRegistries": ["https://registry.npmjs.org/", "https://npm.corp.example/repo/"],
  "suppressions": [
    { "package": "left-pad@^1.3.0", "signal": "deprecated", "reason": "replaced next sprint", "expires": "2024-02-01" },
    { "package": "@corp/ui", "signal": "new-publisher", "reason": "our own release bot" },
  ],
}`,
    problems: [],
    check: (policy) => {
      assert.deepEqual(policy.severity, { 'new-bin': 'off', 'recent-release': 'information' });
      assert.deepEqual(policy.thresholds, { cooldownDays: 7 });
      assert.deepEqual(policy.allowedRegistries, ['https://registry.npmjs.org/', 'https://npm.corp.example/repo/']);
      assert.deepEqual(policy.suppressions.map((s) => [s.name, s.versions, s.signal, s.reason, s.expires]), [
        ['left-pad', '^1.3.0', 'deprecated', 'replaced next sprint', '2024-02-01'],
        ['@corp/ui', undefined, 'new-publisher', 'our own release bot', undefined],
      ]);
    },
  },
  { name: 'empty file: no policy, no problem', text: '', problems: [], check: (policy) => assert.deepEqual(policy, EMPTY_POLICY) },
  { name: 'not an object', text: '[1, 2]', problems: [['[1, 2]', 'error', /must contain an object/]] },
  { name: 'broken JSON: the readable part still applies', text: '{ "severity": { "new-bin": "off" } "thresholds": {} }', problems: [['"thresholds"', 'error', /not valid JSON/]], check: (policy) => assert.deepEqual(policy.severity, { 'new-bin': 'off' }) },
  { name: 'unknown top-level key', text: '{ "severty": {} }', problems: [['"severty"', 'warning', /Unknown setting/]] },
  {
    name: 'severity: unknown signal and bad level are skipped, the rest applies',
    text: '{ "severity": { "nope": "off", "deprecated": "loud", "new-bin": "hint" } }',
    problems: [['"nope"', 'warning', /Not a signal/], ['"loud"', 'error', /one of error, warning/]],
    check: (policy) => assert.deepEqual(policy.severity, { 'new-bin': 'hint' }),
  },
  { name: 'severity: a file problem id is not a signal a policy can change', text: '{ "severity": { "invalid-json": "off" } }', problems: [['"invalid-json"', 'warning', /Not a signal/]] },
  { name: 'severity: not an object', text: '{ "severity": "off" }', problems: [['"off"', 'error', /must be an object/]] },
  {
    name: 'thresholds: negative, a string, unknown',
    text: '{ "thresholds": { "cooldownDays": -1, "publishBurstHours": "2", "maxAge": 3, "youngDependencyDays": 14 } }',
    problems: [['-1', 'error', /0 or more/], ['"2"', 'error', /must be a number/], ['"maxAge"', 'warning', /Unknown threshold/]],
    check: (policy) => assert.deepEqual(policy.thresholds, { youngDependencyDays: 14 }),
  },
  {
    name: 'allowedRegistries: not a URL, credentials, not a string',
    text: '{ "allowedRegistries": ["registry.npmjs.org", "https://me:pw@npm.corp/", 3, "http://localhost:4873/"] }',
    problems: [['"registry.npmjs.org"', 'error', /http:\/\/ or https:\/\//], ['"https://me:pw@npm.corp/"', 'error', /credentials/], ['3', 'error', /http:\/\/ or https:\/\//]],
    check: (policy) => assert.deepEqual(policy.allowedRegistries, ['http://localhost:4873/']),
  },
  { name: 'suppressions: not a list', text: '{ "suppressions": {} }', problems: [['{}', 'error', /must be a list/]] },
  {
    name: 'suppressions: each bad entry is reported where it is wrong and skipped; good ones apply',
    text: `{ "suppressions": [
  { "package": "ok-pkg", "signal": "deprecated", "reason": "fine" },
  { "package": "no reason", "signal": "deprecated" },
  { "package": "left-pad@not-a-range", "signal": "deprecated", "reason": "r" },
  { "package": "ms", "signal": "made-up", "reason": "r" },
  { "package": "ms", "signal": "deprecated", "reason": "  " },
  { "package": "ms", "signal": "deprecated", "reason": "r", "expires": "2024-02-30" },
  { "package": "ms", "signal": "deprecated", "reason": "r", "expires": "2024-02-01T10:00" },
  { "package": "ms", "signal": "deprecated", "reason": "r", "why": "x" },
  "ms"
] }`,
    problems: [
      ['"no reason"', 'error', /"package" must be a package name/],
      ['{ "package": "no reason", "signal": "deprecated" }', 'error', /needs a "reason"/],
      ['"left-pad@not-a-range"', 'error', /semver range/],
      ['"made-up"', 'error', /Not a signal/],
      ['"  "', 'error', /needs a "reason"/],
      ['"2024-02-30"', 'error', /"expires" must be a date/],
      ['"2024-02-01T10:00"', 'error', /with a zone/],
      ['"why"', 'warning', /Unknown field/],
      ['"ms"\n]', 'error', /must be an object/],
    ],
    check: (policy) => assert.deepEqual(policy.suppressions.map((s) => s.name), ['ok-pkg', 'ms']),
  },
];

describe('.vigilrc.json problems, each at its offset', () => {
  for (const c of PARSE) {
    it(c.name, () => {
      const parsed = parsePolicyFile(c.text);
      const expected = c.problems.map(([needle, severity]) => ({ range: rangeOf(c.text, needle), severity }));
      // A needle that spans a line break is matched by its first line only.
      const actual = parsed.problems.map((p) => ({ range: p.range, severity: p.severity }));
      assert.deepEqual(actual.map((p) => p.range.start), expected.map((p) => p.range.start), JSON.stringify(parsed.problems));
      assert.deepEqual(actual.map((p) => p.severity), expected.map((p) => p.severity));
      parsed.problems.forEach((problem, i) => assert.match(problem.message, c.problems[i]?.[2] as RegExp));
      c.check?.(parsed.policy);
    });
  }

  it('messages never quote what was written', () => {
    const secret = 'npm_S3CR3T';
    const text = `{ "${secret}": 1, "severity": { "${secret}": "${secret}" }, "allowedRegistries": ["${secret}"], "suppressions": [{ "package": "${secret}@${secret}", "signal": "${secret}", "reason": "r", "expires": "${secret}" }] }`;
    const parsed = parsePolicyFile(text);
    assert.ok(parsed.problems.length >= 6);
    for (const problem of parsed.problems) assert.ok(!problem.message.includes(secret), problem.message);
  });

  it('never throws on arbitrary text', () => {
    for (const text of ['{', '}', '{"suppressions":[{', '{"severity":{"new-bin":', '\u0000', '{"thresholds":{"cooldownDays":1e999}}', '{"suppressions":[{"package":"a","signal":"deprecated","reason":"r","expires":"9999-99-99"}]}']) {
      assert.doesNotThrow(() => parsePolicyFile(text), JSON.stringify(text));
    }
  });
});

const finding = (over: Partial<Finding> = {}): Finding => ({
  file: 'package.json',
  range: { start: 10, end: 20 },
  package: 'left-pad',
  spec: '^1.3.0',
  version: '1.3.0',
  signal: 'deprecated',
  severity: 'warning',
  message: 'm',
  evidence: {},
  ...over,
});

function suppression(entry: string, signal = 'deprecated', expires?: string): Suppression {
  const text = JSON.stringify({ suppressions: [{ package: entry, signal, reason: 'because', ...(expires && { expires }) }] });
  const parsed = parsePolicyFile(text);
  assert.deepEqual(parsed.problems, []);
  return parsed.policy.suppressions[0] as Suppression;
}

describe('suppression matching', () => {
  const table: Array<[string, string, Partial<Finding>, boolean]> = [
    ['name: any version', 'left-pad', {}, true],
    ['name: another package', 'left-pad', { package: 'right-pad' }, false],
    ['name: another signal', 'left-pad', { signal: 'recent-release' }, false],
    ['name@range: inside', 'left-pad@^1.3.0', { version: '1.3.9' }, true],
    ['name@range: outside', 'left-pad@^1.3.0', { version: '2.0.0' }, false],
    ['name@exact', 'left-pad@1.3.0', {}, true],
    ['name@exact: a prerelease is not in a plain range', 'left-pad@^1.3.0', { version: '1.4.0-beta.1' }, false],
    ['name@range: no resolved version', 'left-pad@^1.3.0', { version: undefined }, false],
    ['name: no resolved version', 'left-pad', { version: undefined }, true],
    ['scoped name@range', '@corp/ui@~2.1.0', { package: '@corp/ui', version: '2.1.4' }, true],
    ['scoped name does not match the bare name', '@corp/left-pad', {}, false],
    ['file-level findings are never matched', 'left-pad', { package: '' }, false],
  ];
  for (const [name, entry, over, expected] of table) {
    it(name, () => assert.equal(suppresses(suppression(entry), finding(over)), expected));
  }
});

describe('suppression expiry, at the boundary', () => {
  const table: Array<[string, string, string, boolean]> = [
    ['a date holds through its last millisecond (UTC)', '2024-01-10', '2024-01-10T23:59:59.999Z', true],
    ['a date ends when the next day begins', '2024-01-10', '2024-01-11T00:00:00.000Z', false],
    ['a date-time holds until its instant', '2024-01-10T12:00:00+02:00', '2024-01-10T09:59:59.999Z', true],
    ['a date-time ends at its instant, in its zone', '2024-01-10T12:00:00+02:00', '2024-01-10T10:00:00.000Z', false],
  ];
  for (const [name, expires, now, active] of table) {
    it(name, () => {
      const s = suppression('left-pad', 'deprecated', expires);
      assert.equal(isActive(s, new Date(now)), active);
      const policy: Policy = { ...EMPTY_POLICY, suppressions: [s] };
      const applied = applyPolicy([finding()], policy, new Date(now));
      assert.equal(applied.suppressed.length, active ? 1 : 0);
      assert.equal(applied.findings.length, active ? 0 : 1);
    });
  }

  it('an expired suppression is one information finding on its "expires"', () => {
    const text = '{\n  "suppressions": [\n    { "package": "left-pad", "signal": "deprecated", "reason": "r", "expires": "2024-01-10" },\n    { "package": "ms", "signal": "deprecated", "reason": "r", "expires": "2030-01-01" }\n  ]\n}\n';
    const { findings } = policyFileFindings('.vigilrc.json', text, new Date('2024-01-11T00:00:00Z'));
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0]?.range, rangeOf(text, '"2024-01-10"'));
    assert.equal(findings[0]?.severity, 'information');
    assert.equal(findings[0]?.signal, 'suppression-expired');
    assert.match(findings[0]?.message ?? '', /suppression of deprecated for left-pad expired on 2024-01-10/);
  });
});

describe('applyPolicy', () => {
  const problem = finding({ package: '', signal: 'invalid-json', severity: 'error' });

  it('severity overrides and off; file problems are never touched', () => {
    const policy: Policy = { ...EMPTY_POLICY, severity: { deprecated: 'error', 'new-bin': 'off', 'invalid-json': 'off' } };
    const applied = applyPolicy([finding(), finding({ signal: 'new-bin', severity: 'information' }), problem], policy, new Date(at(0)));
    assert.deepEqual(applied.findings.map((f) => [f.signal, f.severity]), [['deprecated', 'error'], ['invalid-json', 'error']]);
    assert.deepEqual(applied.findings[0]?.evidence, { policySeverity: 'error', signalSeverity: 'warning' });
    assert.deepEqual(applied.suppressed, []);
  });

  it('a suppressed finding moves to suppressed with the reason, after its severity override', () => {
    const policy: Policy = { ...EMPTY_POLICY, severity: { deprecated: 'error' }, suppressions: [suppression('left-pad@1')] };
    const applied = applyPolicy([finding(), finding({ package: 'other' })], policy, new Date(at(0)));
    assert.deepEqual(applied.findings.map((f) => f.package), ['other']);
    assert.equal(applied.suppressed.length, 1);
    assert.equal(applied.suppressed[0]?.severity, 'error');
    assert.deepEqual(applied.suppressed[0]?.suppression, { entry: 'left-pad@1', signal: 'deprecated', reason: 'because', file: '.vigilrc.json' });
  });

  it('the user\'s settings are defaults; the project file wins per signal', () => {
    const project = parsePolicyFile('{ "severity": { "deprecated": "hint" } }').policy;
    const merged = mergePolicy({ deprecated: 'off', 'new-bin': 'off' }, project);
    assert.deepEqual(merged.severity, { deprecated: 'hint', 'new-bin': 'off' });
  });
});

describe('policy through analyze()', () => {
  const NOW = new Date(at(10));
  const registry = () =>
    memoryRegistry(
      packument('old-dep', [{ version: '1.0.0', at: at(0), by: 'alice', deprecated: 'use new-dep' }]),
      packument('fresh', [{ version: '0.9.0', at: at(0), by: 'bob' }, { version: '1.0.0', at: at(9), by: 'bob' }]),
    );
  const manifest = JSON.stringify({ dependencies: { 'old-dep': '^1.0.0', fresh: '^1.0.0' } }, null, 2);

  it('suppressed findings leave findings and are listed with their reason; other policy applies; file problems are reported', async () => {
    const policy = '{\n  "severity": { "recent-release": "information" },\n  "suppressions": [\n    { "package": "old-dep@1", "signal": "deprecated", "reason": "migrating in #42" },\n    { "package": "x", "signal": "nope", "reason": "r" }\n  ]\n}\n';
    const result = await analyze(
      { files: [{ path: 'package.json', text: manifest }, { path: '.vigilrc.json', text: policy }] },
      { registry: registry(), now: NOW, config: { ...DEFAULT_CONFIG, severity: { 'recent-release': 'off' } } },
    );
    assert.deepEqual(result.findings.map((f) => [f.file, f.package, f.signal, f.severity]), [
      ['.vigilrc.json', '', 'invalid-policy', 'error'],
      ['package.json', 'fresh', 'recent-release', 'information'],
    ]);
    assert.deepEqual(result.suppressed.map((f) => [f.package, f.signal, f.suppression.reason]), [['old-dep', 'deprecated', 'migrating in #42']]);
    assert.deepEqual(result.findings[0]?.range, rangeOf(policy, '"nope"'));
  });

  it('the nearest .vigilrc.json applies (the package folder\'s over the workspace root\'s)', async () => {
    const result = await analyze(
      {
        files: [
          { path: 'package.json', text: manifest },
          { path: '../../.vigilrc.json', text: '{ "severity": { "deprecated": "off" } }' },
          { path: '.vigilrc.json', text: '{ "severity": { "deprecated": "hint" } }' },
        ],
      },
      { registry: registry(), now: NOW, config: DEFAULT_CONFIG },
    );
    assert.equal(result.findings.find((f) => f.signal === 'deprecated')?.severity, 'hint');
  });

  it('an expired suppression applies no more and says so once', async () => {
    const policy = '{ "suppressions": [{ "package": "old-dep", "signal": "deprecated", "reason": "r", "expires": "2024-01-05" }] }';
    const result = await analyze({ files: [{ path: 'package.json', text: manifest }, { path: '.vigilrc.json', text: policy }] }, { registry: registry(), now: NOW, config: DEFAULT_CONFIG });
    assert.deepEqual(result.suppressed, []);
    assert.equal(result.findings.filter((f) => f.signal === 'deprecated').length, 1);
    assert.equal(result.findings.filter((f) => f.signal === 'suppression-expired').length, 1);
  });
});
