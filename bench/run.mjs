// `npm run bench`: the real CLI (dist/cli.js, spawned) against a generated loopback registry.
// Prints a table: wall time, requests the registry saw, body bytes it sent, and the peak RSS of the
// analysing process, for three runs a user meets:
// - cold: an empty disk cache, every packument fetched;
// - warm, analysed: the registry data fresh in the disk cache, analysed again (--no-result-cache), as after
//   an edit to the project;
// - warm, unchanged: the same check once more, which the result cache answers (node/resultCache.ts);
// and the language server (dist/server.js) checking the same project as an editor opens it
// (languageServer.mjs): cold, warm with no stored result, and warm reopening an unchanged project.
// Not a test: figures, not verdicts.
//
//   node bench/run.mjs [--count 1500] [--giants 20,40,60] [--runs 3] [--seed 1] [--keep]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';
import { runLanguageServer } from './languageServer.mjs';
import { startBenchRegistry } from './server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SERVER = join(ROOT, 'dist', 'server.js');
const GNU_TIME = '/usr/bin/time';
const MB = 1024 * 1024;
const TARGETS = { cold: 3000, warm: 300, rssMb: 150 };

function parseArgs(argv) {
  const options = { count: 1500, giants: [20, 40, 60], runs: 3, seed: 1, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i] ?? '';
    if (flag === '--count') options.count = Number(value());
    else if (flag === '--giants') options.giants = value().split(',').filter(Boolean).map(Number);
    else if (flag === '--runs') options.runs = Number(value());
    else if (flag === '--seed') options.seed = Number(value());
    else if (flag === '--keep') options.keep = true;
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

/**
 * Peak RSS (KB) and CPU seconds: GNU time's rusage when present, else the kernel's high-water mark
 * polled from /proc (CPU time then unknown).
 */
function watchPeak(child, timeFile) {
  if (timeFile) {
    return async () => {
      const [rssKb, user, sys] = (await readFile(timeFile, 'utf8')).trim().split(/\s+/).map(Number);
      return { rssKb, cpu: user + sys };
    };
  }
  let peak = 0;
  const poll = setInterval(async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    peak = Math.max(peak, kb);
  }, 5);
  return async () => {
    clearInterval(poll);
    return { rssKb: peak, cpu: NaN };
  };
}

/** One CLI run: wall time from spawn to exit, peak RSS, and the report it printed. */
async function runCli(args, env, scratch) {
  const timeFile = existsSync(GNU_TIME) ? join(scratch, `time-${process.hrtime.bigint()}.txt`) : undefined;
  const command = timeFile ? GNU_TIME : process.execPath;
  const argv = timeFile ? ['-f', '%M %U %S', '-o', timeFile, process.execPath, CLI, ...args] : [CLI, ...args];
  const started = process.hrtime.bigint();
  const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const peak = watchPeak(child, timeFile);
  const out = [];
  const err = [];
  child.stdout.on('data', (chunk) => out.push(chunk));
  child.stderr.on('data', (chunk) => err.push(chunk));
  const code = await new Promise((done) => child.on('close', done));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const { rssKb, cpu } = await peak();
  if (code !== 0) throw new Error(`vigil exited with ${code}: ${Buffer.concat(err).toString().slice(0, 2000)}`);
  return { ms, cpu, rssMb: rssKb / 1024, report: JSON.parse(Buffer.concat(out).toString('utf8')) };
}

/** Removes the stored analysis results (the result cache's folders) from a cache folder, keeping the registry data. */
async function forgetResults(cacheDir) {
  const names = await readdir(cacheDir).catch(() => []);
  await Promise.all(names.filter((name) => name.startsWith('results-')).map((name) => rm(join(cacheDir, name), { recursive: true, force: true })));
}

function machine(cpuinfo) {
  const cpu = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? 'unknown CPU';
  return `${availableParallelism()} × ${cpu}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function fmtBytes(bytes) {
  return bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`;
}

function row(cells, widths) {
  return cells.map((cell, i) => String(cell).padEnd(widths[i])).join('  ');
}

async function measure(kind, runs, registry, makeRun) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const before = registry.snapshot();
    const run = await makeRun(i);
    const after = registry.snapshot();
    const delta = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));
    results.push({ ...run, delta });
    const cpu = Number.isFinite(run.cpu) ? `, ${run.cpu.toFixed(2)} s CPU` : '';
    process.stderr.write(`  ${kind} #${i + 1}: ${run.ms.toFixed(0)} ms${cpu}, ${run.rssMb.toFixed(0)} MB RSS\n`);
  }
  return results;
}

