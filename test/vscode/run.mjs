#!/usr/bin/env node
// npm run test:vscode — the extension-host suite (test/vscode/suite) in a desktop VS Code that
// @vscode/test-electron downloads into .vscode-test/. Needs @vscode/test-cli and @vscode/test-electron
// (devDependencies), a display (or xvfb-run) on Linux, and either a cached VS Code or access to
// update.code.visualstudio.com. Where one of those is missing it prints "SKIP: <reason>" and exits 77;
// `npm run test:e2e` runs a real VS Code (code-server) on machines that cannot download one.
//
// It starts the loopback fixture registry (recorded packuments + incident replays), copies examples/demo to
// a temporary workspace, writes a profile whose settings point Vigil at that registry as of the demo's
// instant, and runs `vscode-test --config test/vscode/.vscode-test.mjs`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONFIG = path.join(ROOT, 'test', 'vscode', '.vscode-test.mjs');
const VERSION = process.env.VSCODE_TEST_VERSION || '1.96.4';
/** scripts/demo.mjs's instant: one hour after the last replayed attack. */
const AS_OF = '2026-02-03T01:15:00Z';
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const INSTALL = 'npm install --save-dev --save-exact @vscode/test-cli@0.0.12 @vscode/test-electron@2.5.2 mocha@11.7.5';
const require = createRequire(path.join(ROOT, 'package.json'));

function skip(reason) {
  console.log(`SKIP: ${reason}`);
  process.exit(77);
}

function resolveOrSkip(name) {
  try {
    return require.resolve(name);
  } catch {
    return skip(`${name} is not installed (${INSTALL})`);
  }
}

/** VS Code from .vscode-test/, downloaded there first if needed; skips when that is impossible. */
async function vscodeExecutable() {
  const electron = await import(pathToFileURL(resolveOrSkip('@vscode/test-electron')).href);
  const cached = fs.existsSync(path.join(ROOT, '.vscode-test', `vscode-${process.arch === 'arm64' ? 'linux-arm64' : 'linux-x64'}-${VERSION}`, 'is-complete'));
  if (!cached) console.log(`VS Code ${VERSION} is not in .vscode-test/: downloading it from update.code.visualstudio.com`);
  try {
    return await electron.downloadAndUnzipVSCode({ version: VERSION, cachePath: path.join(ROOT, '.vscode-test'), timeout: 15_000 });
  } catch (error) {
    return skip(`VS Code ${VERSION} is not cached in .vscode-test/ and cannot be downloaded ` +
      `(${String(error?.message ?? error).split('\n')[0]}). On this machine, npm run test:e2e runs a real VS Code (code-server) instead.`);
  }
}

/** The command line, under xvfb-run when Linux has no display (Electron needs one). */
function withDisplay(command) {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return command;
  if (spawnSync('xvfb-run', ['--help'], { stdio: 'ignore' }).error) {
    return skip('no display for Electron: set DISPLAY, or install xvfb (apt-get install xvfb) for xvfb-run');
  }
  return ['xvfb-run', '-a', ...command];
}

async function main() {
  // the package exports no package.json: its bin (out/bin.mjs) sits beside the CommonJS entry out/index.cjs
  const cli = path.join(path.dirname(resolveOrSkip('@vscode/test-cli')), 'bin.mjs');
  const executable = await vscodeExecutable();
  const command = withDisplay([process.execPath, cli, '--config', CONFIG]);
  console.log(`VS Code: ${executable}`);

  const { startFixtureRegistry } = await import(pathToFileURL(path.join(ROOT, 'scripts', 'fixture-registry.mjs')).href);
  const scenarios = path.join(FIXTURES, 'scenarios');
  const dirs = [path.join(FIXTURES, 'packuments'), ...fs.readdirSync(scenarios, { withFileTypes: true })
    .filter((entry) => entry.isDirectory()).map((entry) => path.join(scenarios, entry.name, 'registry'))];
  const registry = await startFixtureRegistry({ dirs });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-vscode-test-'));
  try {
    const workspace = path.join(tmp, 'demo');
    const userData = path.join(tmp, 'user-data');
    fs.mkdirSync(workspace);
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'examples', 'demo', 'package.json'), path.join(workspace, 'package.json'));
    // User settings exist before the extension activates, so it never asks another registry.
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
      'vigil.registry': registry.url, 'vigil.asOf': AS_OF, 'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'npm.fetchOnlinePackageInfo': false,
      'json.schemaDownload.enable': false,
    }, null, 2));
    const code = await new Promise((resolve) => {
      const child = spawn(command[0], command.slice(1), {
        cwd: ROOT, stdio: 'inherit',
        env: { ...process.env, VIGIL_VSCODE_WORKSPACE: workspace, VIGIL_VSCODE_USER_DATA: userData, VIGIL_REGISTRY_URL: registry.url },
      });
      child.on('error', () => resolve(1));
      child.on('exit', (status) => resolve(status ?? 1));
    });
    process.exitCode = code;
  } finally {
    await registry.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
