/**
 * What a loaded @npmcli/config says about the network, read from its flattened options (the object npm
 * hands to npm-registry-fetch), so every layer, `${VAR}` expansion and precedence rule is npm's own: the
 * default registry, `@scope:registry` mappings, credentials and client certificates per nerf dart,
 * strict-ssl, ca/cafile, and the proxies (with the environment fallbacks npm's HTTP agent applies).
 *
 * Notes for people name keys, files and variables; values never leave as text (secrets are Secret).
 */
import { readFileSync } from 'node:fs';
import type Config = require('@npmcli/config');
import { readCredentials, type AuthField, type RegistryCredentials } from './npmAuth';
import { proxyRules, type NpmProxyInput, type ProxyRules } from './proxy';
import type { TlsSettings } from './proxyAgents';
import { NPM_DEFAULT_REGISTRY, normalizeRegistryUrl } from './registryUrl';

type Env = Record<string, string | undefined>;
type Where = 'default' | 'builtin' | 'project' | 'user' | 'global' | 'env' | 'cli';

export interface ScopedRegistry {
  /** Normalized URL; undefined when the configured value is not a usable http(s) URL (lookups then fail closed). */
  registry: string | undefined;
  /** Where the mapping was set: a file path or an environment variable. */
  source: string;
}

export interface NpmConfig {
  /** npm's default registry (normalized), and where it came from. */
  registry: string;
  source: string;
  /** `@scope` → its registry, from `@scope:registry=` lines. */
  scopes: ReadonlyMap<string, ScopedRegistry>;
  credentials: RegistryCredentials;
  tls: TlsSettings;
  proxy: ProxyRules;
  /** Things worth a line in the log: unreadable files, ignored values. Names only, never values. */
  notes: string[];
}

/** Highest priority first, as npm layers them. */
const LAYERS: readonly Where[] = ['cli', 'env', 'project', 'user', 'global', 'builtin', 'default'];
const FILE_LAYERS: readonly Where[] = ['project', 'user', 'global', 'builtin'];
const LEGACY: readonly AuthField[] = ['_authToken', '_auth', 'username', '_password'];

/** `baseDir`: the folder npm would run in, which relative `certfile`/`keyfile` paths are relative to. */
export function interpretConfig(config: Config, env: Env, baseDir: string): NpmConfig {
  const notes: string[] = [];
  const describe = (key: string): string => describeKey(config, key, env);
  const { registry, source } = pickRegistry(config, env);
  const flat = flatOptions(config, env, notes);
  const legacyValues: Partial<Record<AuthField, unknown>> = {};
  for (const field of LEGACY) legacyValues[field] = config.get(field);
  const legacyRegistry = config.get('registry');
  const { credentials, notes: authNotes } = readCredentials({
    flat,
    legacy: { registry: typeof legacyRegistry === 'string' ? legacyRegistry : NPM_DEFAULT_REGISTRY, values: legacyValues },
    describe,
    baseDir,
  });
  notes.push(...authNotes);
  const scopes = new Map<string, ScopedRegistry>();
  for (const [key, value] of Object.entries(flat)) {
    if (!/^@.*:registry$/i.test(key) || typeof value !== 'string') continue;
    const scope = key.slice(0, -':registry'.length);
    const url = normalizeRegistryUrl(value);
    if (url === undefined) notes.push(`${key} in ${describe(key)} is not a valid http(s) URL; packages in ${scope} are not looked up anywhere`);
    scopes.set(scope, { registry: url, source: describe(key) });
  }
  return { registry, source, scopes, credentials, tls: tlsSettings(flat), proxy: proxyRules(proxyInput(flat, describe), env), notes };
}

/** npm's proxy keys as flattened (`https-proxy` → httpsProxy, `noproxy` → noProxy); `proxy=false` counts as unset, as in npm. */
function proxyInput(flat: Record<string, unknown>, describe: (key: string) => string): NpmProxyInput {
  const input: NpmProxyInput = {};
  const httpsProxy = flat['httpsProxy'];
  const proxy = flat['proxy'];
  if (typeof httpsProxy === 'string' && httpsProxy !== '') input.httpsProxy = { value: httpsProxy, where: describe('https-proxy') };
  if (typeof proxy === 'string' && proxy !== '') input.proxy = { value: proxy, where: describe('proxy') };
  if (typeof flat['noProxy'] === 'string') input.noProxy = flat['noProxy'];
  return input;
}

function tlsSettings(flat: Record<string, unknown>): TlsSettings {
  const raw = flat['ca'];
  const ca = (Array.isArray(raw) ? raw : [raw]).filter((pem): pem is string => typeof pem === 'string' && pem.trim() !== '');
  return { strictSSL: flat['strictSSL'] !== false, ...(ca.length > 0 && { ca }) };
}

/**
 * npm's flattened options. npm reads `cafile` while flattening and throws if it exists but cannot be
 * read; here such a cafile is dropped (the default roots stay, which is stricter, not looser) and noted.
 */
function flatOptions(config: Config, env: Env, notes: string[]): Record<string, unknown> {
  for (let attempt = 0; attempt < LAYERS.length; attempt++) {
    const cafile = config.get('cafile');
    const where = config.find('cafile');
    if (typeof cafile === 'string' && cafile !== '' && where !== null) {
      const code = readError(cafile);
      if (code === 'ENOENT') notes.push(`cafile ${cafile} (set in ${describeKey(config, 'cafile', env)}) does not exist; npm ignores it too`);
      else if (code !== undefined) {
        notes.push(`cafile ${cafile} (set in ${describeKey(config, 'cafile', env)}) could not be read: ${code}`);
        config.delete('cafile', where);
        continue;
      }
    }
    break;
  }
  try {
    return config.flat;
  } catch {
    notes.push("npm's configuration could not be flattened; using npm's defaults for the network");
    return {};
  }
}

function readError(file: string): string | undefined {
  try {
    readFileSync(file);
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : 'unknown error';
  }
}

/** The highest layer with a usable registry; layers with an unusable one are named, not quoted. */
function pickRegistry(config: Config, env: Env): { registry: string; source: string } {
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
    const source = describeLayer(config, where, 'registry', env);
    if (registry === undefined) {
      notes.push(`the registry set in ${source} is not a valid http(s) URL`);
      continue;
    }
    return { registry, source: notes.length > 0 ? `${source} (${notes.join('; ')})` : source };
  }
  // Unreachable in practice: the default layer always holds npm's default URL.
  return { registry: NPM_DEFAULT_REGISTRY, source: `npm default (${notes.join('; ')})` };
}

/** Where the value of `key` that npm uses was set. */
export function describeKey(config: Config, key: string, env: Env): string {
  const where = config.find(key);
  return where === null ? 'npm config' : describeLayer(config, where, key, env);
}

function describeLayer(config: Config, where: Where, key: string, env: Env): string {
  switch (where) {
    case 'default':
      return 'npm default';
    case 'env':
      // Name the variable as the user spelled it (npm matches npm_config_* case-insensitively).
      return Object.keys(env).find((name) => env[name] !== '' && envConfigKey(name) === key) ?? `npm_config_${key}`;
    case 'cli':
      return 'npm command line';
    default:
      return config.data.get(where)?.source ?? `npm ${where} config`;
  }
}

/** The config key npm derives from an environment variable name (@npmcli/config's loadEnv), or undefined. */
function envConfigKey(name: string): string | undefined {
  if (!/^npm_config_/i.test(name)) return undefined;
  const key = name.slice('npm_config_'.length);
  return key.startsWith('//') ? key : key.replace(/(?!^)_/g, '-').toLowerCase();
}
