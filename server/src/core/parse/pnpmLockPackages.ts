/**
 * pnpm-lock.yaml entries → locked packages. v9 splits each package into `packages` (resolution, by
 * `name@version`) and `snapshots` (one per peer context, `name@version(peer@x)`, with the resolved
 * dependencies): one locked package per snapshot, its range on the `packages` key that holds its
 * version and resolution. v6 (`/name@version(peers)`) and v5 (`/name/version_peers`) keep both in one
 * `packages` entry. Dependency references resolve with pnpm's own rules (`refToRelative`).
 */
import type { LockedPackage, LockSource } from '../lockfile/types';
import { isSemverVersion, sourceOfResolved, type ProblemList } from './npmLockCommon';
import { entryOf, keyRange, nodeRange, type YEntry, type YMap, type YNode } from './pnpmLockYaml';

export type Style = 'v5' | 'v6' | 'v9';

export interface PackageTable {
  packages: LockedPackage[];
  /** The key dependency references resolve to (v9: snapshot keys; v5/v6: package keys) → index. */
  byKey: Map<string, number>;
  /** Each package's dependency maps, resolved once every package exists. */
  pending: Array<{ index: number; maps: YNode[] }>;
}

export function map(node: YNode | null | undefined): YMap | undefined {
  return node && node.kind === 'map' ? node : undefined;
}

export function scalar(node: YNode | null | undefined): string | undefined {
  return node && node.kind === 'scalar' ? node.value : undefined;
}

function field(m: YMap, name: string): YNode | null | undefined {
  return entryOf(m, name)?.value;
}

function isTrue(node: YNode | null | undefined): boolean {
  return node?.kind === 'scalar' && node.plain && node.value === 'true';
}

/** `name@version`, the name possibly scoped; undefined when there is no version part. */
export function splitId(id: string): { name: string; version: string } | undefined {
  const at = id.indexOf('@', 1);
  if (at <= 0 || at === id.length - 1) return undefined;
  return { name: id.slice(0, at), version: id.slice(at + 1) };
}

/** v6/v9 peer suffixes start at the first `(`; v5's at the first `_`. */
function withoutPeers(version: string, style: Style): string {
  const cut = version.indexOf(style === 'v5' ? '_' : '(');
  return cut === -1 ? version : version.slice(0, cut);
}

/** Name and version a key spells, before any `name`/`version` field of the entry is considered. */
function parseKey(key: string, style: Style): { name: string; version: string } | undefined {
  if (style === 'v9') {
    const id = splitId(key);
    return id && { name: id.name, version: withoutPeers(id.version, style) };
  }
  if (!key.startsWith('/')) return undefined; // file:, host paths: the entry names itself
  if (style === 'v6') {
    const id = splitId(key.slice(1));
    return id && { name: id.name, version: withoutPeers(id.version, style) };
  }
  const slash = key.lastIndexOf('/');
  if (slash <= 1) return undefined;
  return { name: key.slice(1, slash), version: withoutPeers(key.slice(slash + 1), style) };
}

export function readPackages(root: YMap, style: Style, problems: ProblemList): PackageTable {
  const table: PackageTable = { packages: [], byKey: new Map(), pending: [] };
  const packagesEntry = entryOf(root, 'packages');
  const packages = sectionMap(packagesEntry, problems);
  if (style !== 'v9') {
    for (const entry of packages?.entries ?? []) addPackage(table, entry, entry, style, problems);
    return table;
  }
  const snapshotsEntry = entryOf(root, 'snapshots');
  const snapshots = sectionMap(snapshotsEntry, problems);
  const used = new Set<string>();
  // Without `packages`, every snapshot would miss its resolution: say so once (or not again).
  if (!packagesEntry && snapshotsEntry && snapshots && snapshots.entries.length > 0) {
    problems.entry('The lockfile has "snapshots" but no "packages" with their resolutions; pnpm cannot install it as written.', keyRange(snapshotsEntry));
  }
  for (const snapshot of snapshots?.entries ?? []) {
    const base = splitId(snapshot.key);
    const metaKey = base ? `${base.name}@${withoutPeers(base.version, style)}` : snapshot.key;
    const meta = packages && (entryOf(packages, metaKey) ?? entryOf(packages, snapshot.key));
    if (meta) used.add(meta.key);
    else if (packages) problems.entry('This snapshot has no entry under "packages" (with its resolution); pnpm cannot install it as written.', keyRange(snapshot));
    addPackage(table, meta ?? snapshot, snapshot, style, problems, snapshot.key);
  }
  for (const entry of packages?.entries ?? []) {
    if (!used.has(entry.key)) addPackage(table, entry, undefined, style, problems);
  }
  return table;
}

function sectionMap(entry: YEntry | undefined, problems: ProblemList): YMap | undefined {
  if (!entry || entry.value === null) return undefined;
  if (entry.value.kind !== 'map') {
    problems.entry(`"${entry.key === 'packages' ? 'packages' : 'snapshots'}" must be a mapping of entries; pnpm cannot read the lockfile as written.`, keyRange(entry));
    return undefined;
  }
  return entry.value;
}

/**
 * One package from its metadata entry (`meta`: v9 `packages`, or the v5/v6 entry itself) and the entry
 * that holds its dependencies (`deps`: v9 snapshot, or the v5/v6 entry itself).
 */
