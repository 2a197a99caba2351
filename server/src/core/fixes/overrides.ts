/**
 * Forcing the version of a transitive package from package.json: npm `overrides`, Yarn `resolutions`,
 * pnpm `pnpm.overrides`. Existing sections are merged (the same key is replaced, other keys kept), in the
 * file's own formatting. When an edit cannot be made safely, there is none and `note` says why, in words
 * for the quick-fix's user; `note` also explains an edit that does more than the title promised.
 */
import * as semver from 'semver';
import type { Node } from 'jsonc-parser';
import { isValidPackageName } from '../names';
import { DEPENDENCY_SECTIONS, type DependencySection } from '../parse/packageJson';
import { classifySpec } from '../spec';
import type { PackageManager } from './manager';
import { finish, findProperty, parseDocument, propertyValue, replaceValue, setPath, type JsonDocument } from './jsonText';
import { replace, type TextEdit } from './textEdit';

export interface OverrideResult {
  edits: TextEdit[];
  /** Why there are no edits, or what the edits do beyond adding the override. */
  note?: string;
}

const PNPM_NOTE =
  'Written to "pnpm.overrides" in package.json. pnpm 10 also reads "overrides" from pnpm-workspace.yaml: if this project keeps its overrides there, move the entry so they stay in one place.';

/**
 * `path`: the packages from a direct dependency down to the one that depends on `name` (the last one is
 * its parent). npm uses it only when `name` is also a direct dependency (see npmOverride).
 */
export function overrideEdits(text: string, manager: PackageManager, name: string, version: string, path?: readonly string[]): OverrideResult {
  if (typeof name !== 'string' || typeof version !== 'string') return { edits: [], note: 'A package name and a version are needed; nothing was changed.' };
  const wanted = version.trim();
  if (!isValidPackageName(name)) return { edits: [], note: 'Not a valid package name; nothing was changed.' };
  if (/[\u0000-\u001f\u007f]/.test(wanted) || semver.validRange(wanted, { loose: true }) === null) {
    return { edits: [], note: 'The override must be a version or a semver range; nothing was changed.' };
  }
  const parsed = parseDocument(text, false);
  if (!parsed.ok) {
    const why = parsed.reason === 'syntax' ? 'is not valid JSON' : 'does not contain a JSON object';
    return { edits: [], note: `package.json ${why}; fix it first (nothing was changed).` };
  }
  const { doc } = parsed;
  switch (manager) {
    case 'yarn':
      return atPath(doc, ['resolutions', name], wanted);
    case 'pnpm': {
      const result = atPath(doc, ['pnpm', 'overrides', name], wanted);
      return result.edits.length > 0 ? { ...result, note: PNPM_NOTE } : result;
    }
    default:
      return npmOverride(doc, name, wanted, Array.isArray(path) ? path : []);
  }
}

function atPath(doc: JsonDocument, path: readonly string[], value: string, extra: TextEdit[] = [], note?: string): OverrideResult {
  const set = setPath(doc, path, value);
  if ('notAnObject' in set) return { edits: [], note: `"${set.notAnObject}" in package.json is not an object, so the entry cannot be added; nothing was changed.` };
  return done(doc, [...extra, ...set.edits], note);
}

function done(doc: JsonDocument, edits: TextEdit[], note?: string): OverrideResult {
  const checked = finish(doc, edits);
  if (!checked) return { edits: [], note: 'No edit could be made that keeps package.json valid; nothing was changed.' };
  return note === undefined ? { edits: checked } : { edits: checked, note };
}

interface DirectEntry {
  section: DependencySection;
  value: Node;
}

/**
 * npm: `"overrides": { "name": "version" }` (flat: every copy in the tree). When `name` already has
 * nested overrides (`"name": { "dep": … }`), its own version goes under `"."`.
 *
 * npm refuses (EOVERRIDE) a top-level override of a package that is also a direct dependency unless it
 * equals the declared spec or is the reference `"$name"`. So, for a direct dependency:
 * - declared as exactly `version` already: the override is `"$name"`;
 * - with `path` (the package bringing in the risky copy): nested under that parent, which leaves the
 *   direct dependency alone (npm accepts nested overrides of a direct dependency's name);
 * - otherwise the dependency is set to `version` as well and the override is `"$name"`, said in `note`;
 *   not for a peer dependency, an alias or a non-registry spec, where only `note` explains.
 */
