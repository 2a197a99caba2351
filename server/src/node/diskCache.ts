/**
 * Disk cache of compact package summaries: one JSON file per (registry, package), named by a hash of the
 * key so no package name can shape a path. Files are written whole (temp file + rename), so a reader sees
 * the old entry or the new one, never half of one. Everything read back is checked like registry data:
 * a damaged entry is deleted and reported absent, so the caller simply refetches.
 *
 * Storage only; when to trust an entry (freshness, revalidation, stale fallback) is the client's call.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { homedir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import type { PackageSummary } from '../core/registry/types';
import { writeFileOffThread, type FileText } from './fileWriter';
import { decodeSummary, encodeSummary } from './summaryCodec';
import { isObject } from '../core/registry/records';

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
const tempPrefix = `${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
let tempCounter = 0;

/** A name next to `file` that no other write (of this process or another) uses. */
export function tempName(file: string): string {
  return `${file}.${tempPrefix}.${++tempCounter}.tmp`;
}

/**
 * How long cache work may hold the event loop before it lets other work in. Entries are read
 * synchronously (a few tens of microseconds each, where the thread-pool round trips of the async API —
 * stat, open, read, close, each a wake-up of another thread — cost several times more, and on a small
 * machine take cores from the main thread), and encoded synchronously for writing. A batch (the CLI, or
 * an editor opening a big project) runs in slices of this length, so a language server stays responsive
 * in between.
 */
export const IO_SLICE_MS = 2;

/** How long one listing of the cache folder stands in for asking about each file (see #mayExist). */
const LISTING_MS = 1000;

/** The (non-empty) stretch of synchronous I/O that began when the event loop last came round. */
let sliceStartedAt: number | undefined;

