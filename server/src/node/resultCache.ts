/**
 * The result cache: an analysis result kept next to the registry data it was computed from, and given
 * again only while analysing again would give the same result. Like ESLint's `--cache`, it makes running
 * the same check twice cheap (a pre-commit hook, then CI's steps on one machine, each in a fresh process),
 * and lets a restarted editor show an unchanged project's findings at once.
 *
 * A stored result is reused only when all of these still hold:
 * - the same key: Vigil's build, every project file's text, the options and the registry URLs (see
 *   resultKey() and cachedAnalysis.ts);
 * - the registry data it used is unchanged: no file in the summaries, not-found or advisory folders was
 *   written, replaced or removed since (each folder's change time, to the nanosecond, is part of the
 *   record), and npm's routing still sends every package it asked about to the same registry;
 * - the instant is not before the one it was computed for, and before `until`: the earliest of the
 *   moments any of its registry answers stops being fresh (the registry would be asked again then) and
 *   the moment any time-dependent answer of the analysis would flip (core/elapsed.ts: a cooldown ending,
 *   a warning fading, an age changing words).
 *
 * A result is stored only when the registry data folders did not change while it was computed: a cold
 * run that fetched and wrote summaries stores nothing, so the next run (which reads them) does. One case
 * is not seen: a language server answers from its memory, and another process may have replaced an entry
 * it holds with a newer fetch before the analysis began. Its stored result is then what that server
 * showed, from data still inside its freshness window, where a fresh process would read the newer copy;
 * both are answers the freshness rule allows, and the difference lasts at most that window.
 *
 * Each project (or editor document) has one file, named by a hash of what it is (its folder, file and
 * settings: `ResultId.slot`) and replaced by each new result, so editing and checking again does not pile
 * up files; the key inside says which inputs it is the result of. Files are written whole; anything
 * unreadable is ignored and replaced.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import * as crypto from 'node:crypto';
import type { AnalysisInput, AnalysisResult } from '../core/analyze';
import { DATA_FOLDER, sha256, tempName } from './diskCache';
import { isAnalysisResult } from './resultShape';
import { writeFileNow } from './wholeFile';

/** Bump when AnalysisResult or the stored record changes shape. */
export const RESULT_CACHE_FORMAT = 1;

export const RESULT_FOLDER = `results-v${RESULT_CACHE_FORMAT}`;

/** Results this old are removed when another is written: none can still be valid (registry data goes stale sooner). */
const KEEP_MS = 60 * 60 * 1000;

/** Which registry each package was asked of, and which registry a public-registry comparison saw it from. */
export interface Routes {
  registry: Array<[name: string, url: string]>;
  privateSource: Array<[name: string, url: string | null]>;
}

/** What the routing says now, to compare with the stored routes. */
export interface RoutingNow {
  registryUrlFor(name: string): string;
  privateSourceOf(name: string): string | undefined;
}

interface StoredResult {
  format: number;
  key: string;
  /** The instant it was computed for. */
  at: number;
  until: number;
  /** When time changes the result (its own answers, not its data's freshness); null: never. */
  changesAt: number | null;
  folders: string;
  routes: Routes;
  result: AnalysisResult;
}

/** Vigil's own build: a result from another build (another version, or a rebuilt bundle) is never reused. */
let buildStamp: string | undefined;
function build(): string {
  if (buildStamp === undefined) {
    try {
      const stat = fs.statSync(__filename, { bigint: true });
      buildStamp = `${stat.size}:${stat.mtimeNs}`;
    } catch {
      buildStamp = 'unknown';
    }
  }
  return buildStamp;
}

/** The key of an analysis: a hash of everything it was given, with Vigil's build. */
export function resultKey(parts: unknown): string {
  return sha256(JSON.stringify([RESULT_CACHE_FORMAT, build(), parts]));
}

/**
 * A digest of an analysis's input: every file's path and text, and which lockfile entries it checks.
 * Streamed into the hash file by file: lockfiles run to megabytes, and one JSON string of them all would
 * copy them again.
 */
export function inputDigest(input: AnalysisInput): string {
  const hash = crypto.createHash('sha256').update(input.lockfileEntries ?? '');
  for (const file of input.files) hash.update(`\u0000${file.path}\u0000${file.text.length}\u0000`).update(file.text);
  return hash.digest('hex');
}

/** Where a result is kept (`slot`: what is analysed, see the module comment) and what it is the result of (`key`). */
export interface ResultId {
  slot: string;
  key: string;
}

export class ResultCache {
  readonly root: string;
  readonly dir: string;
  readonly #log: (message: string) => void;

  constructor(cacheDir: string, log: (message: string) => void = () => undefined) {
    this.root = cacheDir;
    this.dir = join(cacheDir, RESULT_FOLDER);
    this.#log = log;
  }

