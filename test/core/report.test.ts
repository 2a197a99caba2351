/**
 * report.LineIndex (offsets → zero-based line/character in UTF-16 code units), the report shapes built
 * on it, and the deterministic text helpers in format.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex, toReportError, toReportFinding, type Position } from '../../server/src/core/report';
import type { AnalysisError, Finding } from '../../server/src/core/finding';
import { day, duration, list } from '../../server/src/core/format';

/** [name, text, offset, line, character]. */
const POSITIONS: Array<[string, string, number, number, number]> = [
  ['LF: start', 'ab\ncd', 0, 0, 0],
  ['LF: end of the first line', 'ab\ncd', 2, 0, 2],
  ['LF: start of the second line', 'ab\ncd', 3, 1, 0],
  ['LF: end of text', 'ab\ncd', 5, 1, 2],
  ['LF: beyond the end is clamped', 'ab\ncd', 99, 1, 2],
  ['LF: negative is clamped to 0', 'ab\ncd', -4, 0, 0],
  ['LF: after a trailing newline', 'ab\n', 3, 1, 0],
  ['LF: empty lines', '\n\n', 2, 2, 0],
  ['CRLF: before the break', 'ab\r\ncd', 2, 0, 2],
  ['CRLF: between \\r and \\n stays on the line', 'ab\r\ncd', 3, 0, 3],
  ['CRLF: one break, not two', 'ab\r\ncd', 4, 1, 0],
  ['CRLF: end of text', 'ab\r\ncd', 6, 1, 2],
  ['CRLF: third line', 'a\r\nb\r\nc', 6, 2, 0],
  ['lone CR is a break', 'ab\rcd', 3, 1, 0],
  ['lone CR then CRLF then LF', 'a\r\r\nb\nc', 5, 2, 1],
  ['lone CR then CRLF then LF: last line', 'a\r\r\nb\nc', 6, 3, 0],
  ['surrogate pair counts as two', '😀x', 2, 0, 2],
  ['surrogate pairs on the second line', 'a\n😀😀y', 6, 1, 4],
  ['empty text', '', 0, 0, 0],
  ['empty text, beyond the end', '', 10, 0, 0],
];

for (const [name, text, offset, line, character] of POSITIONS) {
  test(`LineIndex: ${name} (${offset})`, () => {
    const expected: Position = { line, character };
    assert.deepEqual(new LineIndex(text).positionAt(offset), expected);
  });
}

test('LineIndex: every offset of a mixed text round-trips through its line starts', () => {
  const text = '{\r\n  "a": "😀",\n\r  "b": 1\r}';
  const index = new LineIndex(text);
  const lines = text.split(/\r\n|\r|\n/);
  const starts: number[] = [];
  let at = 0;
  for (const [i, l] of lines.entries()) {
    starts.push(at);
    at += l.length + (text.startsWith('\r\n', at + l.length) ? 2 : i < lines.length - 1 ? 1 : 0);
  }
  for (let offset = 0; offset <= text.length; offset++) {
    const { line, character } = index.positionAt(offset);
    assert.equal((starts[line] ?? NaN) + character, offset, `offset ${offset}`);
  }
});

test('rangeAt, toReportFinding and toReportError convert only the range', () => {
  const text = '{\n  "dependencies": {\n    "ms": "^2.1.0"\n  }\n}\n';
  const index = new LineIndex(text);
  const start = text.indexOf('"ms"');
  const finding: Finding = {
    file: 'package.json',
    range: { start, end: start + 4 },
    package: 'ms',
    spec: '^2.1.0',
    version: '2.1.2',
    signal: 'recent-release',
    severity: 'warning',
    message: 'm',
    evidence: { version: '2.1.2' },
    fix: { pin: '2.1.1', reason: 'r' },
  };
  const range = { start: { line: 2, character: 4 }, end: { line: 2, character: 8 } };
  assert.deepEqual(index.rangeAt(finding.range), range);
  assert.deepEqual(toReportFinding(finding, index), { ...finding, range });
  const error: AnalysisError = { file: 'package.json', range: finding.range, package: 'ms', kind: 'timeout', message: 't' };
  assert.deepEqual(toReportError(error, index), { ...error, range });
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const DURATIONS: Array<[number, string]> = [
  [-5 * HOUR, '1 minute'],
  [0, '1 minute'],
  [29_999, '1 minute'],
  [90_000, '2 minutes'],
  [59 * MINUTE, '59 minutes'],
  [HOUR, '1 hour'],
  [47 * HOUR, '47 hours'],
  [2 * DAY, '2 days'],
  [59 * DAY, '59 days'],
  [60 * DAY, '2 months'],
  [729 * DAY, '24 months'],
  [730 * DAY, '2 years'],
  [3653 * DAY, '10 years'],
];

for (const [ms, text] of DURATIONS) {
  test(`duration(${ms}) is "${text}"`, () => {
    assert.equal(duration(ms), text);
  });
}

test('day: the UTC date of an ISO time, or a phrase when unknown', () => {
  assert.deepEqual([day('2020-04-28T23:59:59.999Z'), day(undefined), day('')], ['2020-04-28', 'an unknown date', 'an unknown date']);
});

test('list: up to five items, then a count', () => {
  assert.deepEqual(
    [list([]), list(['a']), list(['a', 'b', 'c', 'd', 'e']), list(['a', 'b', 'c', 'd', 'e', 'f', 'g']), list(['a', 'b', 'c'], 2)],
    ['', 'a', 'a, b, c, d, e', 'a, b, c, d, e and 2 more', 'a, b and 1 more'],
  );
});
