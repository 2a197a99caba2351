/**
 * The one object through which side effects enter: clock, file reads, registry access (network and disk
 * cache), logging. The CLI and the language server each build one with nodeRuntime(); tests pass fakes.
 */
import type { Registry, RegistryResult } from '../core/registry/types';

export interface RegistrySettings {
  /** Explicit registry URL (CLI `--registry`, setting `vigil.registry`). Empty: what npm's config says for projectDir. */
  registryUrl?: string;
  /** Where registryUrl came from, for status text ("--registry", "vigil.registry"). Default "configured registry URL". */
  registrySource?: string;
  /** Folder whose `.npmrc` (and parents', user, global, env) decide the registry when none is given. */
  projectDir: string;
  /** Disk cache folder for compact summaries; null turns the disk cache off. Default: the user's cache folder. */
  cacheDir?: string | null;
  /** Answer from cache only, never the network. */
  offline?: boolean;
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
  readonly stats: RegistryStats;
}

export interface Runtime {
  now(): Date;
  readFile(path: string): Promise<string>;
  /** A registry client for these settings; equal settings share one client (and its in-memory cache). */
  registry(settings: RegistrySettings): Promise<CachingRegistry>;
  log(message: string): void;
}

// The production implementation lives next door; importing it from here keeps one entry point for adapters.
export { nodeRuntime, type NodeRuntime, type NodeRuntimeOptions } from './nodeRuntime';
