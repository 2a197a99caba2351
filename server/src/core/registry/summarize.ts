/**
 * Packument → PackageSummary. Pure and defensive: registry documents are untrusted input, so every
 * field is type-checked and anything of the wrong shape is dropped or reported, never trusted.
 */
import { canonicalIsoMs } from './history';
import { define, isObject, own } from './records';
import type { InstallScriptName, PackageSummary, Person, Publisher, RegistryError, VersionSummary } from './types';

const INSTALL_SCRIPTS: readonly InstallScriptName[] = ['preinstall', 'install', 'postinstall'];
/** Generous bound on one text field we keep (a deprecation message, a script line). */
const MAX_TEXT = 2000;

type Json = Record<string, unknown>;


function text(value: unknown, max = MAX_TEXT): string | undefined {
  return typeof value === 'string' ? value.slice(0, max) : undefined;
}

function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Already canonical (as registries write times): toISOString of it would give it back unchanged.
  if (canonicalIsoMs(value) !== undefined) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function person(value: unknown): Person | undefined {
  if (typeof value === 'string') {
    // Old documents store "Name <email>" strings.
    const match = /^\s*([^<]*?)\s*(?:<([^>]*)>)?\s*$/.exec(value);
    const name = match?.[1];
    if (!name) return undefined;
    return match[2] ? { name, email: match[2] } : { name };
  }
  if (!isObject(value)) return undefined;
  const name = text(value.name, 214);
  if (!name) return undefined;
  const email = text(value.email, 254);
  return email ? { name, email } : { name };
}

function people(value: unknown): Person[] {
  if (!Array.isArray(value)) return [];
  return value.map(person).filter((p): p is Person => p !== undefined);
}

function publisher(value: unknown): Publisher | undefined {
  const base = person(value);
  if (!base || !isObject(value)) return base;
  const trusted = value.trustedPublisher;
  if (isObject(trusted)) return { ...base, trustedPublisher: text(trusted.id, 100) ?? 'unknown' };
  return base;
}

/**
 * `define(record, key, value)`: an own property even for "__proto__". Plain assignment creates the same
 * property for every other key (Object.prototype has no other setter) and is several times cheaper.
 */
function put<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') define(record, key, value);
  else record[key] = value;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const spec = value[key];
    if (typeof spec === 'string') put(out, key, spec.length > MAX_TEXT ? spec.slice(0, MAX_TEXT) : spec);
  }
  return out;
}

export function repositoryUrl(value: unknown): string | undefined {
  if (typeof value === 'string') return value.slice(0, MAX_TEXT);
  if (isObject(value)) return text(value.url);
  return undefined;
}

function binNames(name: string, value: unknown): string[] {
  if (typeof value === 'string') return [name.split('/').pop() ?? name];
  if (isObject(value)) return Object.keys(value).slice(0, 100);
  return [];
}

function summarizeVersion(name: string, version: string, doc: Json, publishedAt: string | undefined): VersionSummary {
  const scripts = isObject(doc.scripts) ? doc.scripts : {};
  const installScripts: VersionSummary['installScripts'] = {};
  for (const script of INSTALL_SCRIPTS) {
    const line = text(scripts[script]);
    if (line !== undefined && line.trim() !== '') installScripts[script] = line;
  }
  const dist = isObject(doc.dist) ? doc.dist : {};
  const summary: VersionSummary = {
    version,
    installScripts,
    maintainers: people(doc.maintainers).map((p) => p.name),
    gypfile: doc.gypfile === true,
    dependencies: stringMap(doc.dependencies),
    optionalDependencies: stringMap(doc.optionalDependencies),
    provenance: isObject(dist.attestations),
    bin: binNames(name, doc.bin),
  };
  if (publishedAt) summary.publishedAt = publishedAt;
  const who = publisher(doc._npmUser);
  if (who) summary.publisher = who;
  // npm sets `deprecated` to "" to un-deprecate; only a non-empty string is a deprecation.
  const deprecated = text(doc.deprecated);
  if (deprecated) summary.deprecated = deprecated;
  const integrity = text(dist.integrity, 200);
  if (integrity) summary.integrity = integrity;
  const repository = repositoryUrl(doc.repository);
  if (repository) summary.repository = repository;
  return summary;
}

export type SummarizeResult = { ok: true; summary: PackageSummary } | { ok: false; error: RegistryError };

/** `requestedName` is what was asked for; a document for another name is an error, not data. */
export function summarizePackument(doc: unknown, requestedName: string): SummarizeResult {
  const malformed = (why: string): SummarizeResult => ({
    ok: false,
    error: { kind: 'malformed', message: `The registry's document for ${requestedName} is malformed: ${why}.` },
  });
  if (!isObject(doc)) return malformed('it is not a JSON object');
  if (doc.name !== undefined && doc.name !== requestedName) return malformed('it describes a different package');
  if (doc.versions !== undefined && !isObject(doc.versions)) return malformed('"versions" is not an object');
  if (doc.time !== undefined && !isObject(doc.time)) return malformed('"time" is not an object');

  const time = isObject(doc.time) ? doc.time : {};
  const rawVersions = isObject(doc.versions) ? doc.versions : {};
  const versions: Record<string, VersionSummary> = {};
  for (const [version, versionDoc] of Object.entries(rawVersions)) {
    if (!isObject(versionDoc)) continue;
    put(versions, version, summarizeVersion(requestedName, version, versionDoc, isoDate(own(time, version))));
  }
  const unpublished = Object.keys(time).filter(
    (key) => key !== 'created' && key !== 'modified' && own(versions, key) === undefined && isoDate(own(time, key)) !== undefined,
  );

  const summary: PackageSummary = {
    name: requestedName,
    distTags: stringMap(doc['dist-tags']),
    maintainers: people(doc.maintainers),
    versions,
    unpublished,
  };
  const description = text(doc.description, 500);
  if (description) summary.description = description;
  const license = typeof doc.license === 'string' ? doc.license.slice(0, 200) : undefined;
  if (license) summary.license = license;
  const repository = repositoryUrl(doc.repository);
  if (repository) summary.repository = repository;
  const created = isoDate(time.created);
  if (created) summary.created = created;
  const modified = isoDate(time.modified);
  if (modified) summary.modified = modified;
  return { ok: true, summary };
}
