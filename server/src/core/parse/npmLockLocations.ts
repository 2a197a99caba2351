/**
 * package-lock v2/v3 install locations → package index, and Node's lookup over them: `<dir>/node_modules/
 * <name>` from a package's folder up to the root. Only folders that hold a node_modules of their own are
 * tried, and which those are is worked out once per package, so the usual lookup is one map access by
 * name. Pure; never throws.
 */

export const NM = 'node_modules/';
export const SLASH_NM = '/node_modules/';

/**
 * Where a location's last `/node_modules/` is (-1: none), given `at`, where its last `node_modules/` is:
 * in the usual case one character before it, so no second search is needed.
 */
export function lastNested(location: string, at: number): number {
  if (at <= 0) return -1;
  return location.charCodeAt(at - 1) === 47 ? at - 1 : location.lastIndexOf(SLASH_NM);
}

/** Whether a location is an installed package (under some node_modules) rather than a folder. */
export function isInstalled(location: string, at: number, nested: number): boolean {
  return at === 0 || nested !== -1 || (at > 0 && location.startsWith(NM));
}

/** The name a location installs: what follows its last `node_modules/` (`at`); a folder's last segment. */
export function installedName(location: string, at: number = location.lastIndexOf(NM)): string {
  return at === -1 ? location.slice(location.lastIndexOf('/') + 1) : location.slice(at + NM.length);
}

/** A folder's own node_modules: what each name there resolves to. */
type Scope = Map<string, number>;

export class Locations {
  /** Every location but the root's own `node_modules/<name>` (those are in `top`). */
  private readonly byPath = new Map<string, number>();
  /** The root's `node_modules/<name>` entries, by name. */
  readonly top = new Map<string, number>();
  /** Folders (other than the root) with at least one entry in their own node_modules. */
  private readonly parents = new Set<string>();
  /**
   * `<folder>/node_modules/<rest>` → index, filed by folder then rest at every `/node_modules/` of the
   * path, so a lookup needs no concatenated string.
   */
  private readonly scopes = new Map<string, Scope>();

  /**
   * `at`: where the location's last `node_modules/` is, and `name`, what it installs, when the caller has
   * them (a root entry is then filed by that name).
   */
  set(location: string, index: number, at: number = location.lastIndexOf(NM), name?: string): void {
    const nested = lastNested(location, at);
    if (nested === -1 && isInstalled(location, at, nested)) {
      this.top.set(name ?? location.slice(NM.length), index);
      return;
    }
    this.byPath.set(location, index);
    if (nested === -1) return;
    const parent = location.slice(0, nested);
    this.parents.add(parent);
    for (let split = location.indexOf(SLASH_NM); split !== -1; split = location.indexOf(SLASH_NM, split + 1)) {
      // The last split is the usual (and often only) one: its folder and name are at hand.
      const last = split === nested;
      const folder = last ? parent : location.slice(0, split);
      let scope = this.scopes.get(folder);
      if (!scope) this.scopes.set(folder, (scope = new Map()));
      scope.set(last && name !== undefined && at === nested + 1 ? name : location.slice(split + SLASH_NM.length), index);
    }
  }

  get(location: string): number | undefined {
    return location.startsWith(NM) && !location.includes(SLASH_NM) ? this.top.get(location.slice(NM.length)) : this.byPath.get(location);
  }

  /**
   * The node_modules a lookup from `from` tries before the root's, nearest first; undefined when there
   * are none (the usual answer). `nested` and `installed`: what `lastNested` and `isInstalled` say of
   * `from`, when the caller has them. Call once every location is set.
   */
  scopesFrom(from: string, nested?: number, installed?: boolean): Scope[] | undefined {
    if (from === '') return undefined;
    let found = this.scopeAt(from, undefined);
    const first = installed === undefined || nested === undefined ? parentFolder(from) : parentOf(from, nested, installed);
    for (let base = first; base !== ''; base = parentFolder(base)) found = this.scopeAt(base, found);
    return found;
  }

  private scopeAt(base: string, found: Scope[] | undefined): Scope[] | undefined {
    const scope = this.parents.has(base) ? this.scopes.get(base) : undefined;
    if (scope) (found ??= []).push(scope);
    return found;
  }

  /** What `name` resolves to from a folder whose `scopesFrom` is `scopes`. */
  lookup(scopes: Scope[] | undefined, name: string): number | undefined {
    if (scopes) {
      for (const scope of scopes) {
        const hit = scope.get(name);
        if (hit !== undefined) return hit;
      }
    }
    return this.top.get(name);
  }
}

/** `parentFolder`, for a location whose last `/node_modules/` is known. */
function parentOf(location: string, nested: number, installed: boolean): string {
  if (nested !== -1) return location.slice(0, nested);
  return installed ? '' : parentFolder(location);
}

function parentFolder(location: string): string {
  const nested = location.lastIndexOf(SLASH_NM);
  if (nested !== -1) return location.slice(0, nested);
  if (location.startsWith(NM)) return '';
  const slash = location.lastIndexOf('/');
  return slash === -1 ? '' : location.slice(0, slash);
}

