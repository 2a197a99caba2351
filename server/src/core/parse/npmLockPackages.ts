/**
 * package-lock v2/v3 `packages`: one entry per install location. `node_modules/…` paths are installed
 * packages; other paths are folders (workspace members, `file:` directories) that `link` entries point
 * at: a link is not a package of its own but installs its folder's. Dependencies resolve the way Node
 * resolves `require`: from the package's own folder up through every enclosing `node_modules`,
 * following links to the folder they name. Importers: the root (`packages[""]`), then every linked or
 * workspace folder, whose declared dependencies npm installs.
 */
import type { OffsetRange } from '../finding';
import type { LockedDependency, LockedPackage, LockImporter } from '../lockfile/types';
import { isRecord, type ProblemList } from './npmLockCommon';
import { entryProblem, lockedPackage, noFields, readFields } from './npmLockEntry';
import type { EntryKeys } from './npmLockKeys';
import { installedName, isInstalled, lastNested, Locations, NM } from './npmLockLocations';

const FOLDER_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

export interface ReadResult {
  packages: LockedPackage[];
  importers: LockImporter[];
}

export function readPackages(section: Record<string, unknown>, keys: EntryKeys, problems: ProblemList): ReadResult {
  return new PackagesReader(section, problems).read(keys);
}

/** Edges are filled in once every location is known; until then a package's list is this shared placeholder. */
const PENDING: number[] = [];

class PackagesReader {
  private readonly packages: LockedPackage[] = [];
  private readonly locations = new Locations();
  /**
   * By package index, in typed arrays sized once (a large lockfile has thousands of entries): where its
   * last `/node_modules/` is (-1: none), whether it is installed (not a folder), and where the names it
   * depends on end in `needs`, which holds every package's back to back. The names are listed while
   * the entry is at hand: going back to thousands of entries for them costs more than the list.
   */
  private readonly nested: Int32Array;
  private readonly installed: Uint8Array;
  private readonly needsEnd: Int32Array;
  private readonly needs: string[] = [];
  /** The fields of the entry being read (one object, refilled for each). */
  private readonly fields = noFields();
  /** Folder entries (workspace members, `file:` directories) by package index: candidate importers. */
  private readonly folders = new Map<number, Record<string, unknown>>();
  private readonly links: Array<{ location: string; target: string; range: OffsetRange }> = [];
  /** Folder entries a link installs (workspace members, `file:` directories): importers too. */
  private readonly linked = new Set<number>();
  private readonly root: Record<string, unknown> | undefined;
  private readonly isWorkspace: (path: string) => boolean;

  /** The section's keys in document order (most of them the locations of packages). */
  private readonly inOrder: string[];

  constructor(
    private readonly section: Record<string, unknown>,
    private readonly problems: ProblemList,
  ) {
    const root = section[''];
    this.root = isRecord(root) ? root : undefined;
    this.isWorkspace = workspaceMatcher(this.root?.workspaces);
    const inOrder = (this.inOrder = Object.keys(section));
    this.nested = new Int32Array(inOrder.length);
    this.installed = new Uint8Array(inOrder.length);
    this.needsEnd = new Int32Array(inOrder.length);
  }

  read(keys: EntryKeys): ReadResult {
    const { section, inOrder } = this;
    keys.expect(inOrder.length);
    for (let i = 0; i < inOrder.length; i++) {
      const location = inOrder[i] as string;
      if (location !== '') this.entry(location, section[location], keys.rangeOf(location, i));
    }
    // Links add packages after these; theirs have no entry, so no lists to resolve.
    const fromEntries = this.packages.length;
    this.followLinks();
    this.resolveEdges(fromEntries);
    const { root, locations } = this;
    const importers: LockImporter[] = [{ path: '', dependencies: root ? declared(root, '', locations) : topLevel(locations) }];
    // Each folder whose dependencies npm installs: workspace members, and `file:` directories it links.
    for (const [index, entry] of this.folders) {
      const pkg = this.packages[index] as LockedPackage;
      if (pkg.source === 'workspace' || this.linked.has(index)) importers.push({ path: pkg.key, dependencies: declared(entry, pkg.key, locations) });
    }
    return { packages: this.packages, importers };
  }

  private entry(location: string, entry: unknown, range: OffsetRange): void {
    if (!isRecord(entry)) {
      this.problems.entry('This lockfile entry must be an object describing the package; npm cannot read it.', range);
      return;
    }
    const fields = readFields(entry, this.fields);
    if (fields.link === true) {
      if (typeof fields.resolved !== 'string') this.problems.entry('This link entry has no "resolved" folder to point at; npm cannot read it.', range);
      else this.links.push({ location, target: normalizeFolder(fields.resolved), range });
      return;
    }
    const at = location.lastIndexOf(NM);
    const nested = lastNested(location, at);
    const folder = !isInstalled(location, at, nested);
    const invalid = entryProblem(fields, folder);
    if (invalid) {
      this.problems.entry(invalid, range);
      return;
    }
    const installName = installedName(location, at);
    const name = typeof fields.name === 'string' ? fields.name : installName;
    const source = folder ? (this.isWorkspace(location) ? 'workspace' : 'link') : undefined;
    const index = this.packages.length;
    this.packages.push(lockedPackage(fields, name, source, range, location, PENDING));
    this.locations.set(location, index, at, installName);
    this.nested[index] = nested;
    this.installed[index] = folder ? 0 : 1;
    if (folder) this.folders.set(index, entry);
    // In the order npm installs them, which is the order of the edges.
    const { needs } = this;
    const { dependencies, devDependencies, optionalDependencies, peerDependencies } = fields;
    if (dependencies !== undefined) for (const need in dependencies) needs.push(need);
    if (folder && devDependencies !== undefined) for (const need in devDependencies) needs.push(need);
    if (optionalDependencies !== undefined) for (const need in optionalDependencies) needs.push(need);
    if (peerDependencies !== undefined) for (const need in peerDependencies) needs.push(need);
    this.needsEnd[index] = needs.length;
  }

