/**
 * pnpm-lock.yaml (lockfileVersion 5.x, 6.x and 9.x) → the normalised lockfile graph. The YAML is read
 * by a reader of the subset pnpm writes (`pnpmLockYaml.ts`), entries by `pnpmLockPackages.ts`;
 * importers (the root '' and each workspace member) come from `importers`, or from the top-level
 * sections of a single-project lockfile. `link:` dependencies become one package per linked folder:
 * 'workspace' when the folder is an importer (its dependencies are the importer's), 'link' otherwise.
 * Never throws on user input; messages never quote the file.
 */
import type { OffsetRange } from '../finding';
import type { LockedDependency, LockedPackage, Lockfile, LockImporter, ParsedLockfile } from '../lockfile/types';
import { ProblemList, scanConflict } from './npmLockCommon';
import { forEachReference, lookupRef, map, readPackages, scalar, type PackageTable, type Style } from './pnpmLockPackages';
import { entryOf, keyRange, nodeRange, readPnpmYaml, type YMap } from './pnpmLockYaml';

const IMPORTER_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

export function parsePnpmLock(text: string): ParsedLockfile {
  const problems = new ProblemList();
  // A lone CR is a line break in YAML; as a newline it keeps every offset where it was.
  let readable = /\r(?!\n)/.test(text) ? text.replace(/\r(?!\n)/g, '\n') : text;
  const conflict = scanConflict(readable);
  if (conflict) {
    problems.broken(
      'lockfile-conflict',
      'The lockfile has unresolved merge-conflict markers. Vigil checks the entries of "our" side until the conflict is resolved (pnpm install resolves lockfile conflicts itself).',
      conflict.first,
    );
    readable = conflict.ours;
  }
  const value: Lockfile = { kind: 'pnpm', version: '', packages: [], importers: [] };
  const root = readPnpmYaml(readable, problems);
  if (!root) {
    if (!problems.isBroken) {
      problems.broken('lockfile-syntax', 'The lockfile is empty: pnpm cannot read it, so no locked package was checked.', { start: 0, end: 0 });
    }
    return { value, problems: problems.items };
  }
  const style = chooseStyle(root, problems, value);
  if (style === 'v9' && map(entryOf(root, 'packages')?.value)?.entries.length && !entryOf(root, 'snapshots')) {
    // v9 writes `snapshots` after `packages`: without it, the file stops somewhere in `packages`.
    const end = readable.trimEnd().length;
    problems.broken('lockfile-truncated', 'The lockfile has "packages" but no "snapshots": it looks cut off (an interrupted write or copy). Vigil checks the entries it can read.', {
      start: Math.max(0, end - 1),
      end,
    });
  }
  const table = readPackages(root, style, problems);
  resolveEdges(table, style, problems);
  value.importers = readImporters(root, table, style, problems);
  value.packages = table.packages;
  return { value, problems: problems.items };
}

/** The layout the version names; for an unknown or missing version, the layout the keys show. */
function chooseStyle(root: YMap, problems: ProblemList, value: Lockfile): Style {
  const entry = entryOf(root, 'lockfileVersion');
  const written = scalar(entry?.value);
  const byShape = styleByShape(root);
  if (written === undefined) {
    const range = entry ? keyRange(entry) : firstKey(root);
    problems.version('The lockfile has no readable "lockfileVersion"; Vigil reads the entries it recognises.', range);
    return byShape;
  }
  value.version = written;
  const major = /^(\d+)(\.\d+)?$/.exec(written)?.[1];
  if (major === '5' || major === '6' || major === '9') return major === '5' ? 'v5' : major === '6' ? 'v6' : 'v9';
  const range = entry?.value ? nodeRange(entry.value) : entry ? keyRange(entry) : firstKey(root);
  problems.version(
    Number(major) > 9
      ? 'This lockfile was written by a newer pnpm than Vigil knows (lockfileVersion above 9). Vigil reads the entries it recognises; some may be missed.'
      : 'This "lockfileVersion" is not one pnpm 7 or later writes (5.x, 6.x or 9.x). Vigil reads the entries it recognises.',
    range,
  );
  return byShape;
}

function styleByShape(root: YMap): Style {
  if (entryOf(root, 'snapshots')) return 'v9';
  const packages = map(entryOf(root, 'packages')?.value);
  for (const { key } of packages?.entries ?? []) {
    if (!key.startsWith('/')) continue;
    return /^\/(@[^/]+\/)?[^/@]+\//.test(key) ? 'v5' : 'v6';
  }
  return 'v9';
}

