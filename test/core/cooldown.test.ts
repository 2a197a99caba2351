/**
 * Which cooldown a package gets, end to end through analyze(): the project's own file wins over Vigil's
 * default, setting and .vigilrc.json; the longest of several files wins and the message says so; a
 * package on the tool's exclude list is exempt from that file; only --cooldown-days beats the files.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, type ProjectFile } from '../../server/src/core/analyze';
import { DEFAULT_CONFIG, type AnalysisConfig } from '../../server/src/core/config';
import { readProjectCooldowns } from '../../server/src/core/cooldown';
import { at, memoryRegistry, packument } from '../helpers/coreBuilders';

/** pkg 1.1.0 is two days old at NOW; 1.0.0 is nine days old (the pin: alice had published 0.9.0 before it). */
const NOW = new Date(at(10));
const REGISTRY = () =>
  memoryRegistry(packument('pkg', [{ version: '0.9.0', at: at(0), by: 'alice' }, { version: '1.0.0', at: at(1), by: 'alice' }, { version: '1.1.0', at: at(8), by: 'alice' }]));
const MANIFEST = JSON.stringify({ dependencies: { pkg: '^1.0.0' } }, null, 2);

interface Case {
  name: string;
  files: ProjectFile[];
  config?: Partial<AnalysisConfig>;
  /** undefined: no recent-release; otherwise the words its message must contain. */
  expected: string | undefined;
  source?: string;
}

const pnpm = (minutes: number, extra = ''): ProjectFile => ({ path: 'pnpm-workspace.yaml', text: `minimumReleaseAge: ${minutes}\n${extra}` });

const CASES: Case[] = [
  { name: 'no project file: Vigil\'s default', files: [], expected: 'inside the 3-day cooldown.' },
  { name: 'the setting (config) alone', files: [], config: { cooldownDays: 1 }, expected: undefined },
  { name: 'a shorter project cooldown wins over the default', files: [pnpm(1440)], expected: undefined },
  {
    name: 'a longer project cooldown wins over the default, and says which file set it',
    files: [pnpm(10080)],
    expected: "inside the project's cooldown of 7 days (pnpm-workspace.yaml sets minimumReleaseAge 10080 minutes).",
    source: 'pnpm-workspace.yaml sets minimumReleaseAge 10080 minutes',
  },
  { name: 'the project file wins over the setting', files: [pnpm(10080)], config: { cooldownDays: 1 }, expected: 'cooldown of 7 days' },
  { name: 'the project file wins over .vigilrc.json', files: [pnpm(1440), { path: '.vigilrc.json', text: '{ "thresholds": { "cooldownDays": 9 } }' }], expected: undefined },
  { name: '.vigilrc.json wins over the setting', files: [{ path: '.vigilrc.json', text: '{ "thresholds": { "cooldownDays": 1 } }' }], config: { cooldownDays: 5 }, expected: undefined },
  { name: '--cooldown-days wins over the files', files: [pnpm(10080)], config: { cooldownDays: 1, cooldownExplicit: true }, expected: undefined },
  { name: '--cooldown-days wins over .vigilrc.json', files: [{ path: '.vigilrc.json', text: '{ "thresholds": { "cooldownDays": 1 } }' }], config: { cooldownDays: 5, cooldownExplicit: true }, expected: 'inside the 5-day cooldown.' },
  { name: 'excluded by pnpm: exempt from pnpm\'s cooldown', files: [pnpm(10080, 'minimumReleaseAgeExclude:\n  - pkg\n')], expected: undefined },
  {
    name: 'excluded by pnpm, still under Renovate\'s',
    files: [pnpm(10080, 'minimumReleaseAgeExclude: [pkg]\n'), { path: 'renovate.json', text: '{ "minimumReleaseAge": "3 days" }' }],
    expected: 'cooldown of 3 days (renovate.json sets minimumReleaseAge "3 days"; the longest of 2 project settings, also: pnpm-workspace.yaml exempts it from minimumReleaseAge 10080 minutes (minimumReleaseAgeExclude: pkg))',
  },
  {
    name: 'several files: the longest wins, and the message says so',
    files: [pnpm(1440), { path: '.npmrc', text: 'min-release-age=5\n' }, { path: 'bunfig.toml', text: '[install]\nminimumReleaseAge = 172800\n' }],
    expected: 'cooldown of 5 days (.npmrc sets min-release-age 5 days; the longest of 3 project settings, also: bunfig.toml sets minimumReleaseAge 172800 seconds; pnpm-workspace.yaml sets minimumReleaseAge 1440 minutes)',
    source: '.npmrc sets min-release-age 5 days',
  },
  { name: 'a Yarn gate', files: [{ path: '.yarnrc.yml', text: 'npmMinimalAgeGate: 4d\n' }], expected: 'cooldown of 4 days (.yarnrc.yml sets npmMinimalAgeGate 4d)' },
  { name: 'a Yarn descriptor covers only its range', files: [{ path: '.yarnrc.yml', text: 'npmMinimalAgeGate: 4d\nnpmPreapprovedPackages: ["pkg@^2.0.0"]\n' }], expected: 'cooldown of 4 days' },
  { name: 'a Renovate rule for the package', files: [{ path: '.github/renovate.json', text: '{ "minimumReleaseAge": "1 day", "packageRules": [{ "matchPackageNames": ["pkg"], "minimumReleaseAge": "6 days" }] }' }], expected: '.github/renovate.json sets packageRules[0] minimumReleaseAge "6 days"' },
  { name: 'the workspace root\'s file counts too', files: [{ path: '../../pnpm-workspace.yaml', text: 'minimumReleaseAge: 7200\n' }], expected: 'cooldown of 5 days (../../pnpm-workspace.yaml sets minimumReleaseAge 7200 minutes)' },
  { name: 'a broken value is ignored: the default applies', files: [{ path: '.npmrc', text: 'min-release-age=soon\n' }], config: { cooldownDays: 1 }, expected: undefined },
  { name: 'zero from the project: no cooldown', files: [pnpm(0)], expected: undefined },
];

