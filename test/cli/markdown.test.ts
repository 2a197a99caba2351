/**
 * The pull-request comment: escaping of text that comes from the registry, the heading and table, and the
 * size limit GitHub puts on comments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyBaseline, fingerprint } from '../../server/src/cli/baseline';
import { code, escapeHtml, escapeMarkdown, MAX_CHARS, renderMarkdown } from '../../server/src/cli/markdown';
import type { Report, ReportItem } from '../../server/src/cli/output';
import { countBySeverity } from '../../server/src/cli/output';

function item(overrides: Partial<ReportItem> = {}): ReportItem {
  return {
    file: 'package.json',
    range: { start: { line: 6, character: 4 }, end: { line: 6, character: 18 } },
    package: 'ua-parser-js',
    spec: '^0.7.22',
    version: '0.7.23',
    signal: 'install-script-added',
    severity: 'error',
    message: 'ua-parser-js@0.7.23 runs a `preinstall` script.',
    evidence: { version: '0.7.23', dataFetchedAt: '2024-01-01T00:00:00.000Z', dataStale: false },
    fix: { pin: '0.7.22', reason: 'the newest vetted release' },
    ...overrides,
  };
}

function report(findings: ReportItem[], extra: Partial<Report> = {}): Report {
  return {
    version: 1,
    asOf: '2020-09-30T13:15:21.378Z',
    registry: 'https://registry.example/',
    findings,
    suppressed: [],
    errors: [],
    notes: [],
    summary: { packages: 1, checked: 1, bySeverity: countBySeverity(findings), suppressed: 0 },
    ...extra,
  };
}

test('escapeMarkdown: no table breaks, HTML, links, code or mentions from package-provided text', () => {
  assert.equal(escapeMarkdown('a | b'), 'a \\| b');
  assert.equal(escapeMarkdown('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert(1)&gt;');
  assert.equal(escapeMarkdown('see [here](http://evil.example) ![x](http://t.example/p.png)'), 'see \\[here\\](http://evil.example) \\!\\[x\\](http://t.example/p.png)');
  assert.equal(escapeMarkdown('`code` *bold* _em_ ~~s~~ # h'), '\\`code\\` \\*bold\\* \\_em\\_ \\~\\~s\\~\\~ \\# h');
  assert.equal(escapeMarkdown('line one\nline two\r\n'), 'line one line two ');
  assert.equal(escapeMarkdown('ping @octocat and @org/team, not me@example.com'), 'ping @\u200boctocat and @\u200borg/team, not me@example.com');
  assert.equal(escapeMarkdown('&amp; stays text'), '&amp;amp; stays text');
  assert.equal(escapeHtml('<b>@admin</b> & co'), '&lt;b&gt;@\u200badmin&lt;/b&gt; &amp; co');
});

test('code spans survive backticks and pipes', () => {
  assert.equal(code('ua-parser-js'), '`ua-parser-js`');
  assert.equal(code('a`b'), '``a`b``');
  assert.equal(code('`x'), '`` `x ``');
  assert.equal(code('a|b'), '`a\\|b`');
});

test('a heading with counts, a table row per finding with its pin, evidence without cache bookkeeping', () => {
  const md = renderMarkdown(report([item(), item({ signal: 'recent-release', severity: 'warning', message: 'young | <b>' })]));
  assert.match(md, /^### Vigil: 1 error, 1 warning\n/);
  assert.match(md, /\n\| \| package \| version \| where \| signal \| what happened \| pin \|\n\|---\|---\|---\|---\|---\|---\|---\|\n/);
  assert.match(md, /\n\| 🛑 error \| `ua-parser-js` \| `0\.7\.23` \| `package\.json:7` \| `install-script-added` \| ua-parser-js@0\.7\.23 runs a \\`preinstall\\` script\. \| `0\.7\.22` \|\n/);
  assert.match(md, /\| young \\\| &lt;b&gt; \|/);
  assert.match(md, /<details><summary>ua-parser-js@0\.7\.23 — install-script-added: install code appeared<\/summary>/);
  assert.match(md, /"version": "0\.7\.23"/);
  assert.doesNotMatch(md, /dataFetchedAt|dataStale/);
  for (const line of md.split('\n').filter((l) => l.startsWith('| '))) assert.equal(line.split(/(?<!\\)\|/).length, 9, line);
});

test('no findings; errors and notes; baseline and changed-since context', () => {
  assert.match(renderMarkdown(report([])), /^### Vigil: no findings\n\n1 of 1 dependencies checked against `https:\/\/registry\.example\/` as of 2020-09-30T13:15:21\.378Z\.\n$/);
  const withProblems = renderMarkdown(
    report([], {
      errors: [{ file: 'package.json', range: { start: { line: 2, character: 0 }, end: { line: 2, character: 4 } }, package: 'ms', kind: 'network', message: 'no answer' }],
      notes: [{ code: 'advisories-skipped', message: 'advisories were not asked for' }],
    }),
  );
  assert.match(withProblems, /\*\*Not checked \(1\):\*\*\n\n- `ms` \(`package\.json:3`\): no answer/);
  assert.match(withProblems, /> \*\*Note:\*\* advisories were not asked for/);

  const base = applyBaseline(report([item(), item({ package: 'other', version: '1.0.0', severity: 'warning' })]), new Set([fingerprint(item())]), 'vigil-baseline.json');
  const since = { ...base, changedSince: { ref: 'origin/main', commit: '0123456789abcdef0123456789abcdef01234567', packages: 2, omitted: 5 } };
  const md = renderMarkdown(since);
  assert.match(md, /^### Vigil: 1 warning \(new\)\n/);
  assert.match(md, /judged on the 2 packages whose version changed since `origin\/main` \(`0123456789ab`\)/);
  assert.match(md, /1 finding already in `vigil-baseline\.json` not shown/);
  assert.doesNotMatch(md, /`ua-parser-js`/, 'baselined findings are not listed');
  assert.match(renderMarkdown(applyBaseline(report([item()]), new Set([fingerprint(item())]), 'b.json')), /^### Vigil: no new findings\n/);
});

test('stays under GitHub\'s comment limit, saying how many findings were left out', () => {
  const many = Array.from({ length: 3000 }, (_, i) =>
    item({ package: `pkg-${i}`, message: `${'a long message from the registry | with pipes '.repeat(20)}${i}`, evidence: { blob: 'x'.repeat(5000) } }),
  );
  const md = renderMarkdown(report(many));
  assert.ok(md.length <= MAX_CHARS && MAX_CHARS < 65_536, `${md.length}`);
  const shownRows = md.split('\n').filter((l) => l.startsWith('| 🛑')).length;
  assert.ok(shownRows > 10 && shownRows < 3000, `${shownRows}`);
  assert.match(md, new RegExp(`…and ${3000 - shownRows} more findings not shown here: run \`vigil check --format json\` for all of them\\.`));
  assert.match(md, /…and the evidence of \d+ more findings: see `vigil check --format json`\./);
  assert.equal((md.match(/<details>/g) ?? []).length, (md.match(/<\/details>/g) ?? []).length, 'no details block cut in half');
});
