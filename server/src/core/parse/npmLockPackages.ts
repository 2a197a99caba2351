/**
 * package-lock v2/v3 `packages`: one entry per install location. `node_modules/…` paths are installed
 * packages; other paths are folders (workspace members, `file:` directories) that `link` entries point
 * at. Dependencies resolve the way Node resolves `require`: from the package's own folder up through
 * every enclosing `node_modules`, following links to the folder they name.
 */
import type { OffsetRange } from '../finding';
import type { LockedDependency, LockedPackage, LockImporter, LockSource } from '../lockfile/types';
import { isRecord, isSemverVersion, sourceOfResolved, type ProblemList } from './npmLockCommon';
import type { EntryKeys } from './npmLockJson';

const FOLDER_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
const NM = 'node_modules/';

interface Located {
  index: number;
  location: string;
  /** The entry's dependency maps that resolve to edges (a folder's devDependencies included). */
  maps: Array<Record<string, unknown>>;
}

export interface ReadResult {
  packages: LockedPackage[];
  importers: LockImporter[];
}

export function readPackages(section: Record<string, unknown>, keys: EntryKeys, problems: ProblemList): ReadResult {
  return new PackagesReader(section, problems).read(keys);
}

class PackagesReader {
  private readonly packages: LockedPackage[] = [];
  private readonly locations = new Locations();
  private readonly located: Located[] = [];
  private readonly links: Array<{ location: string; target: string; range: OffsetRange }> = [];
  private readonly workspaces: Array<{ location: string; entry: Record<string, unknown> }> = [];
  private readonly root: Record<string, unknown> | undefined;
  private readonly isWorkspace: (path: string) => boolean;

  constructor(
    private readonly section: Record<string, unknown>,
    private readonly problems: ProblemList,
  ) {
    const root = section[''];
    this.root = isRecord(root) ? root : undefined;
    this.isWorkspace = workspaceMatcher(this.root?.workspaces);
  }

  read(keys: EntryKeys): ReadResult {
    const inOrder = Object.keys(this.section);
    keys.expect(inOrder.length);
    for (let i = 0; i < inOrder.length; i++) {
      const location = inOrder[i] as string;
      if (location !== '') this.entry(location, this.section[location], keys.rangeOf(location, i));
    }
    this.followLinks();
    this.resolveEdges();
    const { root, locations } = this;
    const importers: LockImporter[] = [{ path: '', dependencies: root ? declared(root, '', locations) : topLevel(locations) }];
    for (const { location, entry } of this.workspaces) importers.push({ path: location, dependencies: declared(entry, location, locations) });
    return { packages: this.packages, importers };
  }

  private entry(location: string, entry: unknown, range: OffsetRange): void {
    if (!isRecord(entry)) {
      this.problems.entry('This lockfile entry must be an object describing the package; npm cannot read it.', range);
      return;
    }
    if (entry.link === true) {
      if (typeof entry.resolved !== 'string') this.problems.entry('This link entry has no "resolved" folder to point at; npm cannot read it.', range);
      else this.links.push({ location, target: normalizeFolder(entry.resolved), range });
      return;
    }
    const folder = !isInstalled(location);
    const { version, name, resolved, integrity } = entry;
    const lists = [entry.dependencies, folder ? entry.devDependencies : undefined, entry.optionalDependencies, entry.peerDependencies];
    const invalid = invalidReason(version, [name, resolved, integrity], lists, folder);
    if (invalid) {
      this.problems.entry(invalid, range);
      return;
    }
    const pkgName = typeof name === 'string' ? name : nameAt(location);
    const pkgVersion = typeof version === 'string' ? version : '';
    const pkg: LockedPackage = {
      name: pkgName,
      version: pkgVersion,
      source: folder ? (this.isWorkspace(location) ? 'workspace' : 'link') : sourceOf(resolved as string | undefined, pkgVersion, pkgName),
      dev: entry.dev === true,
      optional: entry.optional === true,
      dependencies: [],
      range,
      key: location,
    };
    if (typeof resolved === 'string' && !folder) pkg.resolved = resolved;
    if (typeof integrity === 'string') pkg.integrity = integrity;
    const index = this.packages.length;
    this.packages.push(pkg);
    this.locations.set(location, index);
    const maps = lists.filter((list): list is Record<string, unknown> => list !== undefined);
    if (maps.length > 0) this.located.push({ index, location, maps });
    if (pkg.source === 'workspace') this.workspaces.push({ location, entry });
  }

