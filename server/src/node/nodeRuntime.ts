/**
 * The production Runtime: the system clock, fs reads, and registry clients built from settings and
 * npm's own configuration. Clients are shared: by settings (so a busy editor does not re-read .npmrc
 * files on every keystroke) and, underneath, by (registry URL, cache folder, offline), so two projects
 * that use the same registry share one memory cache and one set of in-flight requests.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RegistryResult } from '../core/registry/types';
import { defaultCacheDir, DiskCache } from './diskCache';
import { readNpmRegistryConfig, type NpmLocationOptions } from './npmConfig';
import { RegistryClient, type RegistryClientOptions, type RegistryClientStats } from './registryClient';
import { normalizeRegistryUrl } from './registryUrl';
import type { CachingRegistry, RegistrySettings, Runtime } from './runtime';

/** Client tuning that is not a user setting (tests shorten timeouts; the bench raises limits). */
export type ClientTuning = Omit<RegistryClientOptions, 'registryUrl' | 'registrySource' | 'cache' | 'offline' | 'log'>;

export interface NodeRuntimeOptions {
  log?: (message: string) => void;
  /** Environment for npm's configuration and the default cache folder. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Where npm lives, for its builtin and global config (tests). Default: found like the `npm` on PATH. */
  npm?: NpmLocationOptions;
  client?: ClientTuning;
}

export interface NodeRuntime extends Runtime {
  /** Forget resolved npm configuration (an .npmrc changed); summaries already cached stay. */
  reloadNpmConfig(): void;
  /** Release network resources (idle keep-alive sockets) so the process can exit at once. */
  dispose(): void;
}

export function nodeRuntime(options: NodeRuntimeOptions = {}): NodeRuntime {
  const log = options.log ?? ((message: string) => void process.stderr.write(`${message}\n`));
  const env = options.env ?? process.env;
  const bySettings = new Map<string, Promise<CachingRegistry>>();
  const clients = new Map<string, RegistryClient>();

  const clientFor = (registryUrl: string, cacheDir: string | null, offline: boolean): RegistryClient => {
    const key = JSON.stringify([registryUrl, cacheDir, offline]);
    let client = clients.get(key);
    if (!client) {
      const cache = cacheDir === null ? null : new DiskCache(cacheDir, log);
      client = new RegistryClient({ ...options.client, registryUrl, registrySource: '', cache, offline, log });
      clients.set(key, client);
    }
    return client;
  };

  const build = async (settings: RegistrySettings, cacheDir: string | null): Promise<CachingRegistry> => {
    const offline = settings.offline ?? false;
    if (settings.registryUrl) {
      const source = settings.registrySource ?? 'configured registry URL';
      const url = normalizeRegistryUrl(settings.registryUrl);
      if (url === undefined) return unusableRegistry(source);
      return withSource(clientFor(url, cacheDir, offline), source);
    }
    const npm = await readNpmRegistryConfig(settings.projectDir, env, options.npm);
    return withSource(clientFor(npm.registry, cacheDir, offline), npm.source);
  };

  return {
    now: () => new Date(),
    readFile: (path) => readFile(path, 'utf8'),
    log,
    registry(settings) {
      const cacheDir = settings.cacheDir === null ? null : settings.cacheDir ? resolve(settings.cacheDir) : defaultCacheDir(env);
      // An explicit URL makes the project folder irrelevant; leaving it out lets all projects share.
      const where = settings.registryUrl ? [settings.registryUrl, settings.registrySource ?? ''] : [resolve(settings.projectDir)];
      const key = JSON.stringify([...where, cacheDir, settings.offline ?? false]);
      let registry = bySettings.get(key);
      if (!registry) {
        registry = build(settings, cacheDir);
        bySettings.set(key, registry);
      }
      return registry;
    },
    reloadNpmConfig: () => bySettings.clear(),
    dispose() {
      for (const client of clients.values()) client.close();
    },
  };
}

/** The shared client seen through one settings' eyes: same cache and requests, its own source label. */
function withSource(client: RegistryClient, registrySource: string): CachingRegistry {
  return {
    registryUrl: client.registryUrl,
    registrySource,
    get stats(): RegistryClientStats {
      return client.stats;
    },
    peek: (name) => client.peek(name),
    getPackument: (name, signal) => client.getPackument(name, signal),
  };
}

/**
 * A configured URL that is not http(s): fail closed. Falling back to another registry would send the
 * project's (possibly private) package names somewhere the user did not choose.
 */
function unusableRegistry(source: string): CachingRegistry {
  const answer = (name: string): Promise<RegistryResult> =>
    Promise.resolve({ ok: false, error: { kind: 'network', message: `No registry was asked about ${name}: ${source} is not an http(s) URL.` } });
  return {
    registryUrl: '',
    registrySource: `${source} (not a valid http(s) URL)`,
    stats: { requests: 0, bytesRead: 0, memoryHits: 0, diskHits: 0 },
    peek: () => undefined,
    getPackument: answer,
  };
}
