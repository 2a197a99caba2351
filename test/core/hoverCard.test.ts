/**
 * The hover card (server/src/core/hover): on the incident replays (findings from the real analysis), on
 * recorded packuments (a quiet package, a deprecated one), and on synthetic histories for the edges:
 * departures, dormancy, Markdown injection from every registry field, credentials in URLs, loading and
 * error cards, size bounds. One golden card at the end pins the whole format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type DependencyReport } from '../../server/src/core/analyze';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import type { Finding } from '../../server/src/core/finding';
import { hoverCard, previousRelease, type HoverInput } from '../../server/src/core/hover/card';
import { firstSentence, keyEvidence } from '../../server/src/core/hover/findings';
import { isPublicRegistry, repositoryWebLink } from '../../server/src/core/hover/links';
import { escapeMarkdown, text } from '../../server/src/core/hover/markdown';
import { gapText } from '../../server/src/core/hover/timeline';
import { viewAsOf } from '../../server/src/core/registry/asOf';
import { summarizePackument } from '../../server/src/core/registry/summarize';
import type { PackageSummary } from '../../server/src/core/registry/types';
import { at, CI, DAY, summaryOf, type Release } from '../helpers/coreBuilders';
import { FileRegistry, FIXTURES, scenarioDir } from '../helpers/fileRegistry';

const PUBLIC = 'https://registry.npmjs.org/';

function report(pkg: string, version: string | undefined, extra: Partial<DependencyReport> = {}): DependencyReport {
  return {
    file: 'package.json',
    name: pkg,
    package: pkg,
    spec: version === undefined ? 'latest' : `^${version}`,
    section: 'dependencies',
    kind: 'registry',
    range: { start: 10, end: 20 },
    specRange: { start: 22, end: 30 },
    status: 'checked',
    ...(version === undefined ? {} : { version }),
    ...extra,
  };
}

/** A recorded packument from test/fixtures/packuments, as the analysis would see it at `asOf`. */
function recorded(file: string, name: string, asOf: string): PackageSummary {
  const doc: unknown = JSON.parse(readFileSync(join(FIXTURES, 'packuments', file), 'utf8'));
  const result = summarizePackument(doc, name);
  assert.ok(result.ok);
  const view = viewAsOf(result.summary, new Date(asOf));
  assert.ok(view);
  return view;
}

interface Replay {
  input: HoverInput;
  card: string;
}

/** An incident scenario through the real analysis, hovered on its dependency at the scenario's instant. */
async function replay(scenario: string, edit: (summary: PackageSummary) => PackageSummary = (s) => s): Promise<Replay> {
  const dir = scenarioDir(scenario);
  const expected = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as { asOf: string };
  const registry = FileRegistry.fromDirs(join(dir, 'registry'));
  const now = new Date(expected.asOf);
  const text = readFileSync(join(dir, 'project', 'package.json'), 'utf8');
  const result = await analyze({ files: [{ path: 'package.json', text }] }, { registry, now: new Date('2030-01-01T00:00:00Z'), asOf: now, config: DEFAULT_CONFIG });
  const dependency = result.dependencies[0];
  assert.ok(dependency);
  const answer = await registry.getPackument(dependency.package);
  assert.ok(answer.ok);
  const summary = viewAsOf(answer.summary, now);
  assert.ok(summary);
  const findings = result.findings.filter((f) => f.file === dependency.file && f.range.start === dependency.range.start);
  const input: HoverInput = { report: dependency, summary: edit(summary), findings, now, registryUrl: PUBLIC };
  return { input, card: hoverCard(input) };
}

/** The table row (a line starting with "|") whose first cell contains `first`. */
function row(card: string, first: string): string {
  const found = card.split('\n').find((line) => line.startsWith('|') && (line.split(' | ')[0] ?? '').includes(first));
  assert.ok(found, `no row for ${first} in:\n${card}`);
  return found;
}

/** Every link target in the card. */
function linkTargets(card: string): string[] {
  return [...card.matchAll(/(?<!\\)\]\(([^)]*)\)/g)].map((m) => m[1] as string);
}