function addPackage(table: PackageTable, meta: YEntry, deps: YEntry | undefined, style: Style, problems: ProblemList, snapshotKey?: string): void {
  const key = snapshotKey ?? meta.key;
  const metaMap = map(meta.value);
  if (meta.value !== null && !metaMap) {
    problems.entry('This lockfile entry must be a mapping of fields; pnpm cannot read it.', keyRange(meta));
    return;
  }
  const written = parseKey(meta.key, style);
  const name = (metaMap && scalar(field(metaMap, 'name'))) ?? written?.name;
  const version = (metaMap && scalar(field(metaMap, 'version'))) ?? written?.version ?? (name !== undefined ? meta.key : undefined);
  if (name === undefined || version === undefined || name === '') {
    problems.entry('This lockfile entry names no package and version (its key is not "name@version" and it has no "name" field).', keyRange(meta));
    return;
  }
  const resolutionNode = metaMap ? field(metaMap, 'resolution') : undefined;
  const resolution = map(resolutionNode);
  const snapshotOnly = snapshotKey !== undefined && meta === deps;
  if (resolutionNode && !resolution) {
    problems.entry('The "resolution" of this lockfile entry must be a mapping ({integrity: …} or {tarball: …}).', keyRange(meta));
  } else if (!resolution && !snapshotOnly) {
    problems.entry('This lockfile entry has no "resolution"; pnpm cannot install it as written (the file may be cut off or edited by hand).', keyRange(meta));
  }
  const integrity = resolution ? scalar(field(resolution, 'integrity')) : undefined;
  const resolved = resolution ? resolvedOf(resolution) : undefined;
  const pkg: LockedPackage = {
    name,
    version,
    source: sourceOf(resolution, resolved, name, version),
    dependencies: [],
    range: keyRange(meta),
    key,
  };
  if (resolved !== undefined) pkg.resolved = resolved;
  if (integrity !== undefined) pkg.integrity = integrity;
  const depsMap = deps ? map(deps.value) : undefined;
  if (style !== 'v9') pkg.dev = isTrue(metaMap && field(metaMap, 'dev'));
  pkg.optional = isTrue(depsMap && field(depsMap, 'optional'));
  const index = table.packages.length;
  table.packages.push(pkg);
  if (!table.byKey.has(key)) table.byKey.set(key, index);
  const maps: YNode[] = [];
  for (const section of ['dependencies', 'optionalDependencies']) {
    const node = depsMap && field(depsMap, section);
    if (node) maps.push(node);
  }
  if (maps.length > 0) table.pending.push({ index, maps });
}

function resolvedOf(resolution: YMap): string | undefined {
  const tarball = scalar(field(resolution, 'tarball'));
  if (tarball !== undefined) return tarball;
  const repo = scalar(field(resolution, 'repo'));
  const commit = scalar(field(resolution, 'commit'));
  if (repo !== undefined) return commit !== undefined ? `${repo}#${commit}` : repo;
  return undefined;
}

function sourceOf(resolution: YMap | undefined, resolved: string | undefined, name: string, version: string): LockSource {
  const type = resolution ? scalar(field(resolution, 'type')) : undefined;
  if (type === 'git') return 'git';
  if (type === 'directory') return 'file';
  if (resolved !== undefined) return sourceOfResolved(resolved, name);
  if (resolution && scalar(field(resolution, 'integrity')) !== undefined) return 'registry';
  if (version.startsWith('link:')) return 'link';
  if (isSemverVersion(version)) return resolution ? 'registry' : 'unknown';
  return sourceOfResolved(version, name);
}

/**
 * pnpm's `refToRelative`: the key a dependency reference (`alias: ref`) points at; undefined for links.
 * v9: `name@version(peers)`, an alias as `real@version`; v6: `/name@version(peers)`; v5: `/name/version_peers`;
 * `file:` and host-path references are keys as written.
 */
export function refToKey(alias: string, ref: string, style: Style): string | undefined {
  if (ref.startsWith('link:')) return undefined;
  if (style === 'v9') {
    if (ref.startsWith('@')) return ref;
    const at = ref.indexOf('@');
    const colon = ref.indexOf(':');
    const paren = ref.indexOf('(');
    if (at > 0 && (colon === -1 || at < colon) && (paren === -1 || at < paren)) return ref;
    return `${alias}@${ref}`;
  }
  if (ref.startsWith('/') || ref.startsWith('file:')) return ref;
  const base = withoutPeers(ref, style);
  if (base.includes('/')) return ref;
  return style === 'v6' ? `/${alias}@${ref}` : `/${alias}/${ref}`;
}

/** The package a reference names, trying the other styles' spellings when the declared one misses. */
export function lookupRef(table: PackageTable, alias: string, ref: string, style: Style): number | undefined {
  const primary = refToKey(alias, ref, style);
  if (primary === undefined) return undefined;
  const hit = table.byKey.get(primary);
  if (hit !== undefined) return hit;
  for (const other of ['v9', 'v6', 'v5'] as const) {
    if (other === style) continue;
    const key = refToKey(alias, ref, other);
    const found = key === undefined ? undefined : table.byKey.get(key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Calls `each` with every dependency reference (`alias: ref`, or v6/v9 importers' `alias: {version: ref}`)
 * of a dependency map; entries that are not plain references are reported.
 */
export function forEachReference(node: YNode, problems: ProblemList, each: (alias: string, ref: string, entry: YEntry) => void): void {
  const m = map(node);
  if (!m) {
    problems.entry('A dependency list must be a mapping of names to versions.', nodeRange(node));
    return;
  }
  for (const entry of m.entries) {
    const value = entry.value;
    const ref = value?.kind === 'scalar' ? value.value : value?.kind === 'map' ? scalar(entryOf(value, 'version')?.value) : undefined;
    if (ref === undefined) problems.entry('This dependency has no version reference pnpm can read.', keyRange(entry));
    else each(entry.key, ref, entry);
  }
}