function summarise(kind, results, target) {
  const ms = median(results.map((r) => r.ms));
  const rss = Math.max(...results.map((r) => r.rssMb));
  const { delta, report } = results[results.length - 1];
  const requests = delta.packuments + delta.notModified + delta.advisories + delta.other;
  return [
    kind,
    `${(ms / 1000).toFixed(2)} s`,
    results.map((r) => (r.ms / 1000).toFixed(2)).join(' / '),
    Number.isFinite(results[0].cpu) ? `${median(results.map((r) => r.cpu)).toFixed(2)} s` : 'n/a',
    `${requests} (${delta.packuments} packuments, ${delta.advisories} advisory)`,
    fmtBytes(delta.bodyBytes),
    `${rss.toFixed(0)} MB`,
    `${report.summary.checked}/${report.summary.packages}`,
    `${ms <= target ? 'met' : 'MISSED'} (≤ ${target >= 1000 ? `${target / 1000} s` : `${target} ms`})${rss <= TARGETS.rssMb ? '' : `; RSS MISSED (≤ ${TARGETS.rssMb} MB)`}`,
  ];
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm run bench does).');
  const cpuinfo = existsSync('/proc/cpuinfo') ? await readFile('/proc/cpuinfo', 'utf8') : '';
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-'));
  let registry;
  try {
    process.stderr.write(`Generating ${options.count} packuments + ${options.giants.length} giants (seed ${options.seed}) in ${dir}\n`);
    const data = await generate({ root: ROOT, dir, count: options.count, giants: options.giants, seed: options.seed });
    registry = await startBenchRegistry(data);
    await writeFile(join(dir, 'npmrc'), '');
    // The user's own npm config and cache stay out of it.
    const env = { ...process.env, HOME: dir, npm_config_userconfig: join(dir, 'npmrc'), npm_config_globalconfig: join(dir, 'npmrc') };
    const base = ['check', data.projectDir, '--registry', registry.url, '--format', 'json', '--fail-on', 'never'];
    const cli = (args) => () => runCli(args, env, dir);
    const cold = await measure('cold', options.runs, registry, (i) => runCli([...base, '--cache-dir', join(dir, `cache-${i}`)], env, dir));
    const warmCache = join(dir, `cache-${options.runs - 1}`);
    const warmArgs = [...base, '--cache-dir', warmCache];
    const analysed = await measure('warm, analysed', options.runs, registry, cli([...warmArgs, '--no-result-cache']));
    // The first run that reads the cache stores its result; the runs after it are given that result.
    await runCli(warmArgs, env, dir);
    const unchanged = await measure('warm, unchanged', options.runs, registry, cli(warmArgs));
    const expected = analysed[0].report.summary.checked;
    const server = (cacheDir) => async () => {
      const run = await runLanguageServer({ serverPath: SERVER, projectDir: data.projectDir, registryUrl: registry.url, cacheDir, env, scratch: dir, expected });
      return { ...run, report: { summary: { checked: run.status.checked, packages: expected } } };
    };
    const serverCold = await measure('server, cold', options.runs, registry, (i) => server(join(dir, `server-cache-${i}`))());
    const serverCache = join(dir, `server-cache-${options.runs - 1}`);
    // A session that must analyse (no stored result: as after an edit while the editor was closed) ...
    const serverAnalysed = await measure('server, warm, analysed', options.runs, registry, async () => {
      await forgetResults(serverCache);
      return server(serverCache)();
    });
    // ... and sessions after one that stored its result (an editor reopened on an unchanged project).
    await server(serverCache)();
    const serverUnchanged = await measure('server, warm, unchanged', options.runs, registry, server(serverCache));
    const stamp = (report) => JSON.stringify({ ...report, asOf: undefined });
    if (stamp(unchanged[0].report) !== stamp(analysed[0].report)) throw new Error('the stored result differs from the analysed one');
    const giants = data.packages.filter((p) => p.giant);
    const header = ['run', 'median', 'runs (s)', 'CPU (user+sys)', 'requests', 'body bytes', 'peak RSS', 'checked', 'target'];
    const rows = [
      summarise('cold', cold, TARGETS.cold),
      summarise('warm, analysed', analysed, TARGETS.warm),
      summarise('warm, unchanged', unchanged, TARGETS.warm),
      summarise('server, cold', serverCold, TARGETS.cold),
      summarise('server, warm, analysed', serverAnalysed, TARGETS.warm),
      summarise('server, warm, unchanged', serverUnchanged, TARGETS.warm),
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
    const lines = [
      `Vigil bench: ${data.packages.length} packages (${options.count} recorded shapes renamed + ${giants.length} giants of ${giants.map((g) => fmtBytes(g.bytes)).join(', ')}), ${fmtBytes(data.totalBytes)} of packuments, served uncompressed from 127.0.0.1`,
      `machine: ${machine(cpuinfo)}`,
      '',
      row(header, widths),
      row(widths.map((w) => '-'.repeat(w)), widths),
      ...rows.map((r) => row(r, widths)),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await registry?.close();
    if (options.keep) process.stderr.write(`kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

await main();