/** Characters that would be syntax if not preceded by a backslash. */
function unescaped(card: string, char: string): number {
  let count = 0;
  for (let i = 0; i < card.length; i++) {
    if (card[i] !== char) continue;
    let slashes = 0;
    for (let j = i - 1; j >= 0 && card[j] === '\\'; j--) slashes++;
    if (slashes % 2 === 0) count++;
  }
  return count;
}

// --- the incident replays --------------------------------------------------------------------------------

test('ua-parser-js 2021: publisher highlighted, preinstall in the timeline, findings with the pin once', async () => {
  const { card } = await replay('ua-parser-js-2021');
  assert.match(card.split('\n')[0] as string, /^\*\*ua-parser-js\\@0\.7\.23\*\* · published 1 hour ago by faisalman · MIT$/);
  assert.match(row(card, 'faisalman'), /^\| \*\*faisalman\*\* \|.*\*\*published this version\*\* \|$/);
  assert.match(row(card, '0.7.23'), /^\| \*\*0\.7\.23\*\* \| \*\*2020-09-30\*\* \| \*\*faisalman\*\* \| ⚠ preinstall \|$/);
  assert.doesNotMatch(row(card, '0.7.22'), /preinstall/);
  assert.match(card, /^- ⛔ \*\*install-script-added\*\* — ua-parser-js\\@0\.7\.23 runs a \\`preinstall\\` script/m);
  assert.match(card, /^- ⚠️ \*\*release-line-burst\*\*/m);
  assert.match(card, /runs preinstall: start \/B node preinstall\.js/);
  assert.equal(card.match(/Suggested pin:/g)?.length, 1);
  assert.match(card, /^\*\*Suggested pin:\*\* 0\.7\.22 — /m);
  assert.match(card, /\[diff 0\.7\.22 → 0\.7\.23\]\(https:\/\/npmdiff\.dev\/ua-parser-js\/0\.7\.22\/0\.7\.23\/\)/);
  assert.match(card, /^Published after it: 0\.8\.0, 1\.0\.0\.$/m);
  assert.ok(card.split('\n').length < 60);
});

test('maintainer handover: the newcomer who published is new; the previous publisher is still listed', async () => {
  const { card } = await replay('maintainer-handover');
  assert.match(row(card, 'helpful-dev-77'), /\*\*helpful-dev-77\*\* \| 2021-09-08 \| 1 \| 2021-09-08 \| \*\*new\*\* · \*\*published this version\*\* \|$/);
  assert.match(row(card, 'sam-streams'), /^\| sam-streams \| 2015-02-01 \| 15 \| 2015-02-01 – 2019-05-20 \|   \|$/);
  // The two silent years before the handover release.
  assert.match(card, /^\| … \| 2 years 4 months without a release \|/m);
  assert.match(card, /escalated by dormant-release, young-dependency-added/);
});

test('maintainer handover, completed: once the owner is removed, their row says "left"', async () => {
  const { card } = await replay('maintainer-handover', (summary) => ({ ...summary, maintainers: [{ name: 'helpful-dev-77' }] }));
  assert.match(row(card, 'helpful-dev-77'), /\*\*new\*\* · \*\*published this version\*\*/);
  assert.match(row(card, 'sam-streams'), /\| left \|$/);
  const lines = card.split('\n');
  assert.ok(lines.indexOf(row(card, 'helpful-dev-77')) < lines.indexOf(row(card, 'sam-streams')), 'the publisher of this version comes first');
});

test('trust downgrade: provenance on every release until this one; CI shown as CI, not a person', async () => {
  const { card } = await replay('trust-downgrade');
  for (const version of ['2.2.0', '2.3.0', '2.4.0', '2.5.1', '2.6.0']) assert.match(row(card, version), /✓ provenance \|$/);
  assert.match(row(card, '2.6.1'), /^\| \*\*2\.6\.1\*\* \| \*\*2026-02-03\*\* \| \*\*kira-http\*\* \|   \|$/);
  assert.match(row(card, '2.6.0'), /\| GitHub Actions \(trusted publishing\) \|/);
  assert.match(row(card, 'GitHub Actions'), /^\| GitHub Actions \(trusted publishing\) \| 2025-08-20 \| 5 \| 2025-08-20 – 2026-01-15 \| CI \|$/);
  assert.match(row(card, 'kira-http'), /\*\*published this version\*\*/);
  assert.doesNotMatch(row(card, 'kira-http'), /new|left/);
  assert.match(card, /^- ⛔ \*\*trust-downgrade\*\*/m);
});

