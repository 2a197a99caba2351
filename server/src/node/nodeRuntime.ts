/**
 * The production Runtime: the system clock, fs reads, and registries built from settings and npm's own
 * configuration (registries per scope, credentials, proxy, TLS; see registries.ts). Shared: by settings
 * (so a busy editor does not re-read .npmrc files on every keystroke) and, underneath, one client per
 * registry reached the same way, so projects that use it share one memory cache and in-flight requests.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AdvisoryClients, type AdvisoryTuning } from './advisoryClient';
import { defaultCacheDir, removeCachedData } from './diskCache';
import { ResultCache } from './resultCache';
import { runGit } from './git';
import { highImpactIndex } from './highImpact';
import { readNpmConfig, type NpmLocationOptions } from './npmConfig';
import { RegistryPool, routeRegistries, type ClientTuning } from './registries';
import type { CachingRegistry, RegistrySettings, Runtime } from './runtime';

export type { ClientTuning } from './registries';

export interface NodeRuntimeOptions {
  log?: (message: string) => void;
  /** Environment for npm's configuration and the default cache folder. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Where npm lives, for its builtin and global config (tests). Default: found like the `npm` on PATH. */
  npm?: NpmLocationOptions;
  client?: ClientTuning;
  advisoryClient?: AdvisoryTuning;
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
  // Replaced (not emptied) by clearCache: registry clients that callers still hold keep working, unshared.
  let pool = new RegistryPool(options.client, log);
  const noted = new Set<string>();
  let advisoryClients = new AdvisoryClients(options.advisoryClient, log);
  const cacheDirFor = (settings: RegistrySettings): string | null =>
    settings.cacheDir === null ? null : settings.cacheDir ? resolve(settings.cacheDir) : defaultCacheDir(env);

  const build = async (settings: RegistrySettings, cacheDir: string | null): Promise<CachingRegistry> => {
    const projectConfig = !settings.untrustedWorkspace;
    const npm = await readNpmConfig(settings.projectDir, env, options.npm, { projectConfig });
    // Every project folder reads the same user config: say each thing once, not once per package.json.
    for (const note of npm.notes) {
      if (noted.has(note)) continue;
      noted.add(note);
      log(`npm config: ${note}`);
    }
    return routeRegistries(settings, npm, cacheDir, pool);
  };

  const runtime: NodeRuntime = {
    now: () => new Date(),
    readFile: (path) => readFile(path, 'utf8'),
    writeFile: (path, text) => writeFile(path, text, 'utf8'),
    git: runGit,
    listDir: (path) => readdir(path),
    log,
    highImpact: highImpactIndex,
    registry(settings) {
      const cacheDir = cacheDirFor(settings);
      // The project folder matters even with an explicit URL: its .npmrc still says scopes, tokens and proxies.
      const key = JSON.stringify([
        resolve(settings.projectDir),
        settings.registryUrl ?? '',
        settings.registrySource ?? '',
        cacheDir,
        settings.offline ?? false,
        settings.httpProxy ?? '',
        settings.httpProxyStrictSSL ?? true,
        settings.httpNoProxy ?? [],
        settings.untrustedWorkspace ?? false,
        settings.publicRegistryUrl === undefined ? '' : settings.publicRegistryUrl,
      ]);
      let registry = bySettings.get(key);
      if (!registry) {
        registry = build(settings, cacheDir);
        bySettings.set(key, registry);
      }
      return registry;
    },
    // The same registry the packuments come from (URL resolved once, via registry()), asked the way npm audit does.
    async advisories(settings) {
      return advisoryClients.get(await runtime.registry(settings), settings.offline ?? false, cacheDirFor(settings));
    },
    resultCache(settings) {
      const cacheDir = cacheDirFor(settings);
      return cacheDir === null ? undefined : new ResultCache(cacheDir, log);
    },
    reloadNpmConfig: () => bySettings.clear(),
    async clearCache(cacheDir) {
      // New clients have empty memories; the old ones are left to finish (or be aborted by) what they are
      // doing and are then unreferenced. Their idle connections are closed.
      const [oldPool, oldAdvisories] = [pool, advisoryClients];
      pool = new RegistryPool(options.client, log);
      advisoryClients = new AdvisoryClients(options.advisoryClient, log);
      bySettings.clear();
      const dir = cacheDir === null ? null : cacheDir ? resolve(cacheDir) : defaultCacheDir(env);
      const cleared = dir === null ? true : await removeCachedData(dir);
      oldPool.close();
      oldAdvisories.close();
      return cleared;
    },
    dispose() {
      pool.close();
      advisoryClients.close();
    },
  };
  return runtime;
}
