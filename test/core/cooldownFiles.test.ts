/**
 * The project's own cooldown, read from each tool's file with that tool's key and unit, its exclude list,
 * and a problem at the right offset for every value Vigil cannot read.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readCooldownFile, type CooldownSetting } from '../../server/src/core/parse/cooldownFiles';
import { parseRenovateDuration, parseYarnDuration } from '../../server/src/core/parse/duration';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The range of the first occurrence of `needle` in `text`, found independently of the code under test. */
function rangeOf(text: string, needle: string): { start: number; end: number } {
  const start = text.indexOf(needle);
  assert.ok(start >= 0, `${needle} in the text`);
  return { start, end: start + needle.length };
}

interface SourceCase {
  name: string;
  path: string;
  text: string;
  /** [tool, label, milliseconds] per setting. */
  settings: Array<[string, string, number | undefined]>;
  /** Where the setting's value is: its range. */
  valueAt?: string;
}

const SOURCES: SourceCase[] = [
  { name: 'pnpm-workspace.yaml, minutes', path: 'pnpm-workspace.yaml', text: 'packages:\n  - "packages/*"\nminimumReleaseAge: 1440 # one day\n', settings: [['pnpm', 'minimumReleaseAge 1440 minutes', DAY]], valueAt: '1440' },
  { name: 'pnpm-workspace.yaml, CRLF and a comment first', path: 'pnpm-workspace.yaml', text: '# settings\r\nminimumReleaseAge: 4320\r\n', settings: [['pnpm', 'minimumReleaseAge 4320 minutes', 3 * DAY]], valueAt: '4320' },
  { name: 'pnpm-workspace.yaml, nested key is not the setting', path: 'pnpm-workspace.yaml', text: 'settings:\n  minimumReleaseAge: 10080\n', settings: [] },
  { name: 'pnpm-workspace.yaml, only the first document', path: 'pnpm-workspace.yaml', text: 'packages: []\n---\nminimumReleaseAge: 10\n', settings: [] },
  { name: '.npmrc, npm in days', path: '.npmrc', text: 'registry=https://registry.npmjs.org/\nmin-release-age=7\n', settings: [['npm', 'min-release-age 7 days', 7 * DAY]], valueAt: '7' },
  { name: '.npmrc, spaces and an inline comment', path: '.npmrc', text: 'min-release-age = 2 ; two days\n', settings: [['npm', 'min-release-age 2 days', 2 * DAY]], valueAt: '2' },
  { name: '.npmrc, pnpm in minutes', path: '.npmrc', text: 'minimum-release-age=720\n', settings: [['pnpm', 'minimum-release-age 720 minutes', 12 * HOUR]], valueAt: '720' },
  { name: '.npmrc, both tools', path: '.npmrc', text: 'min-release-age=1\nminimum-release-age=2880\n', settings: [['npm', 'min-release-age 1 days', DAY], ['pnpm', 'minimum-release-age 2880 minutes', 2 * DAY]] },
  { name: '.npmrc, keys in a section are not the setting', path: '.npmrc', text: '[other]\nmin-release-age=7\n', settings: [] },
  { name: '.yarnrc.yml, days suffix', path: '.yarnrc.yml', text: 'nodeLinker: node-modules\nnpmMinimalAgeGate: "3d"\n', settings: [['yarn', 'npmMinimalAgeGate 3d', 3 * DAY]], valueAt: '"3d"' },
  { name: '.yarnrc.yml, hours suffix, plain', path: '.yarnrc.yml', text: 'npmMinimalAgeGate: 12h\n', settings: [['yarn', 'npmMinimalAgeGate 12h', 12 * HOUR]], valueAt: '12h' },
  { name: '.yarnrc.yml, a bare number is minutes', path: '.yarnrc.yml', text: 'npmMinimalAgeGate: 4320 # 3 days (in minutes)\n', settings: [['yarn', 'npmMinimalAgeGate 4320 minutes', 3 * DAY]], valueAt: '4320' },
  { name: '.yarnrc.yml, weeks', path: '.yarnrc.yml', text: "npmMinimalAgeGate: '1w'\n", settings: [['yarn', 'npmMinimalAgeGate 1w', 7 * DAY]] },
  { name: 'bunfig.toml, seconds in [install]', path: 'bunfig.toml', text: '[run]\nbun = true\n\n[install]\nexact = true\nminimumReleaseAge = 259_200 # seconds\n', settings: [['bun', 'minimumReleaseAge 259200 seconds', 3 * DAY]], valueAt: '259_200' },
  { name: 'bunfig.toml, dotted key at the root', path: 'bunfig.toml', text: 'install.minimumReleaseAge = 86400\n', settings: [['bun', 'minimumReleaseAge 86400 seconds', DAY]] },
  { name: 'bunfig.toml, another table is not [install]', path: 'bunfig.toml', text: '[test]\nminimumReleaseAge = 86400\n', settings: [] },
  { name: 'renovate.json, "3 days"', path: 'renovate.json', text: '{\n  "extends": ["config:recommended"],\n  "minimumReleaseAge": "3 days"\n}\n', settings: [['renovate', 'minimumReleaseAge "3 days"', 3 * DAY]], valueAt: '"3 days"' },
  { name: '.github/renovate.json with comments, "1 week 2 days"', path: '.github/renovate.json', text: '{\n  // cooldown\n  "minimumReleaseAge": "1 week 2 days",\n}\n', settings: [['renovate', 'minimumReleaseAge "1 week 2 days"', 9 * DAY]] },
  { name: '.renovaterc, months are 30 days', path: '.renovaterc', text: '{"minimumReleaseAge": "1 month"}', settings: [['renovate', 'minimumReleaseAge "1 month"', 30 * DAY]] },
  { name: 'a file that is not a cooldown file', path: 'tsconfig.json', text: '{"minimumReleaseAge": "3 days"}', settings: [] },
];

