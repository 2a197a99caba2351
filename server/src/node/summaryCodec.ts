/**
 * Summaries repeat themselves: consecutive versions mostly share their publisher, repository,
 * maintainers, dependencies and install scripts. On disk, each version therefore stores only the fields
 * that differ from the version before it (a 1,500-package cache shrinks from 28 MB to about a third,
 * which is what a warm run reads and a cold run writes); in memory, equal neighbouring values are one
 * shared object or string (summaries are never mutated once made: every caller already shares them).
 *
 * Stored form: the summary with `versions` as an array in the summary's own key order; the first
 * version has every field, later ones only those that changed; `null` marks an optional field that
 * this version does not have but the one before did.
 */
import { define, own } from '../core/registry/records';
import type { PackageSummary, VersionSummary } from '../core/registry/types';

type Field = Exclude<keyof VersionSummary, 'version'>;

/** In the order summarizePackument sets them, so decoded summaries are key-for-key the same. */
const FIELDS: readonly Field[] = [
  'installScripts',
  'maintainers',
  'gypfile',
  'dependencies',
  'optionalDependencies',
  'provenance',
  'bin',
  'publishedAt',
  'publisher',
  'deprecated',
  'integrity',
  'repository',
];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Equal as summary values: primitives, flat arrays and flat objects (every VersionSummary field is one). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => item === b[i]);
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((key, i) => key === keysB[i] && (a as Json)[key] === (b as Json)[key]);
}

/** Makes equal neighbouring values one value, in place; returns the summary. Call before sharing it. */
export function shareRepeats(summary: PackageSummary): PackageSummary {
  let previous: VersionSummary | undefined;
  for (const version of Object.values(summary.versions)) {
    if (previous) {
      const target = version as unknown as Json;
      for (const field of FIELDS) if (version[field] !== undefined && same(previous[field], version[field])) target[field] = previous[field];
    }
    previous = version;
  }
  return summary;
}

export function encodeSummary(summary: PackageSummary): Json {
  const versions: Json[] = [];
  let previous: VersionSummary | undefined;
  for (const version of Object.values(summary.versions)) {
    const stored: Json = { version: version.version };
    for (const field of FIELDS) {
      const value = version[field];
      if (previous && same(previous[field], value)) continue;
      stored[field] = value === undefined ? null : value;
    }
    versions.push(stored);
    previous = version;
  }
  return { ...summary, versions };
}

/**
 * The summary back, or undefined when the stored form is damaged. Shapes are checked here only as far
 * as decoding needs; the caller checks the result like any summary.
 */
export function decodeSummary(stored: unknown): PackageSummary | undefined {
  if (!isObject(stored) || !Array.isArray(stored.versions)) return undefined;
  const versions: Record<string, VersionSummary> = {};
  let previous: Json | undefined;
  for (const item of stored.versions as unknown[]) {
    if (!isObject(item) || typeof item.version !== 'string') return undefined;
    const version: Json = { version: item.version };
    for (const field of FIELDS) {
      const value = own(item, field);
      // Absent: as the version before (the first has every field); null: this version has none.
      const resolved = value === undefined ? (previous ? previous[field] : null) : value;
      if (resolved !== null && resolved !== undefined) version[field] = resolved;
    }
    // Plain assignment is several times cheaper than define(); only "__proto__" needs the latter.
    if (item.version === '__proto__') define(versions, item.version, version as unknown as VersionSummary);
    else versions[item.version] = version as unknown as VersionSummary;
    previous = version;
  }
  return { ...(stored as unknown as PackageSummary), versions };
}
