/**
 * package-lock v2/v3 `packages`: one entry per install location. `node_modules/…` paths are installed
 * packages; other paths are folders (workspace members, `file:` directories) that `link` entries point
 * at: a link is not a package of its own but installs its folder's. Dependencies resolve the way Node
 * resolves `require`: from the package's own folder up through every enclosing `node_modules`,
 * following links to the folder they name. Importers: the root (`packages[""]`), then every linked or
 * workspace folder, whose declared dependencies npm installs.
 */
import type { OffsetRange } from '../finding';
import type { LockedDependency, LockedPackage, LockImporter, LockSource } from '../lockfile/types';
import { isRecord, isSemverVersion, sourceOfResolved, type ProblemList } from './npmLockCommon';
import type { EntryKeys } from './npmLockJson';

const FOLDER_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
const NM = 'node_modules/';
const SLASH_NM = '/node_modules/';

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
  /** The entry each package was read from, by package index (parallel arrays: no object per package). */
  private readonly sources: Array<Record<string, unknown>> = [];
  /** Folders (workspace members, `file:` directories) have their devDependencies installed too. */
  private readonly folders: boolean[] = [];
  private readonly links: Array<{ location: string; target: string; range: OffsetRange }> = [];
  /** Folder entries a link installs (workspace members, `file:` directories): importers too. */
  private readonly linked = new Set<number>();
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
    // Each folder whose dependencies npm installs: workspace members, and `file:` directories it links.
    this.folders.forEach((folder, index) => {
      const pkg = this.packages[index] as LockedPackage;
      if (folder && (pkg.source === 'workspace' || this.linked.has(index))) {
        importers.push({ path: pkg.key, dependencies: declared(this.sources[index] as Record<string, unknown>, pkg.key, locations) });
      }
    });
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
    const invalid = invalidReason(entry, folder);
    if (invalid) {
      this.problems.entry(invalid, range);
      return;
    }
    const installName = nameAt(location);
    const pkgName = typeof name === 'string' ? name : installName;
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
    this.locations.set(location, index, installName);
    this.sources.push(entry);
    this.folders.push(folder);
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
        this.linked.add(target);
        // A folder entry without "name" is named by the link that installs it.
        const folder = this.section[link.target];
        const pkg = packages[target];
        if (pkg && isRecord(folder) && folder.name === undefined) pkg.name = nameAt(link.location);
      }
      locations.set(link.location, target);
    }
  }

  private resolveEdges(): void {
    const { packages, sources, folders } = this;
    for (let index = 0; index < sources.length; index++) {
      const entry = sources[index] as Record<string, unknown>;
      const { key: location, dependencies: deps } = packages[index] as LockedPackage;
      // Most packages have no node_modules of their own on the way up: their lookups go to the root's.
      const walks = this.locations.walks(location);
      this.edges(entry.dependencies, location, walks, deps);
      if (folders[index]) this.edges(entry.devDependencies, location, walks, deps);
      this.edges(entry.optionalDependencies, location, walks, deps);
      this.edges(entry.peerDependencies, location, walks, deps);
    }
  }

  private edges(list: unknown, location: string, walks: boolean, deps: number[]): void {
    if (list === undefined) return;
    const { locations } = this;
    for (const name in list as Record<string, unknown>) {
      const target = walks ? locations.resolve(location, name) : locations.top[name];
      if (target !== undefined && !deps.includes(target)) deps.push(target);
    }
  }
}

function invalidReason(entry: Record<string, unknown>, folder: boolean): string | undefined {
  const { version, name, resolved, integrity, dependencies, optionalDependencies, peerDependencies } = entry;
  if (typeof version !== 'string' && (version !== undefined || !folder)) {
    return version === undefined ? 'This lockfile entry has no "version"; npm cannot install it as written.' : 'The "version" of this lockfile entry must be a string.';
  }
  if (notString(name) || notString(resolved) || notString(integrity)) return 'The "name", "resolved" and "integrity" of a lockfile entry must be strings.';
  if (notMap(dependencies) || notMap(optionalDependencies) || notMap(peerDependencies) || (folder && notMap(entry.devDependencies))) {
    return 'The dependency lists of a lockfile entry must be objects mapping names to ranges.';
  }
  return undefined;
}

function notString(value: unknown): boolean {
  return value !== undefined && typeof value !== 'string';
}

function notMap(value: unknown): boolean {
  return value !== undefined && !isRecord(value);
}

function isInstalled(location: string): boolean {
  return location.startsWith(NM) || location.includes(SLASH_NM);
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
  /** Every location but the root's own `node_modules/<name>` (those are in `top`). */
  private readonly byPath = new Map<string, number>();
  /**
   * The root's `node_modules/<name>` entries, by name. A null-prototype object rather than a Map: its
   * keys are interned, so lookups by the (interned) names `JSON.parse` produced compare by identity.
   */
  readonly top: Record<string, number> = Object.create(null) as Record<string, number>;
  /** Folders (other than the root) with at least one entry in their own node_modules. */
  private readonly parents = new Set<string>();

  /** `name`: what the location installs (after its last `node_modules/`), when the caller has it. */
  set(location: string, index: number, name?: string): void {
    const nested = location.lastIndexOf(SLASH_NM);
    if (nested === -1 && location.startsWith(NM)) {
      this.top[name ?? location.slice(NM.length)] = index;
      return;
    }
    this.byPath.set(location, index);
    if (nested !== -1) this.parents.add(location.slice(0, nested));
  }

  get(location: string): number | undefined {
    return location.startsWith(NM) && !location.includes(SLASH_NM) ? this.top[location.slice(NM.length)] : this.byPath.get(location);
  }

  /** Whether a lookup from `from` must look anywhere before the root's node_modules (the usual answer: no). */
  walks(from: string): boolean {
    for (let base = from; base !== ''; base = parentFolder(base)) if (this.parents.has(base)) return true;
    return false;
  }

  resolve(from: string, name: string): number | undefined {
    for (let base = from; base !== ''; base = parentFolder(base)) {
      if (this.parents.has(base)) {
        const hit = this.byPath.get(`${base}${SLASH_NM}${name}`);
        if (hit !== undefined) return hit;
      }
    }
    return this.top[name];
  }
}

function parentFolder(location: string): string {
  const nested = location.lastIndexOf(SLASH_NM);
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
