// Lockfile parsing: Vigil's parsers on generated 5,000-entry lockfiles of each format, next to the raw
// parse of the same bytes (JSON.parse / yaml.parse) and, for package-lock.json, next to
// @npmcli/arborist's loadVirtual and lockfile-lint-api (parse + host/https/integrity validators), all in
// this one process. Figures, not verdicts.
//
// Vigil and the raw parse are measured side by side: after warm-up, in rounds of a few runs of each
// (one side, then the other), so that a slow spell of the machine falls on both rather than on whichever
// happened to be measured then. Reported: the median of all runs of each side, and the median over the
// rounds of each round's ratio (Vigil's median over the raw parse's median). Slow raw parsers (a second
// a run) get fewer rounds.
//
//   node bench/lockfiles.mjs [--entries 5000] [--runs 35]
import Arborist from '@npmcli/arborist';
import { build } from 'esbuild';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as yamlParse } from 'yaml';
import { generate as npmLock } from './lockgen/npm.mjs';
import { generate as pnpmLock } from './lockgen/pnpm.mjs';
import { generate as yarnBerry } from './lockgen/yarn-berry.mjs';
import { generate as yarnClassic } from './lockgen/yarn-classic.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const lockfileLint = require('lockfile-lint-api');

function parseArgs(argv) {
  const options = { entries: 5000, runs: 35 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--entries') options.entries = Number(argv[++i]);
    else if (argv[i] === '--runs') options.runs = Number(argv[++i]);
    else throw new Error(`unknown option ${argv[i]}`);
  }
  return options;
}