describe('cooldown sources: key, unit and where the value is', () => {
  for (const c of SOURCES) {
    it(c.name, () => {
      const read = readCooldownFile(c.path, c.text);
      assert.deepEqual(read.problems, []);
      assert.deepEqual(read.settings.map((s) => [s.tool, s.label, s.ms]), c.settings);
      for (const setting of read.settings) assert.equal(setting.file, c.path);
      if (c.valueAt) assert.deepEqual(read.settings[0]?.range, rangeOf(c.text, c.valueAt));
    });
  }
});

interface ExcludeCase {
  name: string;
  path: string;
  text: string;
  /** [package, version, exempt?] */
  packages: Array<[string, string | undefined, boolean]>;
}

const EXCLUDES: ExcludeCase[] = [
  {
    name: 'pnpm: names, globs, exact versions, and || lists',
    path: 'pnpm-workspace.yaml',
    text: 'minimumReleaseAge: 1440\nminimumReleaseAgeExclude:\n  - webpack\n  - "@corp/*"\n  - nx@21.6.5\n  - \'left-pad@1.0.0 || 1.1.0\'\n',
    packages: [['webpack', '5.0.0', true], ['@corp/ui', '1.0.0', true], ['@corpx/ui', '1.0.0', false], ['nx', '21.6.5', true], ['nx', '21.6.6', false], ['left-pad', '1.1.0', true], ['left-pad', '1.2.0', false], ['react', '18.0.0', false]],
  },
  {
    name: 'pnpm: a flow list and a negation',
    path: 'pnpm-workspace.yaml',
    text: 'minimumReleaseAge: 60\nminimumReleaseAgeExclude: ["@corp/*", "!@corp/risky"]\n',
    packages: [['@corp/ui', '1.0.0', true], ['@corp/risky', '1.0.0', false], ['other', '1.0.0', false]],
  },
  {
    name: 'pnpm: a flow list over several lines, with comments, among other keys',
    path: 'pnpm-workspace.yaml',
    text: 'packages:\n  - "packages/*"\ncatalog:\n  react: ^18\nminimumReleaseAge: 60\nminimumReleaseAgeExclude: [\n  a, # ours\n  "b",\n]\nonlyBuiltDependencies:\n  - esbuild\n',
    packages: [['a', '1.0.0', true], ['b', '1.0.0', true], ['esbuild', '1.0.0', false], ['react', '1.0.0', false]],
  },
  {
    name: 'pnpm in .npmrc: list entries',
    path: '.npmrc',
    text: 'minimum-release-age=1440\nminimum-release-age-exclude[]=webpack\nminimum-release-age-exclude[]=@corp/*\n',
    packages: [['webpack', '1.0.0', true], ['@corp/a', '1.0.0', true], ['react', '1.0.0', false]],
  },
  {
    name: 'yarn: descriptors with ranges and globs',
    path: '.yarnrc.yml',
    text: 'npmMinimalAgeGate: 3d\nnpmPreapprovedPackages:\n- react\n- "@react-native/*"\n- typescript@^5.4.0\n',
    packages: [['react', '19.0.0', true], ['@react-native/cli', '1.0.0', true], ['typescript', '5.5.0', true], ['typescript', '6.0.0', false], ['vue', '3.0.0', false]],
  },
  {
    name: 'bun: exact names only, a glob exempts nothing',
    path: 'bunfig.toml',
    text: '[install]\nminimumReleaseAge = 259200\nminimumReleaseAgeExcludes = [\n  "@types/bun", # pinned with bun\n  "@corp/*",\n]\n',
    packages: [['@types/bun', '1.0.0', true], ['@corp/a', '1.0.0', false], ['react', '1.0.0', false]],
  },
];

