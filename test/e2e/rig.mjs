// The real VS Code for the end-to-end tests: code-server 4.96.4 (VS Code 1.96.4, Node extension host) and
// headless Debian Chromium driven by playwright-core, as installed by the shared rig's setup.sh (see
// ../shared/e2e/README.md). This module finds (or installs) the rig, starts code-server on a free loopback
// port with a fresh profile and the given .vsix, and stops exactly the processes it started.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Thrown when the rig itself cannot be installed or started: the test is skipped (exit 77), not failed. */
export class RigUnavailable extends Error {}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function rigPaths(root) {
  const rig = path.resolve(process.env.VSCODE_RIG || path.join(os.homedir(), '.cache', 'vscode-rig'));
  return {
    rig,
    entry: path.join(rig, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
    setup: path.resolve(process.env.VSCODE_RIG_SETUP || path.join(root, '..', 'shared', 'e2e', 'setup.sh')),
  };
}

function rigProblem(paths) {
  if (!fs.existsSync(paths.entry)) return `no code-server in ${paths.rig}`;
  if (!fs.existsSync(paths.chromium)) return `no Chromium at ${paths.chromium}`;
  try {
    createRequire(path.join(paths.rig, 'package.json')).resolve('playwright-core');
  } catch {
    return `no playwright-core in ${paths.rig}`;
  }
  return undefined;
}

/**
 * The rig, installed with setup.sh when missing (unless VIGIL_E2E_SETUP=0); RigUnavailable when that is
 * not possible (no setup.sh, no apt/npm access, not Node 20).
 */
export function ensureRig(root, log) {
  const paths = rigPaths(root);
  let problem = rigProblem(paths);
  if (!problem) return paths;
  if (process.env.VIGIL_E2E_SETUP === '0') throw new RigUnavailable(`${problem} (VIGIL_E2E_SETUP=0: not installing it)`);
  if (!fs.existsSync(paths.setup)) {
    throw new RigUnavailable(`${problem}, and no setup.sh to install it at ${paths.setup} (set VSCODE_RIG_SETUP)`);
  }
  log(`${problem}: installing the rig with ${paths.setup} ${paths.rig} (~80 s)`);
  const setup = spawnSync('bash', [paths.setup, paths.rig], { stdio: 'inherit', timeout: 15 * 60_000 });
  problem = rigProblem(paths);
  if (setup.status !== 0 || problem) {
    throw new RigUnavailable(`setup.sh could not install the rig (exit ${setup.status ?? setup.signal})${problem ? `: ${problem}` : ''}`);
  }
  return paths;
}

export function loadPlaywright(paths) {
  return createRequire(path.join(paths.rig, 'package.json'))('playwright-core');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function pidsInGroup(pgid) {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** SIGTERM the group leader, then each process left in its group, then SIGKILL: only what we started. */
async function stopGroup(pgid) {
  try {
    process.kill(pgid, 'SIGTERM');
  } catch {
    // already gone
  }
  for (const [signal, polls] of [['SIGTERM', 30], ['SIGKILL', 10]]) {
    for (let i = 0; i < 30 && pidsInGroup(pgid).includes(pgid); i++) await sleep(100);
    const left = pidsInGroup(pgid);
    if (left.length === 0) return;
    for (const pid of left) {
      try {
        process.kill(pid, signal);
      } catch {
        // gone meanwhile
      }
    }
    for (let i = 0; i < polls && pidsInGroup(pgid).length > 0; i++) await sleep(100);
  }
}

/**
 * Starts code-server for `workspace` with `vsix` (one path or a list) installed and `settings` as the user settings.
 * Returns { url, tmp, stop() }; stop() also copies VS Code's logs to `logsTo`.
 */
export async function startCodeServer({ paths, workspace, vsix, settings, logsTo, log }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-'));
  const env = {
    ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'), TMPDIR: path.join(tmp, 'tmp'), VSCODE_PROXY_URI: '',
  };
  fs.mkdirSync(path.join(tmp, 'tmp'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'ud', 'User'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'ud', 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  fs.writeFileSync(path.join(tmp, 'config.yaml'), 'auth: none\ncert: false\n');
  const base = [paths.entry, '--config', path.join(tmp, 'config.yaml'), '--user-data-dir', path.join(tmp, 'ud'),
    '--extensions-dir', path.join(tmp, 'ext')];
  let child;
  const stop = async () => {
    if (child?.pid) await stopGroup(child.pid);
    child = undefined;
    try {
      const logs = path.join(tmp, 'ud', 'logs');
      if (logsTo && fs.existsSync(logs)) fs.cpSync(logs, logsTo, { recursive: true });
    } catch {
      // logs are a convenience
    }
    if (!process.env.VIGIL_E2E_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    for (const file of [vsix].flat()) {
      const install = spawnSync(process.execPath, [...base, '--install-extension', file, '--force'],
        { env, encoding: 'utf8', timeout: 120_000 });
      const text = `${install.stdout ?? ''}${install.stderr ?? ''}`;
      if (install.status !== 0 || !/successfully installed/i.test(text)) {
        throw new Error(`code-server --install-extension ${path.basename(file)} failed (exit ${install.status}):\n${text}`);
      }
    }
    const list = spawnSync(process.execPath, [...base, '--list-extensions', '--show-versions'], { env, encoding: 'utf8', timeout: 60_000 });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const out = fs.openSync(path.join(logsTo ? path.dirname(logsTo) : tmp, 'code-server.log'), 'w');
    child = spawn(process.execPath, [...base, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
      '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', workspace],
    { env, cwd: tmp, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    log(`code-server pid ${child.pid} on ${url}`);
    const end = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new RigUnavailable(`code-server exited with ${child.exitCode} before answering`);
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > end) throw new RigUnavailable(`code-server did not answer ${url}/healthz within 60 s`);
      await sleep(200);
    }
    return { url, tmp, stop, extensions: (list.stdout ?? '').trim().split('\n').filter((line) => line.includes('@')) };
  } catch (error) {
    await stop();
    throw error;
  }
}