/** The core's parseLockfile, bundled from source (the core is pure: no node APIs needed). */
async function loadParser() {
  const bundle = await build({
    entryPoints: [join(ROOT, 'server', 'src', 'core', 'lockfile', 'load.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    mainFields: ['module', 'main'],
  });
  return import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
}

const middle = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timed(fn) {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function median(runs, fn) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up: compile, caches
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await timed(fn));
  return middle(times);
}

/** Rounds of `perRound` runs of `a`, then of `b`; medians of each side and of the per-round ratios a/b. */
async function sideBySide(runs, a, b) {
  const once = await timed(b);
  const perRound = once > 100 ? 1 : 5; // a raw parse of ~1 s: a round is one run of each
  const rounds = Math.max(3, Math.round(Math.min(runs, once > 100 ? 9 : runs) / perRound));
  for (let i = 0; i < 5; i++) {
    await a(); // warm-up: compile, caches
    if (once <= 100) await b();
  }
  const all = { a: [], b: [] };
  const ratios = [];
  for (let round = 0; round < rounds; round++) {
    const times = { a: [], b: [] };
    for (let i = 0; i < perRound; i++) times.a.push(await timed(a));
    for (let i = 0; i < perRound; i++) times.b.push(await timed(b));
    all.a.push(...times.a);
    all.b.push(...times.b);
    ratios.push(middle(times.a) / middle(times.b));
  }
  return { a: middle(all.a), b: middle(all.b), ratio: middle(ratios), runs: all.a.length };
}

/** lockfile-lint's default checks for an npm project: parse, then allowed hosts, https, integrity. */
function lockfileLintRun(path) {
  const parser = new lockfileLint.ParseLockfile({ lockfilePath: path, lockfileType: 'npm' });
  const lockfile = parser.parseSync();
  new lockfileLint.ValidateHost({ packages: lockfile.object }).validate(['npm']);
  new lockfileLint.ValidateHttps({ packages: lockfile.object }).validate();
  new lockfileLint.ValidateIntegrity({ packages: lockfile.object }).validate();
}

export async function benchLockfiles({ entries, runs }) {
  const { parseLockfile } = await loadParser();
  const formats = [
    { name: 'package-lock.json v3', file: 'package-lock.json', text: npmLock(entries, 1), raw: 'JSON.parse', rawParse: (t) => JSON.parse(t) },
    { name: 'pnpm-lock.yaml v9', file: 'pnpm-lock.yaml', text: pnpmLock(entries, 1), raw: 'yaml.parse', rawParse: (t) => yamlParse(t) },
    { name: 'yarn.lock berry', file: 'yarn.lock', text: yarnBerry(entries, 1), raw: 'yaml.parse', rawParse: (t) => yamlParse(t) },
    { name: 'yarn.lock classic', file: 'yarn.lock', text: yarnClassic(entries, 1), raw: 'lockfile-lint (@yarnpkg/parsers)', rawParse: null },
  ];
  const rows = [];
  const dir = await mkdtemp(join(tmpdir(), 'vigil-lockbench-'));
  try {
    for (const format of formats) {
      const parsed = parseLockfile(format.file, format.text);
      const problems = parsed.problems.length;
      let rawParse = format.rawParse && (() => format.rawParse(format.text));
      if (!rawParse) {
        const path = join(dir, 'yarn.lock');
        await writeFile(path, format.text);
        rawParse = () => new lockfileLint.ParseLockfile({ lockfilePath: path, lockfileType: 'yarn' }).parseSync();
      }
      const measured = await sideBySide(runs, () => parseLockfile(format.file, format.text), rawParse);
      rows.push({
        format: format.name,
        bytes: format.text.length,
        packages: parsed.value.packages.length,
        problems,
        vigil: measured.a,
        raw: measured.b,
        ratio: measured.ratio,
        runs: measured.runs,
        rawName: format.raw,
      });
    }
    // Arborist and lockfile-lint on the same package-lock.json, from disk like they read it.
    const npm = formats[0];
    const project = join(dir, 'npm');
    await rm(project, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(project, { recursive: true }));
    const lock = JSON.parse(npm.text);
    await writeFile(join(project, 'package.json'), JSON.stringify(lock.packages[''] ?? { name: 'bench' }));
    await writeFile(join(project, 'package-lock.json'), npm.text);
    const arborist = await median(Math.min(runs, 7), () => new Arborist({ path: project }).loadVirtual());
    const lint = await median(runs, () => lockfileLintRun(join(project, 'package-lock.json')));
    const vigilFromDisk = await median(runs, async () => {
      const text = await import('node:fs/promises').then((fs) => fs.readFile(join(project, 'package-lock.json'), 'utf8'));
      parseLockfile('package-lock.json', text);
    });
    return { rows, npm: { arborist, lint, vigilFromDisk } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function renderLockfileBench({ rows, npm }, entries) {
  const fmt = (ms) => `${ms.toFixed(1)} ms`;
  const lines = [
    `Lockfile parsing, ${entries} entries per file (medians of the runs of each side, measured side by side; ratio: median of the`,
    'rounds\' ratios; parse of text already in memory unless noted):',
    '',
  ];
  const header = ['format', 'size', 'packages', 'runs', 'Vigil', 'raw parse', 'ratio', 'target (≤ 2×)'];
  const body = rows.map((r) => [
    r.format,
    `${(r.bytes / 1024 / 1024).toFixed(2)} MB`,
    String(r.packages),
    String(r.runs),
    fmt(r.vigil),
    `${fmt(r.raw)} (${r.rawName})`,
    `${r.ratio.toFixed(2)}×`,
    r.ratio <= 2 ? 'met' : 'MISSED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const row = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  lines.push(row(header), row(widths.map((w) => '-'.repeat(w))), ...body.map(row), '');
  const speedup = npm.arborist / npm.vigilFromDisk;
  lines.push(
    `package-lock.json from disk: Vigil read+parse ${fmt(npm.vigilFromDisk)}; @npmcli/arborist loadVirtual ${fmt(npm.arborist)} ` +
      `(${speedup.toFixed(1)}× slower than Vigil; target ≥ 3×: ${speedup >= 3 ? 'met' : 'MISSED'}); lockfile-lint-api parse + host/https/integrity ${fmt(npm.lint)}.`,
  );
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  const result = await benchLockfiles(options);
  process.stdout.write(`${renderLockfileBench(result, options.entries)}\n`);
}