// --- recorded packuments ----------------------------------------------------------------------------------

test('a long-lived quiet package: no findings section, gaps between its releases', () => {
  const summary = recorded('once.json', 'once', '2020-01-01T00:00:00.000Z');
  const card = hoverCard({ report: report('once', '1.4.0'), summary, findings: [], now: new Date('2020-01-01T00:00:00.000Z'), registryUrl: PUBLIC });
  assert.doesNotMatch(card, /Findings|Suggested pin/);
  assert.match(card, /^\*\*once\\@1\.4\.0\*\* · published 3 years ago by isaacs · ISC$/m);
  assert.match(card, /^Run a function exactly one time$/m);
  assert.match(card, /\[github\.com\/isaacs\/once\]\(https:\/\/github\.com\/isaacs\/once\)/);
  assert.match(card, /^\| … \| 1 year without a release \|/m);
  assert.match(row(card, '1.4.0'), /^\| \*\*1\.4\.0\*\* \| \*\*2016-09-06\*\* \| \*\*isaacs\*\* \|/);
  assert.match(row(card, 'isaacs'), /^\| \*\*isaacs\*\* \| 2012-08-14 \| 7 \| 2012-08-14 – 2016-09-06 \| \*\*published this version\*\* \|$/);
});

test('a deprecated version: the message quoted in the header, marked in the timeline', () => {
  const summary = recorded('circular-json.json', 'circular-json', '2019-01-01T00:00:00.000Z');
  const card = hoverCard({ report: report('circular-json', '0.5.9'), summary, findings: [], now: new Date('2019-01-01T00:00:00.000Z'), registryUrl: PUBLIC });
  assert.match(card, /^\*\*Deprecated:\*\* "CircularJSON is in maintenance only, flatted is its successor\."$/m);
  assert.match(row(card, '0.5.9'), /deprecated \|$/);
  // git:// GitHub URLs link to the web page.
  assert.match(card, /\]\(https:\/\/github\.com\/WebReflection\/circular-json\)/);
});

// --- synthetic histories ------------------------------------------------------------------------------------

const rel = (version: string, day: number, by: Release['by'], extra: Partial<Release> = {}): Release => ({ version, at: at(day), by, ...extra });

test('dormancy: a silence of more than 180 days is a row of its own, in years and months', () => {
  const summary = summaryOf('quiet', [rel('1.0.0', 0, 'ann'), rel('1.0.1', 30, 'ann'), rel('1.1.0', 30 + 456, 'ann'), rel('1.1.1', 30 + 456 + 100, 'ann')]);
  const card = hoverCard({ report: report('quiet', '1.1.1'), summary, findings: [], now: new Date(at(600)) });
  const lines = card.split('\n');
  const gap = lines.indexOf('| … | 1 year 3 months without a release |   |   |');
  assert.ok(gap > 0, card);
  assert.match(lines[gap - 1] as string, /^\| 1\.0\.1 \|/);
  assert.match(lines[gap + 1] as string, /^\| 1\.1\.0 \|/);
  assert.equal(card.match(/without a release/g)?.length, 1, '100 days is no gap');
});

test('trusted publishing of the hovered release highlights the CI identity', () => {
  const summary = summaryOf('ci-made', [rel('1.0.0', 0, 'ann', { provenance: true }), rel('1.1.0', 10, CI, { provenance: true, maintainers: ['ann'] })], undefined, ['ann']);
  const card = hoverCard({ report: report('ci-made', '1.1.0'), summary, findings: [], now: new Date(at(20)) });
  assert.match(card.split('\n')[0] as string, /published 1[0-9] days ago by GitHub Actions \(trusted publishing\)/);
  assert.match(row(card, 'GitHub Actions'), /^\| \*\*GitHub Actions \(trusted publishing\)\*\* \| .* \| CI · \*\*published this version\*\* \|$/);
  assert.doesNotMatch(row(card, 'ann'), /published this version/);
});

