/**
 * package-lock v1 (npm 5 and 6) `dependencies`: entries nest the way node_modules folders do, and
 * `requires` names what each package needs. A required name resolves to the nearest entry of that
 * name among the package's own nested `dependencies`, then its parent's, up to the top level. v1 does
 * not record the root project's declared dependencies: the root importer lists every top-level entry
 * (what `node_modules/<name>` holds), without a spec.
 */
import type { OffsetRange } from '../finding';
import type { LockedPackage, LockSource } from '../lockfile/types';
import { isRecord, isSemverVersion, sourceOfResolved, type ProblemList } from './npmLockCommon';
import type { EntryKeys } from './npmLockKeys';
import type { ReadResult } from './npmLockPackages';

interface Scope {
  /** Entries directly under this scope (the top level, or one entry's nested `dependencies`). */
  children: Map<string, number>;
  parent: Scope | undefined;
}

interface Pending {
  index: number;
  requires: Record<string, unknown>;
  /** Where lookups start: the package's own nested entries, or the scope holding it when it has none. */
  scope: Scope;
}

interface Frame {
  section: Record<string, unknown>;
  keys: EntryKeys | undefined;
  scope: Scope;
  path: string;
}

export function readLegacyDependencies(section: Record<string, unknown>, keys: EntryKeys, problems: ProblemList): ReadResult {
  const packages: LockedPackage[] = [];
  const pending: Pending[] = [];
  const top: Scope = { children: new Map(), parent: undefined };
  // Section by section (each in document order, nested ones after their parent), without recursion:
  // the nesting depth is the file's to choose.
  const stack: Frame[] = [{ section, keys, scope: top, path: '' }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const children: Frame[] = [];
    const names = Object.keys(frame.section);
    frame.keys?.expect(names.length);
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const entry = frame.section[name];
      const range = frame.keys?.rangeOf(name, i) ?? { start: 0, end: 0 };
      const invalid = entryProblem(entry);
      if (invalid || !isRecord(entry)) {
        problems.entry(invalid ?? 'This lockfile entry must be an object describing the package; npm cannot read it.', range);
        continue;
      }
      const path = `${frame.path}node_modules/${name}`;
      const index = packages.length;
      packages.push(packageOf(name, entry, range, path));
      frame.scope.children.set(name, index);
      // A package without nested entries resolves from the scope that holds it.
      const nested = isRecord(entry.dependencies) ? entry.dependencies : undefined;
      const scope: Scope = nested ? { children: new Map(), parent: frame.scope } : frame.scope;
      if (isRecord(entry.requires)) pending.push({ index, requires: entry.requires, scope });
      if (nested) children.push({ section: nested, keys: frame.keys?.nested.get(name), scope, path: `${path}/` });
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Frame);
  }
  for (const { index, requires, scope } of pending) {
    const pkg = packages[index];
    if (!pkg) continue;
    for (const name in requires) {
      const target = resolveIn(scope, name);
      if (target !== undefined && !pkg.dependencies.includes(target)) pkg.dependencies.push(target);
    }
  }
  const dependencies = [...top.children].map(([name, index]) => ({ name, package: index }));
  return { packages, importers: [{ path: '', dependencies }] };
}

function entryProblem(entry: unknown): string | undefined {
  if (!isRecord(entry)) return undefined;
  if (typeof entry.version !== 'string') {
    return entry.version === undefined ? 'This lockfile entry has no "version"; npm cannot install it as written.' : 'The "version" of this lockfile entry must be a string.';
  }
  for (const field of ['resolved', 'integrity'] as const) {
    if (entry[field] !== undefined && typeof entry[field] !== 'string') return `The "${field}" of this lockfile entry must be a string.`;
  }
  for (const field of ['requires', 'dependencies'] as const) {
    if (entry[field] !== undefined && !isRecord(entry[field])) return `The "${field}" of this lockfile entry must be an object.`;
  }
  return undefined;
}

function packageOf(key: string, entry: Record<string, unknown>, range: OffsetRange, path: string): LockedPackage {
  const written = entry.version as string;
  const alias = parseAlias(written);
  const name = alias?.name ?? key;
  const version = alias?.version ?? written;
  const resolved = typeof entry.resolved === 'string' ? entry.resolved : undefined;
  const pkg: LockedPackage = {
    name,
    version,
    source: sourceOf(resolved, version, name),
    dev: entry.dev === true,
    optional: entry.optional === true,
    dependencies: [],
    range,
    key: path,
  };
  if (resolved !== undefined) pkg.resolved = resolved;
  if (typeof entry.integrity === 'string') pkg.integrity = entry.integrity;
  return pkg;
}

/** v1 writes an aliased package's version as `npm:<name>@<version>`. */
function parseAlias(version: string): { name: string; version: string } | undefined {
  if (!version.startsWith('npm:')) return undefined;
  const target = version.slice(4);
  const at = target.indexOf('@', target.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  return { name: target.slice(0, at), version: target.slice(at + 1) };
}

/** v1 writes git, file and URL dependencies' sources as their "version". */
function sourceOf(resolved: string | undefined, version: string, name: string): LockSource {
  if (resolved !== undefined) return sourceOfResolved(resolved, name);
  if (isSemverVersion(version)) return 'registry';
  return sourceOfResolved(version, name);
}

function resolveIn(scope: Scope, name: string): number | undefined {
  for (let at: Scope | undefined = scope; at; at = at.parent) {
    const hit = at.children.get(name);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
