/**
 * The one object through which side effects enter: clock, file reads, registry access (network and disk
 * cache), logging. The CLI and the language server each build one with nodeRuntime(); tests pass fakes.
 */
import type { AdvisoryQuery, AdvisoryResult, AdvisorySource } from '../core/advisories/types';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { Registry, RegistryResult } from '../core/registry/types';
import type { HighImpactIndex } from '../core/similar/highImpact';
import type { ClientCertificate } from './clientCert';
import type { GitResult } from './git';
import type { CachingPublicRegistry } from './publicRegistry';
import type { ResultCache } from './resultCache';

export interface RegistrySettings {
  /**
   * Explicit registry URL (CLI `--registry`, setting `vigil.registry`). Empty: what npm's config says for
   * projectDir. Like `npm --registry`, it replaces the default registry only: `@scope:registry` still applies.
   */
  registryUrl?: string;
  /** Where registryUrl came from, for status text ("--registry", "vigil.registry"). Default "configured registry URL". */
  registrySource?: string;
  /** Folder whose `.npmrc` (and parents', user, global, env) decide the registry when none is given. */
  projectDir: string;
  /** Disk cache folder for compact summaries; null turns the disk cache off. Default: the user's cache folder. */
  cacheDir?: string | null;
  /** Answer from cache only, never the network. */
  offline?: boolean;
  /** VS Code's `http.proxy`: when set, the proxy for every registry instead of npm's proxy settings. */
  httpProxy?: string;
  /** VS Code's `http.proxyStrictSSL`: false accepts any certificate, as VS Code then does; true leaves npm's strict-ssl in charge. */
  httpProxyStrictSSL?: boolean;
  /** VS Code's `http.noProxy`: hosts reached directly, in addition to npm's `noproxy` (else `NO_PROXY`). */
  httpNoProxy?: readonly string[];
  /** An untrusted workspace: the project's `.npmrc` is ignored (user, global, builtin config and the environment only). */
  untrustedWorkspace?: boolean;
  /**
   * The public registry that packages from other registries are compared with (registry-shadowing).
   * Undefined: the default registry (npm's `registry`, or registryUrl), so only packages of scopes routed
   * elsewhere are compared. A URL: that registry, and every package not installed from it. null: no check.
   */
  publicRegistryUrl?: string | null;
}

export interface RegistryStats {
  requests: number;
  bytesRead: number;
  memoryHits: number;
  diskHits: number;
}

export interface CachingRegistry extends Registry {
  /** The registry origin this client asks (no credentials in it). */
  readonly registryUrl: string;
  /** Where the URL came from, for status text: "--registry", "vigil.registry", "/home/me/.npmrc", "npm default". */
  readonly registrySource: string;
  /** Answer from memory only, without I/O: lets an editor show cached results before fetches finish. */
  peek(name: string): RegistryResult | undefined;
  /** The registry URL `name` is installed from (its scope's registry, if one is configured), without credentials. */
  registryUrlFor?(name: string): string;
  /**
   * Until when (ms since the epoch) another run would get `answer` for `name` again without asking the
   * network (the result cache's validity, resultCache.ts); undefined: it would not. Absent: never.
   */
  reusableUntil?(name: string, answer: RegistryResult): number | undefined;
  readonly stats: RegistryStats;
  /** How to reach the (default) registry, for other endpoints on it (advisories): same credentials rule, same connections. */
  readonly access?: RegistryAccess;
  /** The public registry to compare packages from other registries with (registry-shadowing); absent: none. */
  readonly publicRegistry?: CachingPublicRegistry | undefined;
}

export interface RegistryAccess {
  /** The Authorization header for a URL, by npm's nerf-dart rule; undefined: send none. Never log it. */
  authorization(url: URL): string | undefined;
  /** The client certificate for a URL (npm's `:certfile`/`:keyfile`), by the same rule; undefined: none. */
  clientCertificate?(url: URL): ClientCertificate | undefined;
  /** Connections with the registry's proxy and TLS settings. Owned by the runtime: do not destroy. */
  agents: { http: HttpAgent; https: HttpsAgent };
}

/** The registry's bulk advisory endpoint, with the answers it already gave kept in memory. */
export interface CachingAdvisorySource extends AdvisorySource {
  /** Memory only, without I/O (the editor's first pass): packages not known yet fail as 'cancelled'. */
  peek(query: AdvisoryQuery): AdvisoryResult;
  /** Until when another run would get `result` for `query` again without asking the network; undefined: it would not. */
  reusableUntil?(query: AdvisoryQuery, result: AdvisoryResult): number | undefined;
}

export interface Runtime {
  now(): Date;
  readFile(path: string): Promise<string>;
  /** Names in a folder (workspace member discovery); absent: members come from lockfiles only. */
  listDir?(path: string): Promise<string[]>;
  /** A registry client for these settings; equal settings share one client (and its in-memory cache). */
  registry(settings: RegistrySettings): Promise<CachingRegistry>;
  /** The advisory endpoint of the registry these settings select (offline: never asked); shared like registry(). */
  advisories(settings: RegistrySettings): Promise<CachingAdvisorySource>;
  log(message: string): void;
  /** The high-impact package list, indexed for typosquat checks (built once). Optional: fakes need none. */
  highImpact?(): Promise<HighImpactIndex>;
  /** Forget npm configuration read so far (an .npmrc changed, or the user asked to refresh). Optional: fakes need none. */
  reloadNpmConfig?(): void;
  /**
   * Forgets every registry answer: the memory caches, and the registry data in the disk cache folder
   * (`cacheDir` as in RegistrySettings; undefined: the default folder). Resolves to false when the disk
   * part failed. Optional: only the language server clears (its "Clear cache" command).
   */
  clearCache?(cacheDir?: string | null): Promise<boolean>;
  /**
   * The store of analysis results for these settings' cache folder (resultCache.ts); undefined without a
   * disk cache. Optional: fakes need none (nothing is then stored or reused).
   */
  resultCache?(settings: RegistrySettings): ResultCache | undefined;
  /** Writes a text file (`vigil baseline`). Optional: only the CLI writes. */
  writeFile?(path: string, text: string): Promise<void>;
  /** Runs git in `cwd` without a shell (`vigil check --changed-since`). Optional: only the CLI asks git. */
  git?(args: readonly string[], cwd: string): Promise<GitResult>;
}

// The production implementation lives next door; importing it from here keeps one entry point for adapters.
export { nodeRuntime, type NodeRuntime, type NodeRuntimeOptions } from './nodeRuntime';
export type { GitResult } from './git';
