/**
 * From npm's configuration to the registry a package is asked about, as npm routes it: a scoped package
 * goes to its scope's registry (`@scope:registry=`), everything else to the default registry. An explicit
 * registry (`--registry`, `vigil.registry`) replaces the default only, as `npm --registry` does.
 *
 * One RegistryClient per (registry URL, cache folder, offline, connection settings): projects that reach
 * a registry the same way share its memory cache and in-flight requests. The connection settings — the
 * credentials configured for that host, its proxy, TLS — are part of the key as a digest, so a project
 * whose .npmrc holds another token (or none) never borrows a client built with someone else's.
 */
import { createHash } from 'node:crypto';
import type { RegistryResult } from '../core/registry/types';
import type { ClientCertificate } from './clientCert';
import { DiskCache } from './diskCache';
import type { RegistryCredentials } from './npmAuth';
import type { NpmConfig } from './npmConfig';
import { proxyFor, withEditorProxy, type ProxyRules } from './proxy';
import { publicRegistryFor, type CachingPublicRegistry } from './publicRegistry';
import { createAgents, type TlsSettings } from './proxyAgents';
import { RegistryClient, type RegistryClientOptions } from './registryClient';
import { normalizeRegistryUrl } from './registryUrl';
import type { CachingRegistry, RegistryAccess, RegistrySettings, RegistryStats } from './runtime';

/** Client tuning that is not a user setting (tests shorten timeouts; the bench raises limits). */
export type ClientTuning = Omit<
  RegistryClientOptions,
  'registryUrl' | 'registrySource' | 'cache' | 'offline' | 'log' | 'agents' | 'authorization' | 'clientCertificate'
>;

/** How requests reach registries under one configuration. */
export interface Network {
  credentials: RegistryCredentials;
  proxy: ProxyRules;
  tls: TlsSettings;
}

/** npm's network settings with the editor's on top: VS Code's http.proxy replaces npm's proxy, its
 * http.noProxy adds to npm's noproxy, and http.proxyStrictSSL = false turns certificate checks off
 * (true, the default, leaves npm's strict-ssl). */
export function networkFor(npm: NpmConfig, settings: RegistrySettings): Network {
  const tls = settings.httpProxyStrictSSL === false ? { ...npm.tls, strictSSL: false } : npm.tls;
  return { credentials: npm.credentials, proxy: withEditorProxy(npm.proxy, settings.httpProxy, settings.httpNoProxy), tls };
}

export class RegistryPool {
  readonly #clients = new Map<string, RegistryClient>();
  readonly #tuning: ClientTuning;
  readonly #log: (message: string) => void;

  constructor(tuning: ClientTuning = {}, log: (message: string) => void = () => undefined) {
    this.#tuning = tuning;
    this.#log = log;
  }

