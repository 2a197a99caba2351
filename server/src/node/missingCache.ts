/**
 * Disk memory of the registry's 404s ("no such package"), per (registry, name), for the freshness window
 * of the summary cache, so a warm run does not ask again about names that do not exist (the dependencies
 * a release adds are looked up too, and some of them are unclaimed). One small file per registry, read
 * whole and written whole (temp file + rename), holding only answers still inside the window; another
 * process writing meanwhile is merged on the next write. A damaged file is removed and reported empty.
 *
 * Kept apart from the summaries on purpose: a 404 deletes a package's summary, and nothing in the
 * summaries' folder may claim otherwise.
 */
import * as fs from 'node:fs';
import { writeFileNow } from './wholeFile';
import { join } from 'node:path';
import { sha256, tempName } from './diskCache';
import { isObject } from '../core/registry/records';

/** Bump when the stored form changes: older files then live in another folder. */
export const MISSING_CACHE_FORMAT = 1;


export class MissingNamesCache {
  readonly file: string;
  readonly #registryUrl: string;
  readonly #log: (message: string) => void;
  /** name → when the registry said it does not exist (ms), as last read from or written to the file. */
  #names = new Map<string, number>();
  /** The file's modification time when last read or written; undefined: not yet (or no file). */
  #seen: number | undefined;

  constructor(cacheDir: string, registryUrl: string, log: (message: string) => void = () => undefined) {
    this.file = join(cacheDir, `missing-v${MISSING_CACHE_FORMAT}`, `${sha256(registryUrl)}.json`);
    this.#registryUrl = registryUrl;
    this.#log = log;
  }

  /** When the registry last said `name` does not exist (ms since the epoch), if the file remembers it. */
  checkedAt(name: string): number | undefined {
    this.#refresh();
    return this.#names.get(name);
  }

  /** Remembers a 404 (keeping only answers fresh at `now`); `undefined` forgets one (the name exists now). */
  record(name: string, checkedAt: number | undefined, now: number, freshMs: number): void {
    this.#refresh();
    if (checkedAt === undefined ? !this.#names.has(name) : this.#names.get(name) === checkedAt) return;
    if (checkedAt === undefined) this.#names.delete(name);
    else this.#names.set(name, checkedAt);
    const names: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const [known, at] of this.#names) if (at <= now && now - at < freshMs) names[known] = at;
    const failed = writeFileNow(this.file, tempName(this.file), JSON.stringify({ registry: this.#registryUrl, names }));
    if (failed) this.#log(`Cache file ${this.file} could not be written (${failed}).`);
    else this.#seen = this.#mtime();
  }

  #mtime(): number | undefined {
    try {
      return fs.statSync(this.file, { throwIfNoEntry: false })?.mtimeMs;
    } catch {
      return undefined;
    }
  }

  /** Reads the file again when it changed (another process, or none read yet). */
  #refresh(): void {
    const mtime = this.#mtime();
    if (mtime === undefined || mtime === this.#seen) return;
    this.#seen = mtime;
    let doc: unknown;
    try {
      doc = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch {
      doc = undefined;
    }
    const names = isObject(doc) && doc.registry === this.#registryUrl && isObject(doc.names) ? doc.names : undefined;
    const read = new Map<string, number>();
    if (names && Object.values(names).every((at) => typeof at === 'number' && Number.isFinite(at))) {
      for (const [name, at] of Object.entries(names)) read.set(name, at as number);
      this.#names = read;
      return;
    }
    this.#log(`Cache file ${this.file} is damaged; discarding it.`);
    this.#names = read;
    try {
      fs.unlinkSync(this.file);
    } catch {
      // Gone already.
    }
  }
}