/** Whether the file's setting exempts the package: its last matching rule says 0. */
function exempt(setting: CooldownSetting, name: string, version: string | undefined): boolean {
  const rule = [...setting.rules].reverse().find((r) => r.test(name, version));
  return rule !== undefined && rule.ms === 0;
}

describe('cooldown exclude lists, each read with its own tool\'s rules', () => {
  for (const c of EXCLUDES) {
    it(c.name, () => {
      const read = readCooldownFile(c.path, c.text);
      assert.deepEqual(read.problems, []);
      const setting = read.settings[0];
      assert.ok(setting);
      for (const [name, version, expected] of c.packages) assert.equal(exempt(setting, name, version), expected, `${name}@${version}`);
    });
  }
});

describe('renovate packageRules: only the rules Vigil can decide', () => {
  const text = JSON.stringify({
    minimumReleaseAge: '3 days',
    packageRules: [
      { matchPackageNames: ['@corp/**', '/^internal-/'], minimumReleaseAge: null },
      { matchDatasources: ['npm'], matchPackageNames: ['react'], minimumReleaseAge: '14 days' },
      { matchUpdateTypes: ['major'], matchPackageNames: ['vue'], minimumReleaseAge: '30 days' },
      { matchDatasources: ['docker'], minimumReleaseAge: '1 day' },
      { matchPackageNames: ['!lodash'], matchManagers: ['npm'], groupName: 'all but lodash' },
    ],
  }, null, 2);
  const setting = readCooldownFile('renovate.json', text).settings[0];

  const table: Array<[string, number | undefined]> = [
    ['@corp/ui', 0],
    ['internal-tools', 0],
    ['react', 14 * DAY],
    ['vue', undefined], // the rule depends on the update type: the top-level value applies
    ['lodash', undefined],
  ];
  for (const [name, expected] of table) {
    it(`${name}: ${expected === undefined ? 'the top-level 3 days' : `${expected / DAY} days`}`, () => {
      assert.ok(setting);
      assert.equal(setting.ms, 3 * DAY);
      const rule = [...setting.rules].reverse().find((r) => r.test(name, '1.0.0'));
      assert.equal(rule?.ms, expected);
    });
  }

  it('a file with rules but no top-level value governs only the packages its rules match', () => {
    const only = readCooldownFile('renovate.json', '{"packageRules":[{"matchPackageNames":["react"],"minimumReleaseAge":"7 days"}]}').settings[0];
    assert.equal(only?.ms, undefined);
    assert.equal(only?.rules[0]?.ms, 7 * DAY);
  });
});