test('newcomers within 90 days are new; older joins are not', () => {
  const releases = [rel('1.0.0', 0, 'ann'), rel('1.1.0', 200, 'ann', { maintainers: ['ann', 'bob'] }), rel('1.2.0', 400, 'ann', { maintainers: ['ann', 'bob', 'eve'] })];
  const summary = summaryOf('team', releases, undefined, ['ann', 'bob', 'eve']);
  const card = hoverCard({ report: report('team', '1.2.0'), summary, findings: [], now: new Date(at(420)) });
  assert.match(row(card, 'eve'), /^\| eve \| 2025-02-04 \| 0 \| — \| \*\*new\*\* \|$/);
  assert.match(row(card, 'bob'), /^\| bob \| 2024-07-19 \| 0 \| — \|   \|$/);
});

test('Markdown and HTML in registry text are escaped everywhere', () => {
  const evil = '<img src=x onerror=alert(1)>';
  const releases: Release[] = [
    rel('1.0.0', 0, 'ann', { repository: 'javascript:alert(1)' }),
    rel('1.0.1', 10, { name: `[pwn](https://evil.example) ${evil}` }, { deprecated: '**Use** [this](https://evil.example/x) instead`<script>`', repository: 'git+https://github.com/o/r.git' }),
    rel('1.0.2', 20, { name: 'a|b`c*d_e#f' }, { deprecated: 'bad\n\n# Heading\n- item\n<b>x</b> ![img](http://evil.example/i.png) www.evil.example user@evil.example' }),
  ];
  const base = summaryOf('victim', releases, undefined, ['ann', `[pwn](https://evil.example) ${evil}`, 'a|b`c*d_e#f']);
  const summary: PackageSummary = { ...base, description: `Great lib ${evil} [click](https://evil.example) **bold** _it_ \`code\` # h\n\n| a | b |\n<script>alert(1)</script> https://evil.example/direct`, license: '<b>MIT</b>' };
  const finding: Finding = {
    file: 'package.json',
    range: { start: 10, end: 20 },
    package: 'victim',
    spec: '^1.0.0',
    version: '1.0.2',
    signal: 'new-publisher',
    severity: 'warning',
    message: 'victim@1.0.2 was published by a|b`c*d_e#f [x](https://evil.example). More.',
    evidence: { version: '1.0.2', publisher: 'a|b`c*d_e#f', previousVersion: '1.0.1', previousPublisher: `[pwn](https://evil.example) ${evil}` },
    fix: { pin: '1.0.0', reason: 'because <b>reasons</b> [z](https://evil.example)' },
  };
  for (const version of ['1.0.1', '1.0.2']) {
    const card = hoverCard({ report: report('victim', version), summary, findings: [finding], now: new Date(at(30)), registryUrl: PUBLIC });
    assert.equal(unescaped(card, '<'), 0, card);
    assert.equal(unescaped(card, '>'), 0, card);
    assert.equal(unescaped(card, '`'), 0, card);
    assert.equal(unescaped(card, '_'), 0, card);
    assert.doesNotMatch(card, /(?<!\\)\[(pwn|click|this|x|z|img)\]/);
    assert.doesNotMatch(card, /(?<!\\)www\.evil|(?<!\\)https:\/\/evil|(?<!\\)user@evil/);
    for (const target of linkTargets(card)) assert.match(target, /^https:\/\/(www\.npmjs\.com\/package\/victim|npmdiff\.dev\/victim\/|github\.com\/o\/r$)/);
    assert.doesNotMatch(card, /^#|^- item|^<|javascript/m);
    // Every table row keeps its cells: the only unescaped pipes are the table's own.
    for (const line of card.split('\n').filter((l) => l.startsWith('|'))) {
      assert.ok([5, 6].includes(unescaped(line, '|')), line);
    }
    // Bold and italics only where the card puts them: an even count of unescaped asterisks per line.
    for (const line of card.split('\n')) assert.equal(unescaped(line, '*') % 2, 0, line);
  }
  const deprecated = hoverCard({ report: report('victim', '1.0.2'), summary, findings: [], now: new Date(at(30)) });
  assert.match(deprecated, /^\*\*Deprecated:\*\* "bad \\# Heading - item \\<b\\>x\\<\/b\\> !\\\[img\\\]\\\(http\\:\/\/evil\.example\/i\.png\\\) www\\\.evil\.example user\\@evil\.example"$/m);
});

test('repository URLs: credentials stripped, only http(s), forge shorthands and git URLs to their web page', () => {
  const cases: [string, string | undefined][] = [
    ['git+https://user:s3cret-token@github.com/owner/repo.git', 'https://github.com/owner/repo'],
    ['https://x-access-token:ghp_abc@github.com/owner/repo', 'https://github.com/owner/repo'],
    ['git+ssh://git@github.com/owner/repo.git', 'https://github.com/owner/repo'],
    ['git@github.com:owner/repo.git', 'https://github.com/owner/repo'],
    ['git://github.com/owner/repo.git', 'https://github.com/owner/repo'],
    ['github:owner/repo', 'https://github.com/owner/repo'],
    ['gitlab:group/proj', 'https://gitlab.com/group/proj'],
    ['owner/repo', 'https://github.com/owner/repo'],
    ['http://git.example.com/a/b?token=abc#frag', 'http://git.example.com/a/b'],
    ['https://example.com/a (b)/c<d>', undefined], // spaces: not a URL
    ['https://example.com/a(b)/c', 'https://example.com/a%28b%29/c'],
    ['git://git.example.com/repo.git', undefined], // no known web page
    ['javascript:alert(1)', undefined],
    ['file:///etc/passwd', undefined],
    ['data:text/html,<script>', undefined],
    ['ftp://example.com/x', undefined],
    ['', undefined],
  ];
  for (const [input, expected] of cases) assert.equal(repositoryWebLink(input)?.url, expected, input);
  const summary = summaryOf('creds', [rel('1.0.0', 0, 'ann', { repository: 'git+https://user:s3cret-token@github.com/owner/repo.git' })]);
  const card = hoverCard({ report: report('creds', '1.0.0'), summary, findings: [], now: new Date(at(5)) });
  assert.doesNotMatch(card, /s3cret|user:/);
  assert.match(card, /^\[github\.com\/owner\/repo\]\(https:\/\/github\.com\/owner\/repo\)$/m);
});

test('npm and diff links only for the public registry', () => {
  const cases: [string | undefined, boolean][] = [
    ['https://registry.npmjs.org/', true],
    ['https://registry.npmjs.org', true],
    ['https://user:token@registry.npmjs.org/', true],
    ['https://registry.yarnpkg.com/', true],
    ['https://npm.corp.example/', false],
    ['https://registry.npmjs.org/some/path/', false],
    ['https://registry.npmjs.org.evil.example/', false],
    [undefined, false],
  ];
  for (const [url, expected] of cases) assert.equal(isPublicRegistry(url), expected, String(url));
  const summary = summaryOf('@corp/lib', [rel('1.0.0', 0, 'ann'), rel('1.1.0', 10, 'ann')]);
  const open = hoverCard({ report: report('@corp/lib', '1.1.0'), summary, findings: [], now: new Date(at(20)), registryUrl: PUBLIC });
  assert.deepEqual(linkTargets(open), ['https://www.npmjs.com/package/@corp/lib', 'https://npmdiff.dev/@corp/lib/1.0.0/1.1.0/']);
  const closed = hoverCard({ report: report('@corp/lib', '1.1.0'), summary, findings: [], now: new Date(at(20)), registryUrl: 'https://npm.corp.example/' });
  assert.deepEqual(linkTargets(closed), []);
});

test('the diff compares with the highest lower version published before, not the newest release', () => {
  const summary = summaryOf('lines', [rel('1.0.0', 0, 'ann'), rel('2.0.0', 10, 'ann'), rel('1.0.1', 20, 'ann'), rel('0.9.0', 25, 'ann'), rel('2.0.1', 30, 'ann')]);
  const cases: [string, string | undefined][] = [
    ['1.0.1', '1.0.0'],
    ['2.0.1', '2.0.0'],
    ['2.0.0', '1.0.0'],
    ['1.0.0', undefined],
    ['0.9.0', undefined], // published after 1.0.0, but nothing below it came before
  ];
  for (const [version, expected] of cases) {
    const info = summary.versions[version];
    assert.ok(info);
    assert.equal(previousRelease(summary, info), expected, version);
  }
});

test('loading and error cards are one line, escaped', () => {
  const cases: [Partial<HoverInput>, string][] = [
    [{ loading: true }, 'left-pad — loading registry data…'],
    [{ error: 'The registry timed out after 10 s.' }, 'left-pad — registry data unavailable: The registry timed out after 10 s.'],
    [{ error: 'bad <b>thing</b> [x](y)' }, 'left-pad — registry data unavailable: bad \\<b\\>thing\\</b\\> \\[x\\]\\(y\\)'],
    [{ loading: true, error: 'ignored while loading' }, 'left-pad — loading registry data…'],
  ];
  for (const [extra, expected] of cases) {
    assert.equal(hoverCard({ report: report('left-pad', '1.3.0'), summary: undefined, findings: [], now: new Date(at(0)), ...extra }), expected);
  }
});

test('title: lockfile entries, locked dependencies, aliases, stale data', () => {
  const summary = summaryOf('real', [rel('1.0.0', 0, 'ann')], undefined, ['ann']);
  const now = new Date(at(3));
  const title = (r: DependencyReport): string => hoverCard({ report: r, summary, findings: [], now }).split('\n')[0] as string;
  assert.equal(title(report('real', '1.0.0')), '**real\\@1.0.0** · published 3 days ago by ann');
  assert.equal(title(report('real', '1.0.0', { locked: { lockfile: 'package-lock.json', version: '1.0.0', key: 'node_modules/real' } })), '**real\\@1.0.0** · published 3 days ago by ann · locked in package-lock.json');
  assert.equal(title(report('real', '1.0.0', { section: 'lockfile', file: 'pnpm-lock.yaml' })), '**real\\@1.0.0** · published 3 days ago by ann · entry in pnpm-lock.yaml');
  assert.equal(title(report('real', '1.0.0', { name: 'alias' })), '**real\\@1.0.0** · as alias · published 3 days ago by ann');
  // Nothing satisfies the range: the newest releases, none highlighted, and no diff.
  const unresolved = hoverCard({ report: report('real', undefined, { status: 'unresolved', spec: '^9.0.0' }), summary, findings: [], now, registryUrl: PUBLIC });
  assert.equal(unresolved.split('\n')[0], '**real**');
  assert.match(unresolved, /^\| 1\.0\.0 \| 2024-01-01 \| ann \|   \|$/m);
  assert.doesNotMatch(unresolved, /published this version|npmdiff/);
  const stale = hoverCard({ report: report('real', '1.0.0', { source: { stale: true, fetchedAt: at(1) } }), summary, findings: [], now });
  assert.match(stale, /^\*Registry unreachable: cached data from 2024-01-02\.\*$/m);
});

test('without registry data (a git dependency): title, note and findings only', () => {
  const finding: Finding = {
    file: 'package.json',
    range: { start: 10, end: 20 },
    package: 'tool',
    spec: 'github:o/tool',
    signal: 'non-registry-source',
    severity: 'warning',
    message: 'tool comes from GitHub (o/tool) without a commit. Pin a commit.',
    evidence: { source: 'github', section: 'dependencies' },
  };
  const card = hoverCard({ report: report('tool', undefined, { status: 'not-registry', kind: 'github', spec: 'github:o/tool' }), summary: undefined, findings: [finding], now: new Date(at(0)) });
  assert.equal(card, ['**tool**', '', '*Not from the registry: no publish history to show.*', '', '**Findings**', '', '- ⚠️ **non-registry-source** — tool comes from GitHub \\(o/tool\\) without a commit.'].join('\n'));
});

test('bounded: many maintainers, findings and gaps stay under 60 lines; long text is capped', () => {
  const people = Array.from({ length: 15 }, (_, i) => `person-${i}`);
  const releases = Array.from({ length: 20 }, (_, i) => rel(`1.${i}.0`, i * 200, people[i % people.length] as string, { maintainers: people }));
  const summary: PackageSummary = { ...summaryOf('big', releases, undefined, people), description: 'x'.repeat(5000) };
  const findings: Finding[] = Array.from({ length: 12 }, (_, i) => ({
    file: 'package.json',
    range: { start: 10, end: 20 },
    package: 'big',
    spec: '^1.0.0',
    version: '1.19.0',
    signal: 'recent-release',
    severity: 'warning',
    message: `Finding ${i}: ${'y'.repeat(2000)}`,
    evidence: {},
  }));
  const card = hoverCard({ report: report('big', '1.19.0'), summary, findings, now: new Date(at(20 * 200)) });
  const lines = card.split('\n');
  assert.ok(lines.length <= 60, `${lines.length} lines`);
  assert.ok(lines.every((line) => line.length <= 700), 'no line is unbounded');
  assert.match(card, /^- … 6 more in the Problems panel$/m);
  assert.match(card, /^\| … 7 more \|/m);
  assert.match(card, /^x{199}…$/m);
});

test('deterministic: the same input gives the same card', async () => {
  const first = await replay('trust-downgrade');
  assert.equal(hoverCard(first.input), first.card);
  assert.equal(hoverCard({ ...first.input, findings: [...first.input.findings].reverse() }), first.card, 'finding order does not matter');
});

// --- helpers, table-driven ------------------------------------------------------------------------------------

test('escapeMarkdown / text', () => {
  const cases: [string, string][] = [
    ['plain text 1.2.3', 'plain text 1.2.3'],
    ['ua-parser-js@0.7.23', 'ua-parser-js\\@0.7.23'],
    ['@scope/name', '@scope/name'],
    ['*a* _b_ `c` ~d~', '\\*a\\* \\_b\\_ \\`c\\` \\~d\\~'],
    ['[t](u) ![i](j) <a href=x>', '\\[t\\]\\(u\\) !\\[i\\]\\(j\\) \\<a href=x\\>'],
    ['a|b # c & d $(icon) {x}', 'a\\|b \\# c \\& d \\$\\(icon\\) \\{x\\}'],
    ['https://x.example www.y.example', 'https\\://x.example www\\.y.example'],
    ['- item', '\\- item'],
    ['+ item', '\\+ item'],
    ['1. first', '1\\. first'],
    ['1.2.3 is a version', '1.2.3 is a version'],
    ['back\\slash', 'back\\\\slash'],
  ];
  for (const [input, expected] of cases) assert.equal(escapeMarkdown(input), expected, input);
  assert.equal(text('a\n\n# b\u202e\u200bc\t d'), 'a \\# b c d');
  assert.equal(text('abcdef', 4), 'abc…');
});

test('gapText', () => {
  const cases: [number, string][] = [
    [181, '6 months'],
    [365, '1 year'],
    [456, '1 year 3 months'],
    [841, '2 years 4 months'],
    [730, '2 years'],
  ];
  for (const [days, expected] of cases) assert.equal(gapText(days * DAY), expected, String(days));
});

test('firstSentence and keyEvidence', () => {
  assert.equal(firstSentence('a@1.0.0 ran (x). Next one.'), 'a@1.0.0 ran (x).');
  assert.equal(firstSentence('No stop here'), 'No stop here');
  assert.equal(firstSentence('Version 1.2.3 is fine. Really.'), 'Version 1.2.3 is fine.');
  const evidence = { version: '2.0.0', publishedAt: '2024-05-01T10:00:00.000Z', publisher: 'eve', previousVersion: '1.9.0', previousPublishedAt: '2023-01-01T00:00:00.000Z', previousPublisher: 'ann', scripts: ['postinstall: node x.js'] };
  assert.equal(keyEvidence(evidence), 'published 2024-05-01 by eve · after 1.9.0 (2023-01-01 by ann) · runs postinstall: node x.js');
  assert.equal(keyEvidence(evidence, '2.0.0'), 'after 1.9.0 (2023-01-01 by ann) · runs postinstall: node x.js');
});

// --- golden ------------------------------------------------------------------------------------------------

const GOLDEN = `**ua-parser-js\\@0.7.23** · published 1 hour ago by faisalman · MIT

Lightweight JavaScript-based user-agent string parser

[npm](https://www.npmjs.com/package/ua-parser-js) · [github.com/faisalman/ua-parser-js](https://github.com/faisalman/ua-parser-js) · [diff 0.7.22 → 0.7.23](https://npmdiff.dev/ua-parser-js/0.7.22/0.7.23/)

**Findings**

- ⛔ **install-script-added** — ua-parser-js\\@0.7.23 runs a \\\`preinstall\\\` script at install; 0.7.22 before it did not. *(after 0.7.22 (2020-09-12 by faisalman) · runs preinstall: start /B node preinstall.js \\& node preinstall.js)*
- ⚠️ **release-line-burst** — ua-parser-js\\@0.7.23 is one of 3 releases on 3 release lines published within 6 hours. *(releases 0.7.23, 0.8.0, 1.0.0)*

**Suggested pin:** 0.7.22 — 0.7.22 \\(published 2020-09-12 by faisalman\\) is the newest release in "^0.7.22" past the cooldown.

**Maintainers**

| account | since | versions | published |   |
|---|---|---|---|---|
| **faisalman** | 2012-07-28 | 45 | 2012-09-10 – 2020-09-30 | **published this version** |

**Releases**

| version | published | by |   |
|---|---|---|---|
| 0.7.16 | 2017-10-12 | faisalman |   |
| 0.7.17 | 2017-10-12 | faisalman |   |
| … | 7 months without a release |   |   |
| 0.7.18 | 2018-05-04 | faisalman |   |
| 0.7.19 | 2018-10-25 | faisalman |   |
| … | 7 months without a release |   |   |
| 0.7.20 | 2019-06-08 | faisalman |   |
| … | 6 months without a release |   |   |
| 0.7.21 | 2019-12-19 | faisalman |   |
| … | 9 months without a release |   |   |
| 0.7.22 | 2020-09-12 | faisalman |   |
| **0.7.23** | **2020-09-30** | **faisalman** | ⚠ preinstall |

Published after it: 0.8.0, 1.0.0.`;

test('golden: the ua-parser-js card, in full', () => {
  const dir = join(scenarioDir('ua-parser-js-2021'), 'registry');
  const raw: unknown = JSON.parse(readFileSync(join(dir, 'ua-parser-js.json'), 'utf8'));
  const summarized = summarizePackument(raw, 'ua-parser-js');
  assert.ok(summarized.ok);
  const now = new Date('2020-09-30T13:15:21.378Z');
  const summary = viewAsOf(summarized.summary, now);
  const base = { file: 'package.json', range: { start: 187, end: 201 }, package: 'ua-parser-js', spec: '^0.7.22', version: '0.7.23' };
  const pin = { pin: '0.7.22', reason: '0.7.22 (published 2020-09-12 by faisalman) is the newest release in "^0.7.22" past the cooldown.' };
  const findings: Finding[] = [
    {
      ...base,
      signal: 'release-line-burst',
      severity: 'warning',
      message: 'ua-parser-js@0.7.23 is one of 3 releases on 3 release lines published within 6 hours. Check which it is.',
      evidence: { version: '0.7.23', publishedAt: '2020-09-30T12:15:21.378Z', lines: ['0.7', '0.8', '1'], versions: ['0.7.23', '0.8.0', '1.0.0'], publishers: ['faisalman'], windowHours: 6 },
      fix: pin,
    },
    {
      ...base,
      signal: 'install-script-added',
      severity: 'error',
      message: 'ua-parser-js@0.7.23 runs a `preinstall` script at install; 0.7.22 before it did not. Install scripts run with your rights.',
      evidence: {
        version: '0.7.23',
        publishedAt: '2020-09-30T12:15:21.378Z',
        publisher: 'faisalman',
        scripts: ['preinstall: start /B node preinstall.js & node preinstall.js'],
        previousVersion: '0.7.22',
        previousPublishedAt: '2020-09-12T09:15:07.793Z',
        previousPublisher: 'faisalman',
      },
      fix: pin,
    },
  ];
  const card = hoverCard({ report: report('ua-parser-js', '0.7.23', { range: base.range }), summary, findings, now, registryUrl: PUBLIC });
  assert.equal(card, GOLDEN);
});
