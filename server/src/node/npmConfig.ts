/**
 * The registry npm itself would use for a folder, read with npm's own configuration loader
 * (@npmcli/config): project `.npmrc` at npm's local prefix, user `.npmrc` (or `npm_config_userconfig`),
 * global `$PREFIX/etc/npmrc`, npm's builtin `npmrc`, and `npm_config_*` environment variables.
 *
 * It never throws and never reports a value it read: a config file may hold tokens, so only file
 * paths, variable names and the (credential-free) registry URL leave this module.
 */
import { constants as fsConstants } from 'node:fs';
import { access, realpath } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import Config = require('@npmcli/config');
import { definitions, flatten, nerfDarts, shorthands } from '@npmcli/config/lib/definitions';
import { NPM_DEFAULT_REGISTRY, normalizeRegistryUrl } from './registryUrl';

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

type Env = Record<string, string | undefined>;
type Where = 'default' | 'builtin' | 'project' | 'user' | 'global' | 'env' | 'cli';

/** Highest priority first, as npm layers them. */
const LAYERS: readonly Where[] = ['cli', 'env', 'project', 'user', 'global', 'builtin', 'default'];
const FILE_LAYERS: readonly Where[] = ['project', 'user', 'global', 'builtin'];

export async function readNpmRegistryConfig(
  projectDir: string,
  env: Env = process.env,
  options: NpmLocationOptions = {},
): Promise<NpmRegistryConfig> {
  try {
    const platform = options.platform ?? process.platform;
    const execPath = options.execPath ?? (await nodeExecPath(env, platform));
    const npmPath = options.npmPath ?? (await locateNpm(env, platform, execPath));
    const config = new Config({
      definitions,
      shorthands,
      flatten,
      nerfDarts,
      npmPath,
      argv: [],
      cwd: resolve(projectDir),
      // load() writes npm_config_* and INIT_CWD into the env it is given; never let it touch ours.
      env: { ...env },
      platform,
      execPath,
    });
    await config.load();
    return pickRegistry(config, env);
  } catch {
    return { registry: NPM_DEFAULT_REGISTRY, source: "npm default (npm's configuration could not be read)" };
  }
}

/** The highest layer with a usable registry; layers with an unusable one are named, not quoted. */
function pickRegistry(config: Config, env: Env): NpmRegistryConfig {
  const notes: string[] = [];
  for (const where of FILE_LAYERS) {
    const layer = config.data.get(where);
    const code = layer?.loadError?.code;
    if (layer?.source && code && code !== 'ENOENT') notes.push(`${layer.source} could not be read: ${code}`);
  }
  for (const where of LAYERS) {
    const value = config.get('registry', where);
    if (typeof value !== 'string') continue;
    const registry = normalizeRegistryUrl(value);
    const source = describeLayer(config, where, env);
    if (registry === undefined) {
      notes.push(`the registry set in ${source} is not a valid http(s) URL`);
      continue;
    }
    return { registry, source: notes.length > 0 ? `${source} (${notes.join('; ')})` : source };
  }
  // Unreachable in practice: the default layer always holds npm's default URL.
  return { registry: NPM_DEFAULT_REGISTRY, source: `npm default (${notes.join('; ')})` };
}

function describeLayer(config: Config, where: Where, env: Env): string {
  switch (where) {
    case 'default':
      return 'npm default';
    case 'env':
      // Name the variable as the user spelled it (npm matches it case-insensitively).
      return Object.keys(env).find((key) => /^npm_config_registry$/i.test(key) && env[key] !== '') ?? 'npm_config_registry';
    case 'cli':
      return 'npm command line';
    default:
      return config.data.get(where)?.source ?? `npm ${where} config`;
  }
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
