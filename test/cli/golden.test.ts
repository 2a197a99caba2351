/**
 * Golden outputs: every format of `vigil check` (text, json, sarif, markdown) on the three shared incident
 * scenarios, replayed through dist/cli.js against the fixture registry at each scenario's --as-of.
 * The files are test/cli/golden/<scenario>.<format>. Outputs are compared after two normalisations, so
 * they hold on any machine: the fixture registry's origin (its port changes per run) becomes
 * http://fixture-registry.invalid, and `dataFetchedAt` (the time of the registry answer) a fixed marker.
 *
 * To regenerate on purpose (after a deliberate change of output): build (node esbuild.mjs), compile the
 * tests, then run this file with UPDATE_GOLDEN=1, e.g.
 *   UPDATE_GOLDEN=1 TZ=UTC node --test out/test/cli/golden.test.js
 * and review the diff like code.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, scenarioDir } from '../helpers/fileRegistry';
import { ROOT, runCli, startFixtureRegistry, type FixtureRegistry } from '../helpers/cli';
import { sarifProblems } from './sarifSchema';

const SCENARIOS = ['ua-parser-js-2021', 'maintainer-handover', 'trust-downgrade'];
const FORMATS = ['text', 'json', 'sarif', 'markdown'];
const GOLDEN = join(ROOT, 'test', 'cli', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

let registry: FixtureRegistry;
let work: string;

before(async () => {
  registry = await startFixtureRegistry([join(FIXTURES, 'packuments'), ...SCENARIOS.map((s) => join(scenarioDir(s), 'registry'))]);
  // Copies outside the repository: the check looks for a lockfile in the folders above, and must not find Vigil's own.
  work = mkdtempSync(join(tmpdir(), 'vigil-golden-'));
  for (const scenario of SCENARIOS) cpSync(join(scenarioDir(scenario), 'project'), join(work, scenario), { recursive: true });
});
after(async () => {
  await registry.close();
  rmSync(work, { recursive: true, force: true });
});

function normalise(output: string): string {
  return output
    .split(registry.url.replace(/\/$/, ''))
    .join('http://fixture-registry.invalid')
    .replace(/"dataFetchedAt": "[^"]*"/g, '"dataFetchedAt": "(time of the registry answer)"');
}

for (const scenario of SCENARIOS) {
  for (const format of FORMATS) {
    test(`golden ${scenario}.${format}`, async () => {
      const { asOf } = JSON.parse(readFileSync(join(scenarioDir(scenario), 'expect.json'), 'utf8')) as { asOf: string };
      // Run where the project is, as CI does: the output names files relative to it and nothing else.
      const run = await runCli(['check', '.', '--registry', registry.url, '--as-of', asOf, '--no-cache', '--format', format], {
        cwd: join(work, scenario),
      });
      assert.equal(run.code, 1, run.stderr);
      assert.doesNotMatch(run.stdout, /\x1b\[/, 'no ANSI colours when stdout is not a terminal');
      assert.ok(!run.stdout.includes(work) && !run.stdout.includes(ROOT), 'no absolute paths');
      if (format === 'sarif') assert.deepEqual(sarifProblems(JSON.parse(run.stdout)), []);
      if (format === 'json' || format === 'sarif') JSON.parse(run.stdout);
      const actual = normalise(run.stdout);
      const file = join(GOLDEN, `${scenario}.${format}`);
      if (UPDATE || !existsSync(file)) {
        if (!UPDATE) assert.fail(`${file} is missing: run with UPDATE_GOLDEN=1 to create it`);
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, actual);
        return;
      }
      assert.equal(actual, readFileSync(file, 'utf8'), `${scenario}.${format} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)`);
    });
  }
}

test('the golden SARIF files are valid SARIF 2.1.0', () => {
  for (const scenario of SCENARIOS) {
    const doc = JSON.parse(readFileSync(join(GOLDEN, `${scenario}.sarif`), 'utf8')) as unknown;
    assert.deepEqual(sarifProblems(doc), [], scenario);
  }
});