interface ProblemCase {
  name: string;
  path: string;
  text: string;
  /** Where the problem is: the first occurrence of this text. */
  at: string;
  message: RegExp;
  /** Settings still read despite the problem. */
  settings?: number;
}

const PROBLEMS: ProblemCase[] = [
  { name: 'pnpm: a quoted number is a string', path: 'pnpm-workspace.yaml', text: 'minimumReleaseAge: "1440"\n', at: '"1440"', message: /must be a number of minutes/ },
  { name: 'pnpm: words', path: 'pnpm-workspace.yaml', text: 'minimumReleaseAge: one day\n', at: 'one day', message: /must be a number of minutes/ },
  { name: 'pnpm: an anchor is not read', path: 'pnpm-workspace.yaml', text: 'minimumReleaseAge: &age 1440\n', at: '&age 1440', message: /must be a number of minutes/ },
  { name: 'pnpm: an unquoted @ entry is not YAML', path: 'pnpm-workspace.yaml', text: 'minimumReleaseAge: 1440\nminimumReleaseAgeExclude:\n  - ok\n  - @scope/*\n', at: '@scope/*', message: /not a package name, pattern/, settings: 1 },
  { name: 'pnpm: exclude that is a map', path: 'pnpm-workspace.yaml', text: 'minimumReleaseAge: 1440\nminimumReleaseAgeExclude:\n  webpack: true\n', at: 'webpack: true', message: /must be a list/, settings: 1 },
  { name: 'pnpm: a version that is a range', path: 'pnpm-workspace.yaml', text: 'minimumReleaseAge: 1440\nminimumReleaseAgeExclude: [nx@^21]\n', at: 'nx@^21', message: /not a package name, pattern/, settings: 1 },
  { name: 'pnpm: the key twice', path: 'pnpm-workspace.yaml', text: 'minimumReleaseAge: 10\nminimumReleaseAge: 20\n', at: 'minimumReleaseAge', message: /set twice/, settings: 1 },
  { name: 'npm: not a number', path: '.npmrc', text: 'min-release-age=three\n', at: 'three', message: /must be a number of days/ },
  { name: 'npm: an environment variable', path: '.npmrc', text: 'min-release-age=${AGE}\n', at: '${AGE}', message: /environment variable/ },
  { name: 'pnpm in .npmrc: negative', path: '.npmrc', text: 'minimum-release-age=-5\n', at: '-5', message: /must be a number of minutes/ },
  { name: 'yarn: an unknown unit', path: '.yarnrc.yml', text: 'npmMinimalAgeGate: 3 fortnights\n', at: '3 fortnights', message: /must be a duration/ },
  { name: 'yarn: a descriptor with a bad range', path: '.yarnrc.yml', text: 'npmMinimalAgeGate: 1d\nnpmPreapprovedPackages: ["react@not a range"]\n', at: '"react@not a range"', message: /not a package name, pattern/, settings: 1 },
  { name: 'bun: a string', path: 'bunfig.toml', text: '[install]\nminimumReleaseAge = "3d"\n', at: '"3d"', message: /number of seconds/ },
  { name: 'bun: an inline table', path: 'bunfig.toml', text: '[install]\nminimumReleaseAge = { days = 3 }\n', at: '{ days = 3 }', message: /number of seconds/ },
  { name: 'bun: excludes that are not a list', path: 'bunfig.toml', text: '[install]\nminimumReleaseAge = 60\nminimumReleaseAgeExcludes = "react"\n', at: '"react"', message: /must be a list/, settings: 1 },
  { name: 'renovate: a number', path: 'renovate.json', text: '{"minimumReleaseAge": 3}', at: '3', message: /time string/ },
  { name: 'renovate: an unknown unit', path: 'renovate.json', text: '{"minimumReleaseAge": "3 fortnights"}', at: '"3 fortnights"', message: /time string/ },
  { name: 'renovate: broken JSON', path: 'renovate.json', text: '{"minimumReleaseAge": "3 days" "x": 1}', at: '"x"', message: /not valid JSON/ },
  { name: 'renovate: a regex that does not compile', path: 'renovate.json', text: '{"minimumReleaseAge":"1 day","packageRules":[{"matchPackageNames":["/(/"],"minimumReleaseAge":null}]}', at: '"/(/"', message: /matchPackageNames/, settings: 1 },
];

