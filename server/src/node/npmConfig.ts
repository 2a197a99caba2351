/**
 * npm's configuration for a folder, read with npm's own loader (@npmcli/config): project `.npmrc` at
 * npm's local prefix, user `.npmrc` (or `npm_config_userconfig`), global `$PREFIX/etc/npmrc`, npm's
 * builtin `npmrc`, and `npm_config_*` environment variables. npmConfigValues.ts turns the result into
 * what Vigil needs: registries, credentials (tokens and client certificates), TLS and proxy settings.
 *
 * It never throws and never reports a value it read: a config file may hold tokens, so only file
 * paths, variable names and (credential-free) registry URLs leave this module as text.
 */
import { constants as fsConstants } from 'node:fs';
import { access, realpath } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import Config = require('@npmcli/config');
import { definitions, flatten, nerfDarts, shorthands } from '@npmcli/config/lib/definitions';
import { RegistryCredentials } from './npmAuth';
import { interpretConfig, type NpmConfig } from './npmConfigValues';
import { proxyRules } from './proxy';
import { NPM_DEFAULT_REGISTRY } from './registryUrl';

export type { NpmConfig, ScopedRegistry } from './npmConfigValues';

export interface NpmRegistryConfig {
  /** Normalized registry base URL (ends in "/", no credentials). */
  registry: string;
  /** Where it came from, for people: "/path/.npmrc", "npm_config_registry", "npm default (…why…)". */
  source: string;
}

/** Test seams; in production all three are discovered the way the `npm` on PATH would see them. */
export interface NpmLocationOptions {
  /** npm's install folder (its builtin `npmrc` lives there). */
  npmPath?: string;
  /** The node binary npm runs on; npm derives the global prefix from it. */
  execPath?: string;
  platform?: NodeJS.Platform;
}

export interface NpmReadOptions {
  /**
   * false: ignore the project's `.npmrc` (an untrusted workspace must not choose the registry, or make
   * Vigil send the user's token somewhere). Done the way npm itself skips it: as under `npm --global`.
   */
  projectConfig?: boolean;
}

type Env = Record<string, string | undefined>;

export async function readNpmConfig(
  projectDir: string,
  env: Env = process.env,
  location: NpmLocationOptions = {},
  read: NpmReadOptions = {},
): Promise<NpmConfig> {
  try {
    const platform = location.platform ?? process.platform;
    const execPath = location.execPath ?? (await nodeExecPath(env, platform));
    const npmPath = location.npmPath ?? (await locateNpm(env, platform, execPath));
    const config = new Config({
      definitions,
      shorthands,
      flatten,
      nerfDarts,
      npmPath,
      // nopt skips the first two entries (node and script), as in process.argv.
      argv: read.projectConfig === false ? ['node', 'npm', '--global'] : [],
      cwd: resolve(projectDir),
      // load() writes npm_config_* and INIT_CWD into the env it is given; never let it touch ours.
      env: { ...env },
      platform,
      execPath,
    });
    await config.load();
    return interpretConfig(config, env, resolve(projectDir));
  } catch {
    return {
      registry: NPM_DEFAULT_REGISTRY,
      source: "npm default (npm's configuration could not be read)",
      scopes: new Map(),
      credentials: new RegistryCredentials(),
      tls: { strictSSL: true },
      proxy: proxyRules({}, env),
      notes: [],
    };
  }
}

/** Only the default registry and its source. */
export async function readNpmRegistryConfig(
  projectDir: string,
  env: Env = process.env,
  location: NpmLocationOptions = {},
  read: NpmReadOptions = {},
): Promise<NpmRegistryConfig> {
  const { registry, source } = await readNpmConfig(projectDir, env, location, read);
  return { registry, source };
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First `command` on PATH (with Windows' PATHEXT), as a shell would find it. */
export async function findOnPath(command: string, env: Env, platform: NodeJS.Platform): Promise<string | undefined> {
  const pathVar = env.PATH ?? env.Path ?? '';
  const sep = platform === 'win32' ? ';' : delimiter;
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of pathVar.split(sep)) {
    if (dir === '') continue;
    for (const ext of exts) {
      const candidate = join(dir, command + ext.toLowerCase());
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * npm computes the global prefix from the node binary it runs on. Inside VS Code this process runs on
 * Electron, whose binary says nothing about the user's npm, so there the `node` on PATH is the one npm uses.
 */
async function nodeExecPath(env: Env, platform: NodeJS.Platform): Promise<string> {
  if (process.versions.electron === undefined) return process.execPath;
  return (await findOnPath('node', env, platform)) ?? process.execPath;
}

/** npm's install folder: from npm_execpath (set under npm scripts), the `npm` on PATH, or next to node. */
async function locateNpm(env: Env, platform: NodeJS.Platform, execPath: string): Promise<string> {
  const fromCli = async (file: string | undefined): Promise<string | undefined> => {
    if (!file) return undefined;
    const real = await realpath(file).catch(() => undefined);
    return real && /[\\/]bin[\\/]npm-cli\.js$/.test(real) ? dirname(dirname(real)) : undefined;
  };
  const viaEnv = await fromCli(env.npm_execpath);
  if (viaEnv) return viaEnv;
  const npmOnPath = await findOnPath('npm', env, platform);
  const viaPath = await fromCli(npmOnPath);
  if (viaPath) return viaPath;
  // Windows installs npm.cmd next to node.exe with npm in node_modules beside it.
  if (platform === 'win32') return join(npmOnPath ? dirname(npmOnPath) : dirname(execPath), 'node_modules', 'npm');
  return join(dirname(dirname(execPath)), 'lib', 'node_modules', 'npm');
}
