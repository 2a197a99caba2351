/**
 * Disk cache of the bulk advisory endpoint's answers, per (registry, name@version), with the freshness
 * window of the summary cache: a warm run within it asks the endpoint nothing. Answers are tiny (almost
 * always "no advisory"), so each registry has one file, read whole and written whole (temp file + rename,
 * so a reader sees the old file or the new one), holding only answers still inside the window. Another
 * process writing meanwhile is merged on the next write; losing a race costs a refetch, never a wrong answer.
 *
 * Everything read back is checked like an answer from the registry (advisories go through the same
 * reader as the wire format): a damaged file is removed and reported absent.
 */
import * as fs from 'node:fs';
import { writeFileNow } from './wholeFile';
import { join } from 'node:path';
import { advisoryKey } from '../core/advisories/match';
import type { Advisory } from '../core/advisories/types';
import { readAdvisory } from '../core/advisories/wire';
import { sha256, tempName } from './diskCache';
import { isObject } from '../core/registry/records';

/** Bump when the stored form changes: older files then live in another folder. */
export const ADVISORY_CACHE_FORMAT = 1;

export interface StoredAnswer {
  name: string;
  version: string;
  /** When the registry gave this answer (ms since the epoch). */
  fetchedAt: number;
  /** The advisories that affect name@version; usually none. */
  advisories: Advisory[];
}

/** The registry said it has no bulk endpoint (404, 405, 501): not asked again until `until`. */
export interface StoredUnsupported {
  status: number | undefined;
  until: number;
}

export interface StoredAnswers {
  answers: StoredAnswer[];
  unsupported?: StoredUnsupported;
}



export class AdvisoryDiskCache {
  readonly file: string;
  readonly #registryUrl: string;
  readonly #log: (message: string) => void;

  constructor(cacheDir: string, registryUrl: string, log: (message: string) => void = () => undefined) {
    this.file = join(cacheDir, `advisories-v${ADVISORY_CACHE_FORMAT}`, `${sha256(registryUrl)}.json`);
    this.#registryUrl = registryUrl;
    this.#log = log;
  }

  /** The file's modification time, to tell whether it changed since it was read; undefined when absent. */
  version(): number | undefined {
    try {
      return fs.statSync(this.file, { throwIfNoEntry: false })?.mtimeMs;
    } catch {
      return undefined;
    }
  }

  /** Answers fresh at `now` (fetched within `freshMs`, never in the future). Nothing when absent or damaged. */
  read(now: number, freshMs: number): StoredAnswers {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'ENOENT') this.#log(`Advisory cache ${this.file} could not be read (${typeof code === 'string' ? code : 'unknown error'}).`);
      return { answers: [] };
    }
    const fresh = (at: number): boolean => at <= now && now - at < freshMs;
    const read = parse(text, this.#registryUrl, fresh);
    if (read) return read;
    this.#log(`Advisory cache ${this.file} is damaged; discarding it.`);
    try {
      fs.unlinkSync(this.file);
    } catch {
      // Gone already.
    }
    return { answers: [] };
  }

  /** Best effort, like the summary cache: a file that cannot be written costs a request later, nothing now. */
  write(stored: StoredAnswers): void {
    const advisories: Advisory[] = [];
    const indexes = new Map<string, number>();
    const answers: Record<string, Record<string, number[]>> = Object.create(null) as Record<string, Record<string, number[]>>;
    for (const answer of stored.answers) {
      const row = [answer.fetchedAt];
      for (const advisory of answer.advisories) {
        const key = advisoryKey(advisory);
        let index = indexes.get(key);
        if (index === undefined) {
          index = advisories.push(advisory) - 1;
          indexes.set(key, index);
        }
        row.push(index);
      }
      (answers[answer.name] ??= Object.create(null) as Record<string, number[]>)[answer.version] = row;
    }
    const doc = { registry: this.#registryUrl, ...(stored.unsupported && { unsupported: stored.unsupported }), advisories, answers };
    const failed = writeFileNow(this.file, tempName(this.file), JSON.stringify(doc));
    if (failed) this.#log(`Advisory cache ${this.file} could not be written (${failed}).`);
  }
}

/** The stored file → its fresh answers, or undefined when it is not what write() makes. */
function parse(text: string, registryUrl: string, fresh: (at: number) => boolean): StoredAnswers | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(doc) || doc.registry !== registryUrl || !Array.isArray(doc.advisories) || !isObject(doc.answers)) return undefined;
  const table = doc.advisories as unknown[];
  const advisories: Array<Advisory | undefined> = new Array<Advisory | undefined>(table.length);
  const advisoryAt = (index: unknown): Advisory | undefined => {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= table.length) return undefined;
    const raw = table[index];
    if (!isObject(raw)) return undefined;
    return (advisories[index] ??= readAdvisory(raw));
  };
  const answers: StoredAnswer[] = [];
  for (const [name, versions] of Object.entries(doc.answers)) {
    if (!isObject(versions)) return undefined;
    for (const [version, row] of Object.entries(versions)) {
      if (!Array.isArray(row) || typeof row[0] !== 'number' || !Number.isFinite(row[0])) return undefined;
      const fetchedAt = row[0];
      if (!fresh(fetchedAt) || name.includes('\u0000') || version.includes('\u0000')) continue;
      const list: Advisory[] = [];
      for (let i = 1; i < row.length; i++) {
        const advisory = advisoryAt(row[i]);
        if (!advisory) return undefined;
        list.push(advisory);
      }
      answers.push({ name, version, fetchedAt, advisories: list });
    }
  }
  const unsupported = doc.unsupported;
  if (unsupported === undefined) return { answers };
  if (!isObject(unsupported) || typeof unsupported.until !== 'number') return undefined;
  const status = typeof unsupported.status === 'number' && Number.isInteger(unsupported.status) ? unsupported.status : undefined;
  return { answers, unsupported: { status, until: unsupported.until } };
}