  /** A link installs its folder's package; one to a folder with no entry is a package of its own. */
  private followLinks(): void {
    const { packages, locations } = this;
    for (const link of this.links) {
      let target = locations.get(link.target);
      if (target === undefined) {
        target = packages.length;
        packages.push({ name: nameAt(link.location), version: link.target, source: 'link', dependencies: [], range: link.range, key: link.location });
      } else {
        // A folder entry without "name" is named by the link that installs it.
        const folder = this.section[link.target];
        const pkg = packages[target];
        if (pkg && isRecord(folder) && folder.name === undefined) pkg.name = nameAt(link.location);
      }
      locations.set(link.location, target);
    }
  }

  private resolveEdges(): void {
    const { packages, locations } = this;
    for (const { index, location, maps } of this.located) {
      const deps = (packages[index] as LockedPackage).dependencies;
      for (const map of maps) {
        for (const name in map) {
          const target = locations.resolve(location, name);
          if (target !== undefined && !deps.includes(target)) deps.push(target);
        }
      }
    }
  }
}

function invalidReason(version: unknown, strings: unknown[], lists: unknown[], folder: boolean): string | undefined {
  if (typeof version !== 'string' && (version !== undefined || !folder)) {
    return version === undefined ? 'This lockfile entry has no "version"; npm cannot install it as written.' : 'The "version" of this lockfile entry must be a string.';
  }
  if (strings.some(notString)) return 'The "name", "resolved" and "integrity" of a lockfile entry must be strings.';
  if (lists.some(notMap)) return 'The dependency lists of a lockfile entry must be objects mapping names to ranges.';
  return undefined;
}

function notString(value: unknown): boolean {
  return value !== undefined && typeof value !== 'string';
}

function notMap(value: unknown): boolean {
  return value !== undefined && !isRecord(value);
}

function isInstalled(location: string): boolean {
  return location.startsWith(NM) || location.includes(`/${NM}`);
}

/** The name a path installs: what follows its last `node_modules/`. */
function nameAt(location: string): string {
  const at = location.lastIndexOf(NM);
  return at === -1 ? location.slice(location.lastIndexOf('/') + 1) : location.slice(at + NM.length);
}

/** Without `resolved` (bundled, or `omit-lockfile-registry-resolved`), a semver version is the registry's. */
function sourceOf(resolved: string | undefined, version: string, name: string): LockSource {
  if (resolved !== undefined) return sourceOfResolved(resolved, name);
  return isSemverVersion(version) ? 'registry' : 'unknown';
}

/** The importer's declared dependencies that the lockfile resolves, with their declared spec. */
function declared(entry: Record<string, unknown>, location: string, locations: Locations): LockedDependency[] {
  const out: LockedDependency[] = [];
  const seen = new Set<string>();
  for (const section of FOLDER_SECTIONS) {
    const deps = entry[section];
    if (!isRecord(deps)) continue;
    for (const name of Object.keys(deps)) {
      const target = locations.resolve(location, name);
      if (target === undefined || seen.has(name)) continue;
      seen.add(name);
      const spec = deps[name];
      out.push(typeof spec === 'string' ? { name, spec, package: target } : { name, package: target });
    }
  }
  return out;
}

/** No root entry (edited by hand): the root's dependencies are what its node_modules holds. */
function topLevel(byPath: Locations): LockedDependency[] {
  return Object.entries(byPath.top).map(([name, index]) => ({ name, package: index }));
}

/**
 * Install locations → package index, and Node's lookup over them: `<dir>/node_modules/<name>` from the
 * package's folder up to the root. Only folders that hold a nested node_modules are tried, so the
 * usual lookup is one map access by name.
 */
export class Locations {
  private readonly byPath = new Map<string, number>();
  /**
   * The root's `node_modules/<name>` entries, by name. A null-prototype object rather than a Map: its
   * keys are interned, so lookups by the (interned) names `JSON.parse` produced compare by identity.
   */
  readonly top: Record<string, number> = Object.create(null) as Record<string, number>;
  /** Folders (other than the root) with at least one entry in their own node_modules. */
  private readonly parents = new Set<string>();

  set(location: string, index: number): void {
    this.byPath.set(location, index);
    const nested = location.lastIndexOf(`/${NM}`);
    if (nested !== -1) this.parents.add(location.slice(0, nested));
    else if (location.startsWith(NM)) this.top[location.slice(NM.length)] = index;
  }

  get(location: string): number | undefined {
    return this.byPath.get(location);
  }

  resolve(from: string, name: string): number | undefined {
    let base = from;
    while (base !== '') {
      if (this.parents.has(base)) {
        const hit = this.byPath.get(`${base}/${NM}${name}`);
        if (hit !== undefined) return hit;
      }
      base = parentFolder(base);
    }
    return this.top[name];
  }
}

function parentFolder(location: string): string {
  const nested = location.lastIndexOf(`/${NM}`);
  if (nested !== -1) return location.slice(0, nested);
  if (location.startsWith(NM)) return '';
  const slash = location.lastIndexOf('/');
  return slash === -1 ? '' : location.slice(0, slash);
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