describe('a value Vigil cannot read is a problem where it is written, and is ignored', () => {
  for (const c of PROBLEMS) {
    it(c.name, () => {
      const read = readCooldownFile(c.path, c.text);
      assert.equal(read.problems.length, 1, JSON.stringify(read.problems));
      const problem = read.problems[0];
      assert.equal(problem?.file, c.path);
      assert.match(problem?.message ?? '', c.message);
      assert.deepEqual(problem?.range, rangeOf(c.text, c.at));
      assert.equal(read.settings.length, c.settings ?? 0);
    });
  }

  it('messages never quote what was written (it could be anything, a token included)', () => {
    const secret = 'npm_S3CR3Tt0k3n';
    const files: Array<[string, string]> = [
      ['pnpm-workspace.yaml', `minimumReleaseAge: ${secret}\nminimumReleaseAgeExclude: [${secret}@x]\n`],
      ['.npmrc', `min-release-age=${secret}\nminimum-release-age=${secret}\n`],
      ['.yarnrc.yml', `npmMinimalAgeGate: ${secret}\n`],
      ['bunfig.toml', `[install]\nminimumReleaseAge = "${secret}"\n`],
      ['renovate.json', `{"minimumReleaseAge": "${secret}"}`],
    ];
    for (const [path, text] of files) {
      const read = readCooldownFile(path, text);
      assert.ok(read.problems.length > 0, path);
      for (const problem of read.problems) assert.ok(!problem.message.includes(secret), `${path}: ${problem.message}`);
    }
  });

  it('never throws on arbitrary text', () => {
    const junk = ['', '\u0000', ':', '- - -', '[install', '{"', 'a=\n=b\n[', '"minimumReleaseAge": [', 'minimumReleaseAge: [1, [2]]'];
    for (const path of ['pnpm-workspace.yaml', '.npmrc', '.yarnrc.yml', 'bunfig.toml', 'renovate.json']) {
      for (const text of junk) assert.doesNotThrow(() => readCooldownFile(path, text), `${path}: ${JSON.stringify(text)}`);
    }
  });
});

describe('duration grammars', () => {
  const yarn: Array<[string, number | undefined]> = [['3d', 3 * DAY], ['12h', 12 * HOUR], ['90m', 90 * MINUTE], ['30s', 30_000], ['500ms', 500], ['2w', 14 * DAY], ['1440', DAY], ['1.5d', 1.5 * DAY], ['3 d', 3 * DAY], ['3days', undefined], ['-1d', undefined], ['', undefined]];
  for (const [text, expected] of yarn) it(`yarn ${JSON.stringify(text)}`, () => assert.equal(parseYarnDuration(text, MINUTE), expected));
  const renovate: Array<[string, number | undefined]> = [['3 days', 3 * DAY], ['1 day', DAY], ['12 hours', 12 * HOUR], ['2 weeks', 14 * DAY], ['1 month', 30 * DAY], ['1 year', 365.25 * DAY], ['1 week 2 days', 9 * DAY], ['3d', 3 * DAY], ['0 days', 0], ['three days', undefined], ['3 fortnights', undefined], ['', undefined]];
  for (const [text, expected] of renovate) it(`renovate ${JSON.stringify(text)}`, () => assert.equal(parseRenovateDuration(text), expected));
});