function npmOverride(doc: JsonDocument, name: string, version: string, path: readonly string[]): OverrideResult {
  const overrides = propertyValue(doc.root, 'overrides');
  if (overrides && overrides.type !== 'object') return { edits: [], note: '"overrides" in package.json is not an object; nothing was changed.' };
  const elsewhere = nestedParents(overrides, name);
  const alsoUnder = (except?: string): string => {
    const others = elsewhere.filter((key) => key !== except);
    return others.length > 0 ? ` "overrides" also sets ${name} under ${others.join(', ')}; npm applies those there.` : '';
  };
  const also = alsoUnder();
  const direct = directEntries(doc.root, name);
  if (direct.length === 0) return flat(doc, overrides, name, version, [], also.trim() || undefined);
  if (direct.every((entry) => entry.value.value === version)) {
    return flat(doc, overrides, name, `$${name}`, [], `${name} is also a direct dependency at ${version}: the override refers to it ("$${name}"), as npm requires.${also}`);
  }
  const parent = path[path.length - 1];
  if (parent !== undefined && parent !== name && isValidPackageName(parent)) return underParent(doc, overrides, parent, name, version, alsoUnder(parent));
  const blocked = direct.find((entry) => !pinnable(entry, name));
  if (blocked) {
    return {
      edits: [],
      note:
        `${name} is also a direct dependency (${blocked.section}), and npm refuses an override of a direct dependency that differs ` +
        `from its declared spec. Set the dependency to ${version} and the override to "$${name}", or override it under the package that brings the other copy in.`,
    };
  }
  const pins = direct.map((entry) => replace(entry.value.offset, entry.value.offset + entry.value.length, JSON.stringify(version)));
  const sections = [...new Set(direct.map((entry) => entry.section))].join(' and ');
  const note =
    `${name} is also a direct dependency: npm refuses an override of a direct dependency that differs from its declared spec, ` +
    `so ${sections} now declare${direct.length > 1 ? '' : 's'} ${version} too and the override refers to it ("$${name}").${also}`;
  return flat(doc, overrides, name, `$${name}`, pins, note);
}

/** The top-level entry for `name`; under `"."` when it is an object of nested overrides. */
function flat(doc: JsonDocument, overrides: Node | undefined, name: string, value: string, extra: TextEdit[], note?: string): OverrideResult {
  const existing = propertyValue(overrides, name);
  const path = existing?.type === 'object' ? ['overrides', name, '.'] : ['overrides', name];
  return atPath(doc, path, value, extra, note);
}

/** `"overrides": { "parent": { "name": "version" } }`; an existing `"parent": "x"` becomes `{ ".": "x", … }`. */
function underParent(doc: JsonDocument, overrides: Node | undefined, parent: string, name: string, version: string, also: string): OverrideResult {
  const note = `${name} is also a direct dependency, and npm refuses a top-level override that differs from its declared spec: the override applies under ${parent} only.${also}`;
  const existing = propertyValue(overrides, parent);
  if (existing?.type === 'string') {
    return done(doc, [replaceValue(doc, existing, { '.': String(existing.value), [name]: version })], note);
  }
  return atPath(doc, ['overrides', parent, name], version, [], note);
}

function directEntries(root: Node, name: string): DirectEntry[] {
  const entries: DirectEntry[] = [];
  for (const section of DEPENDENCY_SECTIONS) {
    const value = propertyValue(propertyValue(root, section), name);
    if (value) entries.push({ section, value });
  }
  return entries;
}

/** A plain registry range in a section npm installs from: one that may be set to an exact version. */
function pinnable(entry: DirectEntry, name: string): boolean {
  if (entry.section === 'peerDependencies' || entry.value.type !== 'string') return false;
  const spec = classifySpec(name, String(entry.value.value));
  return spec.kind === 'registry' && !spec.alias;
}

/** The keys under which `overrides` has a nested entry for `name` (any depth below the top level). */
function nestedParents(overrides: Node | undefined, name: string): string[] {
  const parents: string[] = [];
  const visit = (object: Node, key: string): void => {
    if (findProperty(object, name)) parents.push(key);
    for (const property of object.children ?? []) {
      const [childKey, value] = property.children ?? [];
      if (value?.type === 'object' && typeof childKey?.value === 'string') visit(value, childKey.value);
    }
  };
  for (const property of overrides?.children ?? []) {
    const [key, value] = property.children ?? [];
    if (value?.type === 'object' && typeof key?.value === 'string' && key.value !== name) visit(value, key.value);
  }
  return [...new Set(parents)];
}
