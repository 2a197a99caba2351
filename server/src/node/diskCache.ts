/**
 * Disk cache of compact package summaries: one JSON file per (registry, package), named by a hash of the
 * key so no package name can shape a path. Files are written whole (temp file + rename), so a reader sees
 * the old entry or the new one, never half of one. Everything read back is checked like registry data:
 * a damaged entry is deleted and reported absent, so the caller simply refetches.
 *
 * Storage only; when to trust an entry (freshness, revalidation, stale fallback) is the client's call.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { PackageSummary } from '../core/registry/types';

/**
 * Bump when PackageSummary (core/registry/types.ts) changes shape: older entries then live in another
 * folder and are never read as the new shape.
 */
export const CACHE_FORMAT = 1;

/** How long an entry is trusted without asking the registry. */
export const DEFAULT_FRESH_MS = 15 * 60 * 1000;

export interface CacheEntry {
  /** `registry URL + " " + package name`; stored so a hash collision or a moved file cannot mislead. */
  key: string;
  /** ISO time the registry last confirmed this summary (200 or 304). */
  fetchedAt: string;
  etag?: string;
  lastModified?: string;
  summary: PackageSummary;
}

/** The CLI's default: `$XDG_CACHE_HOME/vigil`, else `~/.cache/vigil` (on every platform, like npm's tools). */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env, home: string = homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'vigil');
  return join(home, '.cache', 'vigil');
}

export function cacheKey(registryUrl: string, name: string): string {
  return `${registryUrl} ${name}`;
}

export function isFresh(entry: Pick<CacheEntry, 'fetchedAt'>, now: Date, freshMs: number = DEFAULT_FRESH_MS): boolean {
  const age = now.getTime() - Date.parse(entry.fetchedAt);
  // A fetchedAt in the future (clock moved back) is not trusted as fresh.
  return age >= 0 && age < freshMs;
}

export class DiskCache {
  readonly dir: string;
  readonly #log: (message: string) => void;

  constructor(cacheDir: string, log: (message: string) => void = () => undefined) {
    this.dir = join(cacheDir, `summaries-v${CACHE_FORMAT}`);
    this.#log = log;
  }

  fileFor(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  /** The entry for `key`, or undefined when absent or unusable (an unusable file is removed). */
  async read(key: string): Promise<CacheEntry | undefined> {
    const file = this.fileFor(key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') this.#log(`Cache entry ${file} could not be read (${errorCode(error)}).`);
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (isCacheEntry(value, key)) return value;
    this.#log(`Cache entry ${file} is damaged; discarding it.`);
    await this.delete(key);
    return undefined;
  }

  /** Best effort: a cache that cannot be written costs a refetch later, never an error now. */
  async write(entry: CacheEntry): Promise<void> {
    const file = this.fileFor(entry.key);
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, JSON.stringify(entry));
      await rename(temp, file);
    } catch (error) {
      this.#log(`Cache entry ${file} could not be written (${errorCode(error)}).`);
      await unlink(temp).catch(() => undefined);
    }
  }

  async delete(key: string): Promise<void> {
    await unlink(this.fileFor(key)).catch(() => undefined);
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';

/** Shape check of everything the signals will read, so a damaged file cannot crash them later. */
function isCacheEntry(value: unknown, key: string): value is CacheEntry {
  if (!isObject(value) || value.key !== key) return false;
  if (typeof value.fetchedAt !== 'string' || Number.isNaN(Date.parse(value.fetchedAt))) return false;
  if (!optionalString(value.etag) || !optionalString(value.lastModified)) return false;
  return isSummary(value.summary);
}

function isSummary(summary: unknown): summary is PackageSummary {
  if (!isObject(summary) || typeof summary.name !== 'string') return false;
  if (!isObject(summary.distTags) || !isObject(summary.versions)) return false;
  if (!Array.isArray(summary.maintainers) || !Array.isArray(summary.unpublished)) return false;
  return Object.entries(summary.versions).every(([version, info]) => isVersion(version, info));
}

function isVersion(version: string, info: unknown): boolean {
  return (
    isObject(info) &&
    info.version === version &&
    isObject(info.installScripts) &&
    isObject(info.dependencies) &&
    isObject(info.optionalDependencies) &&
    typeof info.gypfile === 'boolean' &&
    typeof info.provenance === 'boolean' &&
    Array.isArray(info.bin) &&
    Array.isArray(info.maintainers) &&
    optionalString(info.publishedAt)
  );
}