  /**
   * The registry data folders' state: names, inode and change times. Any write to them (a summary fetched,
   * a damaged entry removed, a not-found answer or an advisory recorded, by this process or another)
   * changes it, since every cache writes through a new file renamed into place.
   */
  folders(): string {
    let names: string[];
    try {
      names = fs.readdirSync(this.root).filter((name) => DATA_FOLDER.test(name) && !name.startsWith('results-')).sort();
    } catch {
      return 'unlisted';
    }
    return names
      .map((name) => {
        const stat = fs.statSync(join(this.root, name), { bigint: true, throwIfNoEntry: false });
        return stat ? `${name}:${stat.ino}:${stat.mtimeNs}:${stat.ctimeNs}` : `${name}:gone`;
      })
      .join('|');
  }

  /**
   * The stored result for `key`, when it is still exactly what analysing at `nowMs` would give, with the
   * instant time changes it (Infinity: never).
   */
  read(id: ResultId, nowMs: number, routing: RoutingNow): { result: AnalysisResult; changesAt: number } | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.#file(id), 'utf8');
    } catch {
      return undefined;
    }
    let stored: StoredResult;
    try {
      stored = JSON.parse(text) as StoredResult;
    } catch {
      this.#log('Ignoring an unreadable stored result; the project is analysed again.');
      return undefined;
    }
    if (!isStoredResult(stored) || stored.key !== id.key) return undefined;
    // Not before its own instant either: a clock set back would see a cooldown that has not ended yet.
    if (!(nowMs >= stored.at && nowMs < stored.until)) return undefined;
    if (stored.folders !== this.folders()) return undefined;
    if (!sameRoutes(stored.routes, routing)) return undefined;
    return { result: stored.result, changesAt: stored.changesAt ?? Number.POSITIVE_INFINITY };
  }

  /**
   * Keeps `result` for reuse until `times.until`, saying it changes with time at `times.changesAt`;
   * `folders` is the folders' state from before the analysis began.
   */
  write(id: ResultId, result: AnalysisResult, times: { until: number; changesAt: number }, routes: Routes, folders: string, nowMs: number): void {
    const { until, changesAt } = times;
    // Something was written while the analysis ran (its own fetches, or another process): the data it
    // used cannot be pinned down, so nothing is stored.
    if (!(until > nowMs) || folders === 'unlisted' || folders !== this.folders()) return;
    // Never for longer than records are kept (and JSON has no Infinity).
    const stored: StoredResult = {
      format: RESULT_CACHE_FORMAT,
      key: id.key,
      at: nowMs,
      until: Math.min(until, nowMs + KEEP_MS),
      changesAt: Number.isFinite(changesAt) ? changesAt : null,
      folders,
      routes,
      result,
    };
    const file = this.#file(id);
    const failed = writeFileNow(file, tempName(file), JSON.stringify(stored));
    if (failed) this.#log(`Could not store this check's result in ${this.dir} (${failed}): the next identical check analyses again. Check that the folder is writable.`);
    else this.#removeOld(file);
  }

  #file(id: ResultId): string {
    return join(this.dir, `${id.slot}.json`);
  }

  /**
   * Results of other projects, long past any use: an hour older than the one just written, by the file
   * system's clock (which may not be the analysis clock: a replay, a test's, a skewed network drive).
   */
  #removeOld(written: string): void {
    try {
      const newest = fs.statSync(written).mtimeMs;
      for (const name of fs.readdirSync(this.dir)) {
        const file = join(this.dir, name);
        const stat = fs.statSync(file, { throwIfNoEntry: false });
        if (stat && newest - stat.mtimeMs > KEEP_MS) fs.rmSync(file, { force: true });
      }
    } catch {
      // Cleaning up is a courtesy: a folder that cannot be listed keeps its files.
    }
  }
}

function sameRoutes(routes: Routes, routing: RoutingNow): boolean {
  for (const [name, url] of routes.registry) if (routing.registryUrlFor(name) !== url) return false;
  for (const [name, url] of routes.privateSource) if ((routing.privateSourceOf(name) ?? null) !== url) return false;
  return true;
}

function isStoredResult(value: unknown): value is StoredResult {
  if (typeof value !== 'object' || value === null) return false;
  const stored = value as Partial<StoredResult>;
  return (
    stored.format === RESULT_CACHE_FORMAT &&
    typeof stored.key === 'string' &&
    typeof stored.at === 'number' &&
    typeof stored.until === 'number' &&
    (typeof stored.changesAt === 'number' || stored.changesAt === null) &&
    typeof stored.folders === 'string' &&
    isRoutes(stored.routes) &&
    isAnalysisResult(stored.result)
  );
}

function isRoutes(value: unknown): value is Routes {
  const routes = value as Partial<Routes> | undefined;
  const pairs = (list: unknown, second: (v: unknown) => boolean): boolean =>
    Array.isArray(list) && list.every((pair) => Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && second(pair[1]));
  return typeof value === 'object' && value !== null && pairs(routes?.registry, (v) => typeof v === 'string') && pairs(routes?.privateSource, (v) => typeof v === 'string' || v === null);
}