  client(registryUrl: string, cacheDir: string | null, offline: boolean, network: Network): RegistryClient {
    const url = new URL(registryUrl);
    const key = JSON.stringify([registryUrl, cacheDir, offline, connectionDigest(url, network)]);
    let client = this.#clients.get(key);
    if (!client) {
      const cache = cacheDir === null ? null : new DiskCache(cacheDir, this.#log);
      const agents = createAgents(url, network.proxy, network.tls, this.#tuning.timeoutMs ?? 30_000);
      const authorization = (target: URL): string | undefined => network.credentials.authorizationFor(target);
      const clientCertificate = (target: URL): ClientCertificate | undefined => network.credentials.clientCertificateFor(target);
      const options = { registryUrl, registrySource: '', cache, offline, log: this.#log, agents, authorization, clientCertificate };
      client = new RegistryClient({ ...this.#tuning, ...options });
      this.#clients.set(key, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.#clients.values()) client.close();
  }
}

/** What decides the bytes sent to `url`'s registry, hashed: credentials (and client certificates) for its host, its proxy, TLS. */
function connectionDigest(url: URL, network: Network): string {
  const proxy = proxyFor(url, network.proxy)?.reveal() ?? '';
  const parts = [network.credentials.fingerprint(url), proxy, String(network.tls.strictSSL), ...(network.tls.ca ?? [])];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** The registry for these settings: the default one, plus one per configured scope. */
export function routeRegistries(settings: RegistrySettings, npm: NpmConfig, cacheDir: string | null, pool: RegistryPool): CachingRegistry {
  const offline = settings.offline ?? false;
  const network = networkFor(npm, settings);
  const open = (url: string): CachingRegistry => pool.client(url, cacheDir, offline, network);
  let fallback: CachingRegistry;
  let source: string;
  if (settings.registryUrl) {
    source = settings.registrySource ?? 'configured registry URL';
    const url = normalizeRegistryUrl(settings.registryUrl);
    fallback = url === undefined ? unusableRegistry(source) : open(url);
    if (url === undefined) source = fallback.registrySource;
  } else {
    source = npm.source;
    fallback = open(npm.registry);
  }
  const scoped = new Map<string, CachingRegistry>();
  for (const [scope, mapping] of npm.scopes) {
    scoped.set(scope, mapping.registry === undefined ? unusableRegistry(`${scope}:registry in ${mapping.source}`) : open(mapping.registry));
  }
  const routed = new RoutedRegistry(fallback, scoped, source);
  const comparedWith = publicClient(settings.publicRegistryUrl, fallback, open);
  routed.publicRegistry = comparedWith ? publicRegistryFor(routed, comparedWith) : undefined;
  return routed;
}

/**
 * The client of the public registry for registry-shadowing: the default registry unless the settings
 * name another one; none when they say null, or name something that is not an http(s) URL (fail closed).
 */
function publicClient(setting: string | null | undefined, fallback: CachingRegistry, open: (url: string) => CachingRegistry): CachingRegistry | undefined {
  if (setting === null) return undefined;
  if (setting === undefined || setting === '') return fallback;
  const url = normalizeRegistryUrl(setting);
  return url === undefined ? undefined : open(url);
}

/** Dispatches each name to its scope's registry or the default one; reports the default one's URL and source. */
export class RoutedRegistry implements CachingRegistry {
  readonly registrySource: string;
  /** Set by routeRegistries: the public registry packages of other registries are compared with. */
  publicRegistry: CachingPublicRegistry | undefined;
  readonly #default: CachingRegistry;
  readonly #scoped: ReadonlyMap<string, CachingRegistry>;

  constructor(defaultRegistry: CachingRegistry, scoped: ReadonlyMap<string, CachingRegistry>, registrySource: string) {
    this.#default = defaultRegistry;
    this.#scoped = scoped;
    this.registrySource = registrySource;
  }

  get registryUrl(): string {
    return this.#default.registryUrl;
  }

  get access(): RegistryAccess | undefined {
    return this.#default.access;
  }

  /** Counters summed over every registry in use (each client once, however many scopes share it). */
  get stats(): RegistryStats {
    const total: Record<string, number> = {};
    for (const registry of new Set([this.#default, ...this.#scoped.values()])) {
      for (const [key, value] of Object.entries(registry.stats)) {
        if (typeof value === 'number') total[key] = (total[key] ?? 0) + value;
      }
    }
    return { requests: 0, bytesRead: 0, memoryHits: 0, diskHits: 0, ...total };
  }

  /** The registry that answers for `name`: its scope's, if one is configured (npm's getRegistry). */
  registryFor(name: string): CachingRegistry {
    const slash = name.indexOf('/');
    if (!name.startsWith('@') || slash === -1) return this.#default;
    return this.#scoped.get(name.slice(0, slash)) ?? this.#default;
  }

  peek(name: string): RegistryResult | undefined {
    return this.registryFor(name).peek(name);
  }

  registryUrlFor(name: string): string {
    return this.registryFor(name).registryUrl;
  }

  reusableUntil(name: string, answer: RegistryResult): number | undefined {
    return this.registryFor(name).reusableUntil?.(name, answer);
  }

  getPackument(name: string, signal?: Parameters<CachingRegistry['getPackument']>[1]): Promise<RegistryResult> {
    return this.registryFor(name).getPackument(name, signal);
  }
}

/**
 * A configured URL that is not http(s): fail closed. Falling back to another registry would send the
 * project's (possibly private) package names somewhere the user did not choose.
 */
export function unusableRegistry(source: string): CachingRegistry {
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