  /** A link installs its folder's package; one to a folder with no entry is a package of its own. */
  private followLinks(): void {
    const { packages, locations } = this;
    for (const link of this.links) {
      let target = locations.get(link.target);
      if (target === undefined) {
        target = packages.length;
        packages.push({ name: installedName(link.location), version: link.target, source: 'link', dependencies: [], range: link.range, key: link.location });
      } else {
        this.linked.add(target);
        // A folder entry without "name" is named by the link that installs it.
        const folder = this.section[link.target];
        const pkg = packages[target];
        if (pkg && isRecord(folder) && folder.name === undefined) pkg.name = installedName(link.location);
      }
      locations.set(link.location, target);
    }
  }

  /** The edges of the first `count` packages, those read from entries. */
  private resolveEdges(count: number): void {
    const { packages, needs, needsEnd, locations } = this;
    const found: number[] = [];
    let from = 0;
    for (let index = 0; index < count; index++) {
      const pkg = packages[index] as LockedPackage;
      const to = needsEnd[index] as number;
      if (from === to) {
        pkg.dependencies = [];
        continue;
      }
      // Most packages have no node_modules of their own on the way up: their lookups go to the root's.
      const scopes = locations.scopesFrom(pkg.key, this.nested[index], this.installed[index] === 1);
      // `found` is reused for every package (emptying it would give back its storage): its first `count`.
      let count = 0;
      for (; from < to; from++) {
        const target = locations.lookup(scopes, needs[from] as string);
        if (target !== undefined && !foundBefore(found, count, target)) found[count++] = target;
      }
      pkg.dependencies = found.slice(0, count);
    }
  }
}

function foundBefore(found: number[], count: number, target: number): boolean {
  for (let k = 0; k < count; k++) if (found[k] === target) return true;
  return false;
}

/** The importer's declared dependencies that the lockfile resolves, with their declared spec. */
function declared(entry: Record<string, unknown>, location: string, locations: Locations): LockedDependency[] {
  const out: LockedDependency[] = [];
  const seen = new Set<string>();
  const scopes = locations.scopesFrom(location);
  for (const section of FOLDER_SECTIONS) {
    const deps = entry[section];
    if (!isRecord(deps)) continue;
    for (const name of Object.keys(deps)) {
      const target = locations.lookup(scopes, name);
      if (target === undefined || seen.has(name)) continue;
      seen.add(name);
      const spec = deps[name];
      out.push(typeof spec === 'string' ? { name, spec, package: target } : { name, package: target });
    }
  }
  return out;
}

/**
 * No root entry (edited by hand): the root's dependencies are what its node_modules holds, in the
 * order of an object's keys (integer-like names first), as npm would list them.
 */
function topLevel(locations: Locations): LockedDependency[] {
  const byName: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [name, index] of locations.top) byName[name] = index;
  return Object.entries(byName).map(([name, index]) => ({ name, package: index }));
}

function normalizeFolder(path: string): string {
  let out = path.split('\\').join('/');
  while (out.startsWith('./')) out = out.slice(2);
  while (out.endsWith('/') && out.length > 1) out = out.slice(0, -1);
  return out === '.' ? '' : out;
}

/** npm's `workspaces` globs (an array, or `{ packages }`), with `!` exclusions. */
export function workspaceMatcher(workspaces: unknown): (path: string) => boolean {
  const list = Array.isArray(workspaces) ? workspaces : isRecord(workspaces) && Array.isArray(workspaces.packages) ? workspaces.packages : [];
  const include: RegExp[] = [];
  const exclude: RegExp[] = [];
  for (const pattern of list) {
    if (typeof pattern !== 'string' || pattern.trim() === '') continue;
    const negated = pattern.startsWith('!');
    (negated ? exclude : include).push(globToRegExp(normalizeFolder(negated ? pattern.slice(1) : pattern.trim())));
  }
  return (path) => include.some((re) => re.test(path)) && !exclude.some((re) => re.test(path));
}

function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*' && pattern.charAt(i + 1) === '*') {
      i++;
      if (pattern.charAt(i + 1) === '/') {
        i++;
        out += '(?:.*/)?';
      } else out += '.*';
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{' && pattern.indexOf('}', i) !== -1) {
      const close = pattern.indexOf('}', i);
      out += `(?:${pattern.slice(i + 1, close).split(',').map(escapeRegExp).join('|')})`;
      i = close;
    } else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
