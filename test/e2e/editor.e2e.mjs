#!/usr/bin/env node
// npm run test:e2e — Vigil in a real VS Code (code-server 1.96, Node extension host, headless Chromium).
//
// Packages the extension (`npm run package`), installs the .vsix into a fresh code-server profile, opens a
// copy of examples/demo (the `npm run demo` project) with vigil.registry pointing at a loopback registry over
// the recorded packuments and incident replays and vigil.asOf at the demo's instant, and asserts what a
// user sees: the error squiggle under "ua-parser-js" (0.7.23 adds a preinstall script), its entry in the
// Problems panel, the hover card's maintainer history, and that the "Pin 0.7.22" quick fix rewrites
// package.json (in the editor, then on disk after saving) and the error goes away.
//
// Screenshots of every step go to test/e2e/artifacts/ (with the VS Code logs, hover.txt, problems.txt and
// summary.json). Exit 0: passed (steps whose server feature is not there yet are reported as SKIP);
// 1: failed; 77 with "SKIP: <reason>": the rig (code-server + Chromium) cannot be installed or launched.
//
// Environment: VSCODE_RIG (rig folder, default ~/.cache/vscode-rig), VSCODE_RIG_SETUP (setup.sh to install
// it when missing, default ../shared/e2e/setup.sh; VIGIL_E2E_SETUP=0: never install), CHROMIUM,
// VIGIL_E2E_VSIX (test this .vsix instead of packaging), VIGIL_E2E_KEEP_TMP=1 (keep the profile).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serverCapabilities } from './lsp-probe.mjs';
import { ensureRig, loadPlaywright, RigUnavailable, startCodeServer } from './rig.mjs';
import {
  applyQuickFix, EDITOR, hoverOver, openQuickFix, problemsRows, quickOpen, scrollHoverTo, statusProblems, textState, waitForNoSquiggle,
  waitForSquiggle,
} from './ui.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = path.join(ROOT, 'test', 'e2e', 'artifacts');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
/** The demo's instant (scripts/demo.mjs): one hour after the last replayed attack. */
const AS_OF = '2026-02-03T01:15:00Z';
const KEY = '"ua-parser-js"';
const PIN = '0.7.22';
const OVERALL_MS = 8 * 60_000;
const WIDTH = 1400;
const HEIGHT = 900;

