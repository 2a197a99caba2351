/**
 * Disk cache of compact package summaries: one JSON file per (registry, package), named by a hash of the
 * key so no package name can shape a path. Files are written whole (temp file + rename), so a reader sees
 * the old entry or the new one, never half of one. Everything read back is checked like registry data:
 * a damaged entry is deleted and reported absent, so the caller simply refetches.
 *
 * Storage only; when to trust an entry (freshness, revalidation, stale fallback) is the client's call.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { PackageSummary } from '../core/registry/types';
import { decodeSummary, encodeSummary } from './summaryCodec';

// The callback API, promisified: fs/promises goes through a FileHandle per file, which costs a cold run
// of 1,500 packages about a third of a second of main-thread time that these do not.
const mkdir = promisify(fs.mkdir);
const readFile = promisify(fs.readFile);
const rename = promisify(fs.rename);
const unlink = promisify(fs.unlink);
const writeFile = promisify(fs.writeFile);

/**
 * Bump when PackageSummary (core/registry/types.ts) or its stored form (summaryCodec.ts) changes shape:
 * older entries then live in another folder and are never read as the new shape. 2: versions stored as
 * differences from the version before.
 */
export const CACHE_FORMAT = 2;

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

// Temp names: random per process (pids repeat across containers sharing a cache), counted per write.
const tempPrefix = `${process.pid}.${randomBytes(4).toString('hex')}`;
let tempCounter = 0;

export class DiskCache {
  readonly dir: string;
  readonly #log: (message: string) => void;
  #folder: Promise<unknown> | undefined;

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
    const entry = isObject(value) ? { ...value, summary: decodeSummary(value.summary) } : undefined;
    if (isCacheEntry(entry, key)) return entry;
    this.#log(`Cache entry ${file} is damaged; discarding it.`);
    await this.delete(key);
    return undefined;
  }

  /** Best effort: a cache that cannot be written costs a refetch later, never an error now. */
  async write(entry: CacheEntry): Promise<void> {
    const file = this.fileFor(entry.key);
    const temp = `${file}.${tempPrefix}.${++tempCounter}.tmp`;
    try {
      // The folder is made once, not per entry (1,500 mkdir calls cost a cold run ~0.2 s); if it was
      // removed since (a user clearing the cache), make it again and retry once.
      await (this.#folder ??= mkdir(this.dir, { recursive: true }));
      const text = JSON.stringify({ ...entry, summary: encodeSummary(entry.summary) });
      await writeFile(temp, text).catch(async (error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error;
        await (this.#folder = mkdir(this.dir, { recursive: true }));
        await writeFile(temp, text);
      });
      await rename(temp, file);
    } catch (error) {
      this.#folder = undefined;
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
