/**
 * From yarn.lock entries (classic or berry, already read) to the one lockfile graph: descriptor index,
 * edges resolved by yarn's own rule, which packages are only reachable through optional edges, and berry
 * workspaces as importers. Also the descriptor and source helpers both formats share.
 */
import type { OffsetRange } from '../finding';
import type { LockedDependency, LockedPackage, LockImporter, Lockfile, LockfileKind, LockSource } from '../lockfile/types';
import type { Problems, YarnNode } from './yarnLockSyntax';

/** One entry as its format reader understood it. */
export interface RawEntry {
  key: string;
  range: OffsetRange;
  /** The descriptors the key lists, each split into name and range. */
  descriptors: Array<[string, string]>;
  name: string;
  version: string;
  source: LockSource;
  resolved?: string;
  integrity?: string;
  /** `name range` / `name: range` lines (already checked to have a text value). */
  dependencies: YarnNode[] | undefined;
  /** Lines whose every edge is optional (classic `optionalDependencies`). */
  optionalDependencies: YarnNode[] | undefined;
  /** Berry: names `dependenciesMeta` marks optional. */
  optionalNames?: Set<string>;
  /** Berry: the locator (`resolution`), which binds relative `file:`/`portal:`/`link:` descriptors. */
  locator?: string;
  /** Berry: the workspace folder when this entry is a workspace ('' for the root). */
  workspace?: string;
  /** Berry: the descriptor a built-in `patch:` entry patches (`typescript@npm:^5`), to share its status. */
  patches?: string;
}

/** `name@range` → [name, range]; the name may be scoped. Undefined without an `@` after the name. */
export function splitDescriptor(descriptor: string): [string, string] | undefined {
  const at = descriptor.indexOf('@', 1);
  if (at <= 0) return undefined;
  return [descriptor.slice(0, at), descriptor.slice(at + 1)];
}

const PROTOCOL = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

export function hasProtocol(range: string): boolean {
  return PROTOCOL.test(range);
}

/** The registry name and range behind an `npm:` alias (`npm:real@^1` → real, ^1); as given otherwise. */
export function unalias(name: string, range: string): [string, string] {
  if (!range.startsWith('npm:')) return [name, range];
  const target = range.slice(4);
  // `npm:^1.0.0` (berry's default protocol) names no other package.
  return splitDescriptor(target) ?? [name, target];
}

const GIT_PREFIXES = ['git+', 'git:', 'git@', 'ssh:', 'github:', 'gitlab:', 'bitbucket:', 'gist:'];

function isGitUrl(value: string): boolean {
  for (const prefix of GIT_PREFIXES) if (value.startsWith(prefix)) return true;
  if (!value.startsWith('https:') && !value.startsWith('http:')) return false;
  return value.includes('.git#') || value.endsWith('.git') || value.includes('#commit=') || value.startsWith('https://codeload.github.com/');
}

/** Where a classic entry comes from: by its descriptor's range (after an alias) and its `resolved`. */
export function classicSource(range: string, resolved: string | undefined): LockSource {
  if (resolved !== undefined && isGitUrl(resolved)) return 'git';
  // The common case first: a semver range or a tag has neither a protocol nor a slash.
  if (range.indexOf(':') < 0 && range.indexOf('/') < 0) return 'registry';
  if (range.startsWith('file:')) return 'file';
  if (range.startsWith('link:') || range.startsWith('portal:')) return 'link';
  if (range.startsWith('workspace:')) return 'workspace';
  if (isGitUrl(range)) return 'git';
  if (range.startsWith('https:') || range.startsWith('http:')) return 'tarball';
  if (hasProtocol(range)) return 'unknown';
  // `user/repo` is a GitHub shorthand; a registry range or tag never has a slash.
  if (range.includes('/')) return 'git';
  return 'registry';
}

/** Where a berry entry comes from, by the reference of its locator (`npm:1.2.3`, `workspace:.`, …). */
export function berrySource(reference: string, depth = 0): LockSource {
  if (reference.startsWith('npm:')) return 'registry';
  if (reference.startsWith('workspace:')) return 'workspace';
  if (reference.startsWith('file:')) return 'file';
  if (reference.startsWith('link:') || reference.startsWith('portal:')) return 'link';
  if (reference.startsWith('patch:') && depth === 0) {
    const inner = patchedDescriptor(reference);
    const split = inner === undefined ? undefined : splitDescriptor(inner);
    return split ? berrySource(split[1], 1) : 'unknown';
  }
  if (isGitUrl(reference)) return 'git';
  if (reference.startsWith('https:') || reference.startsWith('http:')) return 'tarball';
  return 'unknown';
}

