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
import { define, isObject } from '../core/registry/records';
import type { PackageSummary, VersionSummary } from '../core/registry/types';

/**
 * Fields are handled one by one below, in the order summarizePackument sets them (so decoded summaries
 * are key-for-key the same): installScripts, maintainers, gypfile, dependencies, optionalDependencies,
 * provenance, bin, publishedAt, publisher, deprecated, integrity, repository. Written out rather than
 * looped over: a cache holds tens of thousands of versions, and a loop over field names is several
 * times slower. A field added to VersionSummary must be added to all three functions.
 */

type Json = Record<string, unknown>;


/** Equal as summary values: primitives, flat arrays and flat objects (every VersionSummary field is one). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const arrayA = Array.isArray(a);
  if (arrayA || Array.isArray(b)) {
    if (!arrayA || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i] as string;
    if (key !== keysB[i] || (a as Json)[key] !== (b as Json)[key]) return false;
  }
  return true;
}

/** Makes equal neighbouring values one value, in place; returns the summary. Call before sharing it. */
export function shareRepeats(summary: PackageSummary): PackageSummary {
  let p: VersionSummary | undefined;
  for (const key in summary.versions) {
    if (!Object.prototype.hasOwnProperty.call(summary.versions, key)) continue;
    const v = summary.versions[key] as VersionSummary;
    if (p !== undefined) {
      if (v.installScripts !== p.installScripts && same(p.installScripts, v.installScripts)) v.installScripts = p.installScripts;
      if (v.maintainers !== p.maintainers && same(p.maintainers, v.maintainers)) v.maintainers = p.maintainers;
      if (v.dependencies !== p.dependencies && same(p.dependencies, v.dependencies)) v.dependencies = p.dependencies;
      if (v.optionalDependencies !== p.optionalDependencies && same(p.optionalDependencies, v.optionalDependencies)) v.optionalDependencies = p.optionalDependencies;
      if (v.bin !== p.bin && same(p.bin, v.bin)) v.bin = p.bin;
      if (v.publishedAt !== undefined && v.publishedAt === p.publishedAt) v.publishedAt = p.publishedAt;
      if (v.publisher !== undefined && v.publisher !== p.publisher && same(p.publisher, v.publisher)) v.publisher = p.publisher as VersionSummary['publisher'];
      if (v.deprecated !== undefined && v.deprecated === p.deprecated) v.deprecated = p.deprecated;
      if (v.integrity !== undefined && v.integrity === p.integrity) v.integrity = p.integrity;
      if (v.repository !== undefined && v.repository === p.repository) v.repository = p.repository;
    }
    p = v;
  }
  return summary;
}

export function encodeSummary(summary: PackageSummary): Json {
  const versions: Json[] = [];
  let p: VersionSummary | undefined;
  for (const key in summary.versions) {
    if (!Object.prototype.hasOwnProperty.call(summary.versions, key)) continue;
    const v = summary.versions[key] as VersionSummary;
    const stored: Json = { version: v.version };
    // `null`: this version lacks a field the one before had.
    if (p === undefined || !same(p.installScripts, v.installScripts)) stored.installScripts = v.installScripts ?? null;
    if (p === undefined || !same(p.maintainers, v.maintainers)) stored.maintainers = v.maintainers ?? null;
    if (p === undefined || p.gypfile !== v.gypfile) stored.gypfile = v.gypfile ?? null;
    if (p === undefined || !same(p.dependencies, v.dependencies)) stored.dependencies = v.dependencies ?? null;
    if (p === undefined || !same(p.optionalDependencies, v.optionalDependencies)) stored.optionalDependencies = v.optionalDependencies ?? null;
    if (p === undefined || p.provenance !== v.provenance) stored.provenance = v.provenance ?? null;
    if (p === undefined || !same(p.bin, v.bin)) stored.bin = v.bin ?? null;
    if (p === undefined || !same(p.publishedAt, v.publishedAt)) stored.publishedAt = v.publishedAt ?? null;
    if (p === undefined || !same(p.publisher, v.publisher)) stored.publisher = v.publisher ?? null;
    if (p === undefined || !same(p.deprecated, v.deprecated)) stored.deprecated = v.deprecated ?? null;
    if (p === undefined || !same(p.integrity, v.integrity)) stored.integrity = v.integrity ?? null;
    if (p === undefined || !same(p.repository, v.repository)) stored.repository = v.repository ?? null;
    versions.push(stored);
    p = v;
  }
  return { ...summary, versions };
}

/**
 * The summary back, or undefined when the stored form is damaged: not an array of versions, or a version
 * whose fields are not of the types the signals read (the fields every version has, and `publishedAt`).
 * The rest of the summary is the caller's to check, like any summary.
 *
 * Hot on a warm start (every version of every cached package), hence one object literal per version in
 * the shape summarizePackument gives it.
 */
export function decodeSummary(stored: unknown): PackageSummary | undefined {
  if (!isObject(stored) || !Array.isArray(stored.versions)) return undefined;
  const list = stored.versions as unknown[];
  const versions: Record<string, VersionSummary> = {};
  // The version before, decoded: stored JSON objects have Object.prototype as prototype and none of the
  // field names is a member of it, so item.field is the own field or undefined.
  let p: Json | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isObject(item)) return undefined;
    const name = item.version;
    if (typeof name !== 'string') return undefined;
    // Absent: as the version before (the first has every field); null: this version has none.
    const installScripts = item.installScripts === undefined ? p?.installScripts : item.installScripts;
    const maintainers = item.maintainers === undefined ? p?.maintainers : item.maintainers;
    const gypfile = item.gypfile === undefined ? p?.gypfile : item.gypfile;
    const dependencies = item.dependencies === undefined ? p?.dependencies : item.dependencies;
    const optionalDependencies = item.optionalDependencies === undefined ? p?.optionalDependencies : item.optionalDependencies;
    const provenance = item.provenance === undefined ? p?.provenance : item.provenance;
    const bin = item.bin === undefined ? p?.bin : item.bin;
    if (
      !isObject(installScripts) ||
      !Array.isArray(maintainers) ||
      typeof gypfile !== 'boolean' ||
      !isObject(dependencies) ||
      !isObject(optionalDependencies) ||
      typeof provenance !== 'boolean' ||
      !Array.isArray(bin)
    ) {
      return undefined;
    }
    const version: Json = { version: name, installScripts, maintainers, gypfile, dependencies, optionalDependencies, provenance, bin };
    const publishedAt = item.publishedAt === undefined ? p?.publishedAt : item.publishedAt;
    if (publishedAt !== null && publishedAt !== undefined) {
      if (typeof publishedAt !== 'string') return undefined;
      version.publishedAt = publishedAt;
    }
    const publisher = item.publisher === undefined ? p?.publisher : item.publisher;
    if (publisher !== null && publisher !== undefined) version.publisher = publisher;
    const deprecated = item.deprecated === undefined ? p?.deprecated : item.deprecated;
    if (deprecated !== null && deprecated !== undefined) version.deprecated = deprecated;
    const integrity = item.integrity === undefined ? p?.integrity : item.integrity;
    if (integrity !== null && integrity !== undefined) version.integrity = integrity;
    const repository = item.repository === undefined ? p?.repository : item.repository;
    if (repository !== null && repository !== undefined) version.repository = repository;
    // Plain assignment is several times cheaper than define(); only "__proto__" needs the latter.
    if (name === '__proto__') define(versions, name, version as unknown as VersionSummary);
    else versions[name] = version as unknown as VersionSummary;
    p = version;
  }
  return { ...(stored as unknown as PackageSummary), versions };
}