function firstKey(root: YMap): OffsetRange {
  const first = root.entries[0];
  return first ? keyRange(first) : { start: 0, end: 0 };
}

function resolveEdges(table: PackageTable, style: Style, problems: ProblemList): void {
  for (const { index, maps } of table.pending) {
    const deps = (table.packages[index] as LockedPackage).dependencies;
    for (const node of maps) {
      forEachReference(node, problems, (alias, ref) => {
        const target = lookupRef(table, alias, ref, style);
        if (target !== undefined && !deps.includes(target)) deps.push(target);
      });
    }
  }
}

interface Links {
  /** Folder (relative to the lockfile, normalised) → index of its link package. */
  byFolder: Map<string, number>;
}

function readImporters(root: YMap, table: PackageTable, style: Style, problems: ProblemList): LockImporter[] {
  const importersEntry = entryOf(root, 'importers');
  const sources: Array<{ path: string; node: YMap }> = [];
  if (importersEntry && importersEntry.value !== null) {
    const importers = map(importersEntry.value);
    if (!importers) problems.entry('"importers" must be a mapping of project folders; pnpm cannot read the lockfile as written.', keyRange(importersEntry));
    for (const entry of importers?.entries ?? []) {
      const node = map(entry.value);
      if (node) sources.push({ path: normalizeFolder(entry.key), node });
      else if (entry.value !== null) problems.entry('This importer must be a mapping of dependency sections.', keyRange(entry));
      else sources.push({ path: normalizeFolder(entry.key), node: { kind: 'map', entries: [], start: entry.keyStart, byKey: undefined } });
    }
  } else {
    sources.push({ path: '', node: root });
  }
  const folders = new Set(sources.map((s) => s.path));
  const links: Links = { byFolder: new Map() };
  const importers = sources.map(({ path, node }) => ({ path, dependencies: importerDependencies(path, node, table, style, links, folders, problems) }));
  // A linked workspace member depends on what its importer declares.
  for (const importer of importers) {
    const index = links.byFolder.get(importer.path);
    const pkg = index === undefined ? undefined : table.packages[index];
    if (pkg) pkg.dependencies = [...new Set(importer.dependencies.map((d) => d.package))];
  }
  return importers;
}

function importerDependencies(
  path: string,
  node: YMap,
  table: PackageTable,
  style: Style,
  links: Links,
  folders: Set<string>,
  problems: ProblemList,
): LockedDependency[] {
  const specifiers = map(entryOf(node, 'specifiers')?.value);
  const out: LockedDependency[] = [];
  const seen = new Set<string>();
  for (const section of IMPORTER_SECTIONS) {
    const sectionNode = entryOf(node, section)?.value;
    if (!sectionNode) continue;
    forEachReference(sectionNode, problems, (alias, ref, entry) => {
      if (seen.has(alias)) return;
      const target = ref.startsWith('link:') ? linkPackage(table, links, folders, path, alias, ref, keyRange(entry)) : lookupRef(table, alias, ref, style);
      if (target === undefined) return;
      seen.add(alias);
      const written = entry.value?.kind === 'map' ? entryOf(entry.value, 'specifier')?.value : specifiers && entryOf(specifiers, alias)?.value;
      const spec = scalar(written);
      out.push(spec === undefined ? { name: alias, package: target } : { name: alias, spec, package: target });
    });
  }
  return out;
}

/** One package per linked folder, however many importers link it. */
function linkPackage(table: PackageTable, links: Links, folders: Set<string>, from: string, alias: string, ref: string, range: OffsetRange): number {
  const folder = joinFolder(from, ref.slice('link:'.length));
  const known = links.byFolder.get(folder);
  if (known !== undefined) return known;
  const pkg: LockedPackage = {
    name: alias,
    version: ref,
    source: folders.has(folder) ? 'workspace' : 'link',
    dependencies: [],
    range,
    key: `link:${folder}`,
  };
  const index = table.packages.length;
  table.packages.push(pkg);
  links.byFolder.set(folder, index);
  return index;
}

function normalizeFolder(path: string): string {
  return joinFolder('', path);
}

/** `relative` resolved against `from` (both relative to the lockfile's folder), with forward slashes. */
function joinFolder(from: string, relative: string): string {
  const out: string[] = [];
  const parts = [...from.split('/'), ...relative.split(/[\\/]/)];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