const T0 = Date.now();
const log = (...parts) => console.log(`[e2e ${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...parts);
const summary = { steps: [], asOf: AS_OF };
const cleanups = [];
let page;

async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch (error) {
      log(`cleanup: ${error.message}`);
    }
  }
}

async function finish(code, line) {
  await cleanup();
  summary.exitCode = code;
  summary.seconds = (Date.now() - T0) / 1000;
  fs.writeFileSync(path.join(ARTIFACTS, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  for (const step of summary.steps) console.log(`${step.status.toUpperCase().padEnd(4)} ${step.name}${step.detail ? ` — ${step.detail}` : ''}`);
  if (line) console.log(line);
  console.log(`artifacts: ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS}`);
  process.exit(code);
}

async function shot(name, clip) {
  await page.screenshot({ path: path.join(ARTIFACTS, name), ...(clip && { clip }) });
}

/** Runs one user-visible check; a missing server feature skips it with `skip` as the reason. */
async function step(name, skip, run) {
  if (skip) {
    summary.steps.push({ name, status: 'skip', detail: skip });
    log(`SKIP ${name}: ${skip}`);
    return;
  }
  log(`step: ${name}`);
  try {
    const detail = await run();
    summary.steps.push({ name, status: 'pass', ...(detail && { detail }) });
  } catch (error) {
    summary.steps.push({ name, status: 'fail', detail: String(error?.message ?? error).split('\n')[0] });
    summary.error = String(error?.stack ?? error);
    try {
      await shot(`error-${summary.steps.length}.png`);
    } catch {
      // the page may be gone
    }
    throw error;
  }
}

function packageVsix() {
  if (process.env.VIGIL_E2E_VSIX) return path.resolve(process.env.VIGIL_E2E_VSIX);
  log('npm run package');
  const run = spawnSync('npm', ['run', 'package', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = path.join(ROOT, `vigil-${version}.vsix`);
  if (run.status !== 0 || !fs.existsSync(vsix)) {
    throw new Error(`npm run package failed (exit ${run.status}):\n${`${run.stdout}${run.stderr}`.slice(-3000)}`);
  }
  return vsix;
}

async function startRegistry() {
  const { startFixtureRegistry } = await import(pathToFileURL(path.join(ROOT, 'scripts', 'fixture-registry.mjs')).href);
  const scenarios = path.join(FIXTURES, 'scenarios');
  const dirs = [path.join(FIXTURES, 'packuments'), ...fs.readdirSync(scenarios, { withFileTypes: true })
    .filter((entry) => entry.isDirectory()).map((entry) => path.join(scenarios, entry.name, 'registry'))];
  const registry = await startFixtureRegistry({ dirs });
  cleanups.push(() => registry.close());
  return registry;
}

function workspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-ws-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.copyFileSync(path.join(ROOT, 'examples', 'demo', 'package.json'), path.join(dir, 'package.json'));
  return dir;
}

/** The saved range of ua-parser-js once the editor has written the pin, or what it is when `timeout` ends. */
function pinnedOnDisk(file, timeout) {
  const read = () => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')).dependencies['ua-parser-js'];
    } catch {
      return undefined; // mid-write: the next change event reads it again
    }
  };
  return new Promise((resolve) => {
    // The folder, not the file: an editor may save by writing a new file and renaming it over the old one.
    const watcher = fs.watch(path.dirname(file), () => {
      if (read() === PIN) done();
    });
    const timer = setTimeout(() => done(), timeout);
    function done() {
      clearTimeout(timer);
      watcher.close();
      resolve(read());
    }
    if (read() === PIN) done();
  });
}

async function launchBrowser(rig) {
  const { chromium } = loadPlaywright(rig);
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: rig.chromium, headless: true, timeout: 60_000,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  } catch (error) {
    throw new RigUnavailable(`Chromium did not start: ${String(error.message).split('\n')[0]}`);
  }
  cleanups.push(() => browser.close());
  return browser;
}

async function main() {
  setTimeout(() => {
    summary.error = `overall limit of ${OVERALL_MS / 1000} s reached`;
    void finish(1, `FAIL: ${summary.error}`);
  }, OVERALL_MS).unref();
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const rig = ensureRig(ROOT, log);
  const vsix = packageVsix();
  summary.vsix = { file: path.relative(ROOT, vsix), bytes: fs.statSync(vsix).size };
  const caps = await serverCapabilities(path.join(ROOT, 'dist', 'server.js'));
  summary.serverCapabilities = { hoverProvider: Boolean(caps.hoverProvider), codeActionProvider: Boolean(caps.codeActionProvider) };
  const registry = await startRegistry();
  const ws = workspace();
  const manifest = path.join(ws, 'package.json');
  const settings = {
    'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off', 'update.mode': 'none',
    'extensions.autoUpdate': false, 'extensions.autoCheckUpdates': false, 'extensions.ignoreRecommendations': true,
    'git.openRepositoryInParentFolders': 'never', 'json.schemaDownload.enable': false, 'editor.hover.delay': 300,
    // VS Code's own npm extension would look packages up on npmjs.com for its package.json hover
    'npm.fetchOnlinePackageInfo': false,
    'vigil.registry': registry.url, 'vigil.asOf': AS_OF, 'vigil.trace.server': 'messages',
  };
  const server = await startCodeServer({ paths: rig, workspace: ws, vsix, settings, logsTo: path.join(ARTIFACTS, 'logs'), log });
  cleanups.push(() => server.stop());
  summary.extensions = server.extensions;
  const browser = await launchBrowser(rig);
  page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
  page.setDefaultTimeout(30_000);

  await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`, { timeout: 60_000 });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  log('workbench ready');
  await quickOpen(page, 'package.json');

  await step('squiggle under "ua-parser-js" (install-script-added, error)', undefined, async () => {
    const state = await waitForSquiggle(page, KEY, 'error', 90_000);
    const counts = await statusProblems(page);
    summary.statusBar = counts.label;
    await shot('01-editor.png');
    const box = await page.locator(EDITOR).first().boundingBox();
    await shot('02-squiggle.png', { x: Math.max(0, box.x - 40), y: box.y, width: 760, height: 280 });
    if (counts.errors < 1) throw new Error(`the status bar counts no errors: ${JSON.stringify(counts.label)}`);
    return `${state.squiggles.map((s) => s.cls).join(', ')} on ${JSON.stringify(state.content.trim())}; status bar: ${counts.label}`;
  });

  await step('Problems panel entry', undefined, async () => {
    const rows = await problemsRows(page, /ua-parser-js@0\.7\.23[^]*preinstall/, 30_000);
    fs.writeFileSync(path.join(ARTIFACTS, 'problems.txt'), `${rows.map((r) => `${r.text}\n    ${r.aria}`).join('\n')}\n`);
    await shot('03-problems.png');
    const row = rows.find((r) => /ua-parser-js@0\.7\.23/.test(r.aria));
    if (!/^Error: /.test(row.aria)) throw new Error(`the row is not an error: ${row.aria}`);
    if (!/Pin 0\.7\.22/.test(row.aria)) throw new Error(`the row does not name the pin: ${row.aria}`);
    // "vigil(install-script-added)" on screen; the parentheses are CSS, not text
    if (!/vigil\(?install-script-added\)?\s*\[Ln 7, Col 5\]$/.test(row.text)) throw new Error(`the row does not end in vigil(install-script-added) [Ln 7, Col 5]: ${row.text}`);
    await page.keyboard.press('Control+Shift+M'); // back to the editor, panel stays open
    return `${rows.length} rows; ${row.text.replace(/^(.{60}).*?(vigil\(?install.*)$/, '$1… $2')}`;
  });

  const noHover = caps.hoverProvider ? undefined : 'dist/server.js advertises no hoverProvider (server/src/lsp/hover.ts has not landed)';
  await step('hover card with maintainer history', noHover, async () => {
    const text = await hoverOver(page, 'ua-parser-js', /maintainer/i, 45_000);
    fs.writeFileSync(path.join(ARTIFACTS, 'hover.txt'), `${text}\n`);
    await shot('04-hover.png');
    // the card's maintainer table: account, since, versions, published
    if (!/^Maintainers$/m.test(text)) throw new Error(`the hover has no Maintainers section: ${text.slice(0, 300)}`);
    if (!/^faisalman\s+2012-07-28\s+\d+\s/m.test(text)) throw new Error(`the hover's maintainer history lacks faisalman's row: ${text.slice(0, 600)}`);
    // the card is taller than the hover: scroll it to the maintainer table for a second screenshot
    if (await scrollHoverTo(page, 'Maintainers')) await shot('04-hover-maintainers.png');
    else log('could not scroll the hover to its Maintainers section (screenshot skipped)');
    await page.mouse.move(WIDTH * 0.75, HEIGHT * 0.3);
    await page.keyboard.press('Escape');
    return text.split('\n').find((l) => /^faisalman\s/.test(l))?.replace(/\s+/g, ' ').trim();
  });

  const noFix = caps.codeActionProvider ? undefined : 'dist/server.js advertises no codeActionProvider (server/src/lsp/codeActions.ts has not landed)';
  await step(`quick fix "Pin ${PIN}" rewrites package.json`, noFix, async () => {
    const pattern = new RegExp(`^Pin ua-parser-js to ${PIN.replace(/\./g, '\\.')}$`);
    const actions = await openQuickFix(page, 'ua-parser-js', pattern, 30_000);
    await shot('05-quick-fix.png');
    const applied = await applyQuickFix(page, pattern);
    await page.waitForFunction((text) => {
      const line = [...document.querySelectorAll('.editor-group-container.active .monaco-editor .view-line')]
        .find((l) => l.textContent.replace(/\u00a0/g, ' ').includes(text));
      return line?.textContent.replace(/\u00a0/g, ' ');
    }, `${KEY}: "${PIN}"`, { timeout: 15_000, polling: 200 });
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 15_000 });
    const onDisk = await pinnedOnDisk(manifest, 10_000);
    if (onDisk !== PIN) throw new Error(`package.json on disk has ${JSON.stringify(onDisk)} for ua-parser-js`);
    await waitForNoSquiggle(page, KEY, 'error', 60_000);
    await shot('06-pinned.png');
    const line = (await textState(page, KEY)).content.trim();
    return `applied "${applied}" of [${actions.join(' | ')}]; now ${line}`;
  });
}

try {
  await main();
  const skipped = summary.steps.filter((s) => s.status === 'skip');
  await finish(0, skipped.length ? `PASS with ${skipped.length} skipped (missing server features)` : 'PASS');
} catch (error) {
  if (error instanceof RigUnavailable) {
    summary.skip = error.message;
    await finish(77, `SKIP: ${error.message}`);
  }
  summary.error ??= String(error?.stack ?? error);
  log(summary.error);
  await finish(1, `FAIL: ${String(error?.message ?? error).split('\n')[0]}`);
}