describe('the effective cooldown of a package', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const config = { ...DEFAULT_CONFIG, ...c.config };
      const result = await analyze({ files: [{ path: 'package.json', text: MANIFEST }, ...c.files] }, { registry: REGISTRY(), now: NOW, config });
      const recent = result.findings.find((f) => f.signal === 'recent-release');
      if (c.expected === undefined) {
        assert.equal(recent, undefined, recent?.message);
        return;
      }
      assert.ok(recent, JSON.stringify(result.findings.map((f) => f.message)));
      assert.ok(recent.message.includes(c.expected), recent.message);
      assert.equal(recent.evidence.cooldownSource, c.source ?? recent.evidence.cooldownSource);
      // The pin is past the same cooldown the finding used.
      assert.equal(recent.fix?.pin, '1.0.0');
    });
  }

  it('evidence names the file and the other settings, for the hover', async () => {
    const files = [pnpm(10080), { path: '.npmrc', text: 'min-release-age=4\n' }];
    const result = await analyze({ files: [{ path: 'package.json', text: MANIFEST }, ...files] }, { registry: REGISTRY(), now: NOW, config: DEFAULT_CONFIG });
    const recent = result.findings.find((f) => f.signal === 'recent-release');
    assert.equal(recent?.evidence.cooldownFile, 'pnpm-workspace.yaml');
    assert.equal(recent?.evidence.cooldownDays, 7);
    assert.deepEqual(recent?.evidence.cooldownOtherSources, ['.npmrc sets min-release-age 4 days']);
  });

  it('a bad cooldown file is a warning on that file, at the value, and the rest is checked', async () => {
    const text = 'packages: []\nminimumReleaseAge: "a week"\n';
    const result = await analyze({ files: [{ path: 'package.json', text: MANIFEST }, { path: 'pnpm-workspace.yaml', text }] }, { registry: REGISTRY(), now: NOW, config: DEFAULT_CONFIG });
    const problem = result.findings.find((f) => f.signal === 'invalid-cooldown');
    assert.equal(problem?.file, 'pnpm-workspace.yaml');
    assert.equal(problem?.severity, 'warning');
    assert.deepEqual(problem?.range, { start: text.indexOf('"a week"'), end: text.indexOf('"a week"') + 8 });
    assert.ok(result.findings.some((f) => f.signal === 'recent-release' && f.message.includes('3-day')));
  });

  it('Renovate reads only its first config file in a folder', () => {
    const read = readProjectCooldowns([
      { path: '.renovaterc.json', text: '{ "minimumReleaseAge": "9 days" }' },
      { path: '.github/renovate.json', text: '{ "minimumReleaseAge": "2 days" }' },
      { path: '../../renovate.json', text: '{ "minimumReleaseAge": "4 days" }' },
    ]);
    assert.deepEqual(read.settings.map((s) => s.file).sort(), ['../../renovate.json', '.github/renovate.json']);
  });
});