/** `patch:typescript@npm%3A^5#optional!builtin<…>` → `typescript@npm:^5` (the descriptor it patches). */
export function patchedDescriptor(range: string): string | undefined {
  if (!range.startsWith('patch:')) return undefined;
  const hash = range.indexOf('#');
  const encoded = range.slice(6, hash < 0 ? range.length : hash);
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/**
 * Finds the entry a dependency `name: range` resolves to, by the format's rule; `from` is the depending
 * entry (its locator binds berry's relative descriptors).
 */
export type Resolve = (name: string, range: string, from: { locator?: string } | undefined) => number | undefined;

/**
 * Descriptor → entry index, keyed by name then range: no string is concatenated for a lookup, which
 * matters with tens of thousands of edges.
 */
export class DescriptorIndex {
  private readonly byName = new Map<string, Map<string, number>>();
  private unbound: Map<string, Map<string, number>> | undefined;

  /** False when a descriptor is already taken (the entry is a duplicate); nothing is added then. */
  addAll(descriptors: ReadonlyArray<readonly [string, string]>, index: number): boolean {
    for (const [name, range] of descriptors) if (this.byName.get(name)?.has(range)) return false;
    for (const [name, range] of descriptors) {
      let ranges = this.byName.get(name);
      if (!ranges) this.byName.set(name, (ranges = new Map()));
      ranges.set(range, index);
    }
    this.unbound = undefined;
    return true;
  }

  get(name: string, range: string): number | undefined {
    return this.byName.get(name)?.get(range);
  }

  /** A range without its `::locator=…` binding, when exactly one entry of that name has it. */
  getUnbound(name: string, range: string): number | undefined {
    if (!this.unbound) {
      this.unbound = new Map();
      for (const [n, ranges] of this.byName) {
        for (const [r, i] of ranges) {
          const cut = r.indexOf('::');
          if (cut < 0) continue;
          let map = this.unbound.get(n);
          if (!map) this.unbound.set(n, (map = new Map()));
          const key = r.slice(0, cut);
          const seen = map.get(key);
          map.set(key, seen === undefined || seen === i ? i : -1);
        }
      }
    }
    const found = this.unbound.get(name)?.get(range);
    return found === undefined || found < 0 ? undefined : found;
  }
}

export function classicResolver(index: DescriptorIndex): Resolve {
  return (name, range) => index.get(name, range);
}

export function berryResolver(index: DescriptorIndex): Resolve {
  return (name, range, from) => {
    const exact = index.get(name, range);
    if (exact !== undefined) return exact;
    if (!hasProtocol(range)) return index.get(name, `npm:${range}`);
    if (from?.locator !== undefined) {
      const bound = index.get(name, `${range}::locator=${encodeURIComponent(from.locator)}`);
      if (bound !== undefined) return bound;
    }
    return index.getUnbound(name, range);
  };
}

/** Calls `visit` for each dependency line of an entry with whether that edge is optional. */
export function forEachDependency(entry: RawEntry, visit: (dep: YarnNode, optional: boolean) => void): void {
  const names = entry.optionalNames;
  if (entry.dependencies) for (const dep of entry.dependencies) visit(dep, names !== undefined && names.has(dep.key));
  if (entry.optionalDependencies) for (const dep of entry.optionalDependencies) visit(dep, true);
}

/**
 * Builds the graph. Entries must already be de-duplicated (see `DescriptorIndex.addAll`). Edges are kept
 * as numbers: `to` for a required edge, `~to` (negative) for an optional one.
 */
export function buildLockfile(kind: LockfileKind, version: string, entries: readonly RawEntry[], resolve: Resolve, problems: Problems): Lockfile {
  const edges: number[][] = [];
  let dangling = 0;
  let firstDangling: YarnNode | undefined;
  // Each target once per entry, required winning over optional, in O(1) per edge: `seenBy[to]` is the
  // entry (plus one) that last linked to `to`, `seenAt[to]` where in its list.
  const seenBy = new Int32Array(entries.length);
  const seenAt = new Int32Array(entries.length);
  const packages: LockedPackage[] = entries.map((entry, i) => {
    const out: number[] = [];
    forEachDependency(entry, (dep, optional) => {
      const to = resolve(dep.key, dep.value as string, entry);
      if (to === undefined) {
        dangling++;
        firstDangling ??= dep;
        return;
      }
      if (seenBy[to] === i + 1) {
        if (!optional) out[seenAt[to] as number] = to;
        return;
      }
      seenBy[to] = i + 1;
      seenAt[to] = out.length;
      out.push(optional ? ~to : to);
    });
    edges.push(out);
    const pkg: LockedPackage = { name: entry.name, version: entry.version, source: entry.source, dependencies: out.map((e) => (e < 0 ? ~e : e)), range: entry.range, key: entry.key };
    if (entry.resolved !== undefined) pkg.resolved = entry.resolved;
    if (entry.integrity !== undefined) pkg.integrity = entry.integrity;
    return pkg;
  });
  // A dependency with no entry is only worth a problem of its own when nothing else broke: after a cut
  // or a dropped entry, the missing targets are that problem's consequence.
  if (firstDangling && problems.items.length === 0) {
    const more = dangling > 1 ? ` (${dangling} such dependencies in all)` : '';
    problems.add('lockfile-invalid-entry', `A dependency here matches no entry of the lockfile${more}; the lockfile may be out of date.`, { start: firstDangling.start, end: firstDangling.end });
  }
  const importers = kind === 'yarn-berry' ? berryImporters(entries, resolve) : [{ path: '', dependencies: [] }];
  markOptional(kind, entries, edges, packages, resolve);
  return { kind, version, packages, importers };
}

function berryImporters(entries: readonly RawEntry[], resolve: Resolve): LockImporter[] {
  const importers: LockImporter[] = [];
  entries.forEach((entry) => {
    if (entry.workspace === undefined) return;
    const dependencies: LockedDependency[] = [];
    forEachDependency(entry, (dep) => {
      const spec = dep.value as string;
      const target = resolve(dep.key, spec, entry);
      if (target !== undefined) dependencies.push({ name: dep.key, spec, package: target });
    });
    importers.push({ path: entry.workspace, dependencies });
  });
  importers.sort((a, b) => (a.path === '' ? -1 : b.path === '' ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (importers[0]?.path !== '') importers.unshift({ path: '', dependencies: [] });
  return importers;
}

/**
 * A package reachable from the roots only through optional edges is optional. Roots: berry workspaces;
 * classic has no importer section, so its roots are the entries nothing depends on. Packages the walk
 * never reaches keep `optional` undefined (the file does not say). A berry built-in `patch:` entry shares
 * the status of the entry it patches (the lockfile's edges point at the unpatched descriptor).
 */
function markOptional(kind: LockfileKind, entries: readonly RawEntry[], edges: number[][], packages: LockedPackage[], resolve: Resolve): void {
  const count = packages.length;
  const roots: number[] = [];
  if (kind === 'yarn-berry') {
    entries.forEach((entry, i) => entry.workspace !== undefined && roots.push(i));
  } else {
    const incoming = new Uint8Array(count);
    for (const out of edges) for (const e of out) incoming[e < 0 ? ~e : e] = 1;
    for (let i = 0; i < count; i++) if (!incoming[i]) roots.push(i);
  }
  const required = walk(roots, edges, count, true);
  const reached = walk(roots, edges, count, false);
  const status = (i: number): boolean | undefined => (required[i] ? false : reached[i] ? true : undefined);
  for (let i = 0; i < count; i++) {
    let optional = status(i);
    const patched = entries[i]?.patches;
    if (optional === undefined && patched !== undefined) {
      const split = splitDescriptor(patched);
      const target = split ? resolve(split[0], split[1], undefined) : undefined;
      if (target !== undefined) optional = status(target);
    }
    if (optional === true) (packages[i] as LockedPackage).optional = true;
  }
}

function walk(roots: readonly number[], edges: number[][], count: number, requiredOnly: boolean): Uint8Array {
  const seen = new Uint8Array(count);
  const queue = [...roots];
  for (const r of roots) seen[r] = 1;
  while (queue.length > 0) {
    const i = queue.pop() as number;
    for (const e of edges[i] ?? []) {
      if (requiredOnly && e < 0) continue;
      const to = e < 0 ? ~e : e;
      if (seen[to]) continue;
      seen[to] = 1;
      queue.push(to);
    }
  }
  return seen;
}
