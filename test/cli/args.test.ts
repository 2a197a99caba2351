import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../server/src/cli/args';

const ok: Array<[string[], Record<string, unknown>]> = [
  [['check'], { dir: '.', format: 'text', failOn: 'error', offline: false, advisories: true, resultCache: true }],
  [['check', '--no-advisories'], { advisories: false }],
  [['check', 'app', '--format', 'json'], { dir: 'app', format: 'json' }],
  [['check', '--format=json', '--fail-on=warning'], { format: 'json', failOn: 'warning' }],
  [['check', '--registry', 'http://127.0.0.1:4873/'], { registry: 'http://127.0.0.1:4873/' }],
  [['check', '--no-cache'], { cacheDir: null }],
  [['check', '--no-result-cache'], { resultCache: false }],
  [['check', '--cache-dir', '/tmp/c', '--offline'], { cacheDir: '/tmp/c', offline: true }],
  [['check', '--cooldown-days', '0'], { cooldownDays: 0 }],
  [['check', '--fail-on', 'never'], { failOn: 'never' }],
  [['check'], { publicRegistry: undefined }],
  [['check', '--public-registry', 'https://registry.npmjs.org/'], { publicRegistry: 'https://registry.npmjs.org/' }],
  [['check', '--public-registry=off'], { publicRegistry: null }],
  [['check', '--format', 'sarif'], { format: 'sarif' }],
  [['check', '--format=markdown'], { format: 'markdown' }],
  [['check', '--baseline', 'vigil-baseline.json'], { baseline: 'vigil-baseline.json' }],
  [['check', '--changed-since', 'origin/main'], { changedSince: 'origin/main' }],
  [['check', '--changed-since=HEAD~1'], { changedSince: 'HEAD~1' }],
  [['check', '--changed-since', 'v1.2.3^{commit}'], { changedSince: 'v1.2.3^{commit}' }],
  [['check', 'app', '--sarif-base', '.'], { dir: 'app', sarifBase: '.' }],
];

const baselineOk: Array<[string[], Record<string, unknown>]> = [
  [['baseline'], { command: 'baseline', dir: '.', output: undefined }],
  [['baseline', 'app', '--output', 'b.json', '--no-cache'], { command: 'baseline', dir: 'app', output: 'b.json', cacheDir: null }],
];

for (const [argv, expected] of baselineOk) {
  test(`parses ${argv.join(' ')}`, () => {
    const parsed = parseArgs(argv) as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(parsed[key], value, key);
  });
}

for (const [argv, expected] of ok) {
  test(`parses ${argv.join(' ')}`, () => {
    const parsed = parseArgs(argv) as unknown as Record<string, unknown>;
    assert.equal(parsed.command, 'check');
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(parsed[key], value, key);
  });
}

test('parses --as-of into an instant', () => {
  const parsed = parseArgs(['check', '--as-of', '2021-10-22T13:15:21.378Z']);
  assert.equal(parsed.command, 'check');
  assert.equal(parsed.command === 'check' && parsed.asOf?.toISOString(), '2021-10-22T13:15:21.378Z');
});

const errors: Array<[string[], RegExp]> = [
  [['frobnicate'], /unknown command/],
  [['check', '--format', 'xml'], /--format takes one of/],
  [['check', '--format'], /--format takes one of/],
  [['check', '--registry', 'ftp://x'], /--registry takes an http/],
  [['check', '--registry', 'not a url'], /--registry takes an http/],
  [['check', '--as-of', 'yesterday'], /--as-of takes an ISO-8601/],
  [['check', '--as-of', '2021-13-45'], /--as-of takes an ISO-8601/],
  [['check', '--fail-on', 'fatal'], /--fail-on takes one of/],
  [['check', '--cooldown-days', '-1'], /--cooldown-days/],
  [['check', '--bogus'], /unknown option --bogus/],
  [['check', '--public-registry', 'none'], /--public-registry takes an http/],
  [['check', '--public-registry'], /--public-registry takes an http/],
  [['check', 'a', 'b'], /one folder/],
  [['check', '--offline', '--no-cache'], /cannot be combined/],
  [['check', '--changed-since', '-x'], /--changed-since takes a git commit/],
  [['check', '--changed-since', '--upload-pack=evil'], /--changed-since takes a git commit/],
  [['check', '--changed-since', 'HEAD:package.json'], /--changed-since takes a git commit/],
  [['check', '--changed-since', 'a b'], /--changed-since takes a git commit/],
  [['check', '--changed-since', ''], /--changed-since takes a git commit/],
  [['check', '--changed-since'], /--changed-since takes a git commit/],
  [['check', '--baseline'], /--baseline takes a file/],
  [['check', '--output', 'x.json'], /--output is for vigil baseline/],
  [['baseline', '--format', 'json'], /--format and --fail-on are for vigil check/],
  [['baseline', '--fail-on', 'warning'], /--format and --fail-on are for vigil check/],
  [['baseline', '--baseline', 'b.json'], /--baseline is for vigil check/],
  [['baseline', '--changed-since', 'main'], /--changed-since is for vigil check/],
  [['baseline', 'a', 'b'], /vigil baseline takes one folder/],
];

for (const [argv, message] of errors) {
  test(`rejects ${argv.join(' ')}`, () => {
    const parsed = parseArgs(argv);
    assert.equal(parsed.command, 'error');
    assert.match(parsed.command === 'error' ? parsed.message : '', message);
  });
}

test('help and version', () => {
  assert.equal(parseArgs([]).command, 'help');
  assert.equal(parseArgs(['--help']).command, 'help');
  assert.equal(parseArgs(['check', '-h']).command, 'help');
  assert.equal(parseArgs(['--version']).command, 'version');
});
