/** Colours and progress only on a terminal; NO_COLOR and TERM=dumb respected; text output colours only severities. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderText, type Report } from '../../server/src/cli/output';
import { terminalFeatures } from '../../server/src/cli/terminal';

const cases: Array<[Record<string, string>, boolean, boolean, { color: boolean; progress: boolean }]> = [
  [{}, true, true, { color: true, progress: true }],
  [{}, false, false, { color: false, progress: false }],
  [{}, false, true, { color: false, progress: true }],
  [{ NO_COLOR: '1' }, true, true, { color: false, progress: true }],
  [{ NO_COLOR: '' }, true, false, { color: true, progress: false }],
  [{ TERM: 'dumb' }, true, true, { color: false, progress: false }],
];

for (const [env, out, err, expected] of cases) {
  test(`terminalFeatures(${JSON.stringify(env)}, stdout ${out ? 'tty' : 'pipe'}, stderr ${err ? 'tty' : 'pipe'})`, () => {
    assert.deepEqual(terminalFeatures(env, out, err), expected);
  });
}

test('renderText colours the severity only when asked', () => {
  const report: Report = {
    version: 1,
    asOf: '2020-01-01T00:00:00.000Z',
    registry: 'https://registry.example/',
    findings: [
      { file: 'package.json', range: { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } }, package: 'ms', spec: '^2.0.0', version: '2.1.1', signal: 'deprecated', severity: 'warning', message: 'deprecated', evidence: {} },
    ],
    suppressed: [],
    errors: [],
    notes: [],
    summary: { packages: 1, checked: 1, bySeverity: { error: 0, warning: 1, information: 0, hint: 0 }, suppressed: 0 },
  };
  assert.doesNotMatch(renderText(report), /\x1b/);
  assert.match(renderText(report, { color: true }), /^package\.json:2:3 \x1b\[33mwarning\x1b\[0m deprecated ms@2\.1\.1 — deprecated$/m);
  assert.doesNotMatch(renderText(report, { color: true }).split('\n').slice(-2).join('\n'), /\x1b/, 'the summary stays plain');
});