/** Resolves at once inside a slice; once the slice is used up, after the event loop has had a turn. */
async function ioTurn(): Promise<void> {
  for (;;) {
    if (sliceStartedAt === undefined) {
      sliceStartedAt = performance.now();
      // The first turn of the loop from now ends this slice, whoever yields.
      setImmediate(() => (sliceStartedAt = undefined));
      return;
    }
    if (performance.now() - sliceStartedAt < IO_SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export class DiskCache {
  /** The cache folder (this cache's files are in `dir`, a folder of it). */
  readonly root: string;
  readonly dir: string;
  readonly #log: (message: string) => void;

  /** Names in `dir` as last listed (see #mayExist); undefined when the folder cannot be listed. */
  #listing: { names: Set<string>; at: number } | undefined;

  constructor(cacheDir: string, log: (message: string) => void = () => undefined) {
    this.root = cacheDir;
    this.dir = join(cacheDir, `summaries-v${CACHE_FORMAT}`);
    this.#log = log;
  }

  /**
   * Absent is the common answer on a cold start. One listing of the folder answers it for a second of
   * lookups: a stat per package costs ten times as much while entries are being written next to it (each
   * name lookup waits for the folder's lock), 0.17 s of a cold 1,500-package run. This process's own writes
   * and deletions keep the listing current; an entry another process wrote in the last second is missed
   * and fetched again, which costs a request, never a wrong answer.
   */
  #mayExist(file: string): boolean {
    const now = performance.now();
    if (this.#listing === undefined || now - this.#listing.at > LISTING_MS) {
      try {
        this.#listing = { names: new Set(fs.readdirSync(this.dir)), at: now };
      } catch (error) {
        this.#listing = errorCode(error) === 'ENOENT' ? { names: new Set(), at: now } : undefined;
      }
    }
    // A folder that cannot be listed is asked file by file, so what went wrong is said for that file.
    return this.#listing ? this.#listing.names.has(basename(file)) : fs.statSync(file, { throwIfNoEntry: false }) !== undefined;
  }

  #listed(file: string, present: boolean): void {
    if (present) this.#listing?.names.add(basename(file));
    else this.#listing?.names.delete(basename(file));
  }

  fileFor(key: string): string {
    return join(this.dir, `${sha256(key)}.json`);
  }

  /** The entry for `key`, or undefined when absent or unusable (an unusable file is removed). */
  async read(key: string): Promise<CacheEntry | undefined> {
    await ioTurn();
    const file = this.fileFor(key);
    let text: string;
    try {
      if (!this.#mayExist(file)) return undefined;
      text = fs.readFileSync(file, 'utf8');
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
    this.#unlink(file);
    return undefined;
  }

  /**
   * Best effort: a cache that cannot be written costs a refetch later, never an error now. Encoded here
   * unless `stored` (the summary's stored form, encodeSummary's output as JSON) comes with it, and written
   * off the main thread (fileWriter.ts): a busy disk delays the promise, not the caller's thread.
   */
  async write(entry: CacheEntry, stored?: string): Promise<void> {
    await ioTurn();
    const file = this.fileFor(entry.key);
    // Made again only if the writer thread stops first; the summary is held in memory anyway.
    const remake = (): string => JSON.stringify({ ...entry, summary: encodeSummary(entry.summary) });
    let text: FileText;
    try {
      text = stored === undefined ? { pieces: [remake()], remake } : { pieces: withStoredSummary(entry, stored), remake };
    } catch (error) {
      this.#log(`Cache entry ${file} could not be written (${errorCode(error)}).`);
      return;
    }
    const error = await writeFileOffThread(file, tempName(file), text);
    if (error !== undefined) this.#log(`Cache entry ${file} could not be written (${error}).`);
    else this.#listed(file, true);
  }

  async delete(key: string): Promise<void> {
    await ioTurn();
    this.#unlink(this.fileFor(key));
  }

  #unlink(file: string): void {
    this.#listed(file, false);
    try {
      fs.unlinkSync(file);
    } catch {
      // Already gone, or not ours to remove: either way nothing to do.
    }
  }
}

/** The entry as JSON with `stored` as its summary, in pieces: the same text JSON.stringify would give, summary last. */
function withStoredSummary(entry: CacheEntry, stored: string): string[] {
  const { summary: _summary, ...head } = entry;
  return [`${JSON.stringify(head).slice(0, -1)},"summary":`, stored, '}'];
}

/**
 * The cache folders of registry data under `cacheDir` (summaries, advisories, not-found answers, analysis
 * results, each format version): what "Clear cache" removes. Anything else in the folder is not ours to touch.
 */
export const DATA_FOLDER = /^(summaries|advisories|missing|results)-v\d+$/;

/** Removes the registry data under `cacheDir`; resolves to false when something could not be removed. */
export async function removeCachedData(cacheDir: string): Promise<boolean> {
  let names: string[];
  try {
    names = await fs.promises.readdir(cacheDir);
  } catch (error) {
    return errorCode(error) === 'ENOENT';
  }
  const removed = await Promise.all(
    names
      .filter((name) => DATA_FOLDER.test(name))
      .map((name) => fs.promises.rm(join(cacheDir, name), { recursive: true, force: true }).then(() => true, () => false)),
  );
  return removed.every(Boolean);
}

/** Hex SHA-256: the one-shot crypto.hash (Node 20.12+) where there is one, it skips a Hash object per call. */
export const sha256: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}



const optionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';

/** Shape check of everything the signals will read, so a damaged file cannot crash them later. */
function isCacheEntry(value: unknown, key: string): value is CacheEntry {
  if (!isObject(value) || value.key !== key) return false;
  if (typeof value.fetchedAt !== 'string' || Number.isNaN(Date.parse(value.fetchedAt))) return false;
  if (!optionalString(value.etag) || !optionalString(value.lastModified)) return false;
  return isSummary(value.summary);
}

/** Every version was checked by decodeSummary (summaryCodec.ts) while it was rebuilt. */
function isSummary(summary: unknown): summary is PackageSummary {
  if (!isObject(summary) || typeof summary.name !== 'string') return false;
  if (!isObject(summary.distTags) || !isObject(summary.versions)) return false;
  return Array.isArray(summary.maintainers) && Array.isArray(summary.unpublished);
}
