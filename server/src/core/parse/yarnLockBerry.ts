/**
 * yarn.lock of Yarn 2+ ("berry"): the YAML subset berry's own stringifier (`stringifySyml`) writes, read
 * line by line. A line is `key:` (opening a map) or `key: value`; keys and values are either plain
 * scalars matching berry's "simple string" pattern or JSON double-quoted strings; keys longer than 1024
 * characters use YAML's explicit form (`? "key"` then `:`). Every scalar is a string, as with the
 * FAILSAFE schema yarn reads the file with (so `version: 1.10` stays "1.10"). Anything else YAML allows
 * — single quotes, flow collections, block scalars, anchors, tags, sequences, multi-line scalars — is
 * reported at its place instead of guessed at.
 *
 * `checksum` is yarn's own cache checksum, not Subresource Integrity: it is not put in `integrity`.
 */
import { berryResolver, berrySource, DescriptorIndex, patchedDescriptor, splitDescriptor, type RawEntry, type Resolve } from './yarnLockGraph';
import type { OffsetRange } from '../finding';
import { node, readQuoted, restIsEmpty, skipSpaces, type LineError, type LineReader, type Problems, type YarnNode } from './yarnLockSyntax';

/** `__metadata.version` values whose format this reader knows (Yarn 2.0 wrote 4; Yarn 4.x writes 8 to 10). */
export const SUPPORTED_BERRY_VERSIONS = new Set(['4', '5', '6', '7', '8', '9', '10']);

/** Per ASCII code: 1 = may not start a plain scalar, 2 = may not appear in one at all (berry's simple-string pattern). */
const PLAIN = new Uint8Array(128);
for (const c of '-?:,[]{}#&*!|>\'"%@` \t') PLAIN[c.charCodeAt(0)] = 1;
for (const c of ',[]{}:#') PLAIN[c.charCodeAt(0)] = 2;

function plainError(text: string, start: number, end: number): LineError | undefined {
  if (start >= end) return { error: 'expected a value.', at: start };
  const first = text.charCodeAt(start);
  if (first < 128 && PLAIN[first] !== 0) return { error: 'a plain value may not start with this character; yarn quotes such values.', at: start };
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && PLAIN[c] === 2) return { error: 'a plain value may not contain this character; yarn quotes such values.', at: i };
  }
  const lastChar = text.charCodeAt(end - 1);
  if (lastChar === 0x20 || lastChar === 0x09) return { error: 'trailing whitespace after a plain value.', at: end - 1 };
  return undefined;
}

/** A key: quoted, or plain up to the colon. Returns the key and the offset after it. */
function readKey(text: string, at: number, end: number, explicit: boolean): { value: string; next: number } | LineError {
  if (text.charCodeAt(at) === 0x22) return readQuoted(text, at, end);
  let stop = at;
  while (stop < end && text.charCodeAt(stop) !== 0x3a) stop++;
  if (stop === end && !explicit) return { error: 'expected `key: value` or `key:`.', at };
  const bad = plainError(text, at, stop);
  if (bad) return bad;
  return { value: text.slice(at, stop), next: stop };
}

const UNSUPPORTED_VALUE: Record<string, string> = {
  "'": 'single-quoted strings are not written by yarn; use double quotes.',
  '[': 'flow sequences are not written by yarn.',
  '{': 'flow mappings are not written by yarn.',
  '|': 'block scalars are not written by yarn.',
  '>': 'block scalars are not written by yarn.',
  '&': 'anchors are not written by yarn.',
  '*': 'aliases are not written by yarn.',
  '!': 'tags are not written by yarn.',
};

function readValue(text: string, at: number, end: number): { value: string } | LineError {
  const c = text.charAt(at);
  if (c === '"') {
    const quoted = readQuoted(text, at, end);
    if ('error' in quoted) return quoted;
    if (!restIsEmpty(text, quoted.next, end)) return { error: 'unexpected text after the quoted value.', at: quoted.next };
    return { value: quoted.value };
  }
  const unsupported = UNSUPPORTED_VALUE[c];
  if (unsupported) return { error: unsupported, at };
  if (c === '-' && (at + 1 === end || text.charCodeAt(at + 1) === 0x20)) return { error: 'sequences are not written by yarn.', at };
  let stop = at;
  while (stop < end && !(text.charCodeAt(stop) === 0x23 && text.charCodeAt(stop - 1) === 0x20)) stop++;
  while (stop > at && text.charCodeAt(stop - 1) === 0x20) stop--;
  const bad = plainError(text, at, stop);
  if (bad) return bad;
  return { value: text.slice(at, stop) };
}

/** A berry line: `key:`, `key: value`, or at the top level `? key` (explicit key). */
export const readBerryLine: LineReader = (text, start, end, indent): YarnNode | LineError => {
  let at = start;
  const explicit = indent === 0 && text.charCodeAt(at) === 0x3f && text.charCodeAt(at + 1) === 0x20;
  if (explicit) at = skipSpaces(text, at + 1, end);
  if (text.charCodeAt(at) === 0x2d && (at + 1 === end || text.charCodeAt(at + 1) === 0x20)) return { error: 'sequences are not written by yarn.', at };
  const key = readKey(text, at, end, explicit);
  if ('error' in key) return key;
  const keyStart = at;
  const keyEnd = key.next;
  if (explicit) {
    if (!restIsEmpty(text, keyEnd, end)) return { error: 'unexpected text after an explicit key.', at: keyEnd };
    return node(key.value, undefined, keyStart, keyEnd, undefined, true, true);
  }
  if (text.charCodeAt(keyEnd) !== 0x3a) return { error: 'expected a colon after the key.', at: keyEnd };
  const afterColon = keyEnd + 1;
  if (restIsEmpty(text, afterColon, end)) return node(key.value, undefined, keyStart, keyEnd, undefined, true);
  if (text.charCodeAt(afterColon) !== 0x20) return { error: 'expected a space after the colon.', at: afterColon };
  const value = readValue(text, skipSpaces(text, afterColon, end), end);
  if ('error' in value) return value;
  return node(key.value, undefined, keyStart, keyEnd, value.value, true);
};

interface Fields {
  version?: YarnNode;
  resolution?: YarnNode;
  dependencies?: YarnNode;
  optionalDependencies?: YarnNode;
  dependenciesMeta?: YarnNode;
}

/** The scalar fields and maps this reader uses, or an error message when one is repeated or misshapen. */
function collectFields(node: YarnNode): Fields | string {
  const fields: Fields = {};
  for (const child of node.children ?? []) {
    const name = child.key;
    let scalar: boolean;
    switch (name) {
      case 'version':
      case 'resolution':
        scalar = true;
        break;
      case 'dependencies':
      case 'optionalDependencies':
      case 'dependenciesMeta':
        scalar = false;
        break;
      default:
        continue;
    }
    if (fields[name]) return 'a field is repeated in this entry.';
    if (scalar ? child.value === undefined : child.value !== undefined) return scalar ? 'a field has no value.' : 'a dependency list is not a map.';
    fields[name] = child;
  }
  return fields;
}

/** Names marked `optional: true` under `dependenciesMeta` (keys may be `name` or `name@version`). */
function optionalNames(meta: YarnNode | undefined): Set<string> | undefined | string {
  if (!meta?.children) return undefined;
  const names = new Set<string>();
  for (const dep of meta.children) {
    if (dep.value !== undefined) return 'a dependenciesMeta entry is not a map.';
    const key = dep.key;
    const split = splitDescriptor(key);
    for (const flag of dep.children ?? []) if (flag.key === 'optional' && flag.value === 'true') names.add(split ? split[0] : key);
  }
  return names;
}

/** The `name: range` lines of a dependency map, or an error message when one is not that. */
function dependencyLines(map: YarnNode | undefined): YarnNode[] | undefined | string {
  const lines = map?.children;
  if (lines) for (const dep of lines) if (dep.value === undefined) return 'a dependency has no range.';
  return lines;
}

function berryEntry(text: string, node: YarnNode): RawEntry | string {
  const fields = collectFields(node);
  if (typeof fields === 'string') return fields;
  const version = fields.version?.value;
  const resolution = fields.resolution?.value;
  if (version === undefined) return 'it has no version.';
  if (resolution === undefined) return 'it has no resolution.';
  const locator = splitDescriptor(resolution);
  if (!locator) return 'its resolution is not of the form name@reference.';
  const descriptors: Array<[string, string]> = [];
  for (const descriptor of berryDescriptors(node.key)) {
    const split = splitDescriptor(descriptor);
    if (!split) return 'an entry key is not of the form name@range.';
    descriptors.push(split);
  }
  const optional = optionalNames(fields.dependenciesMeta);
  if (typeof optional === 'string') return optional;
  const deps = dependencyLines(fields.dependencies);
  if (typeof deps === 'string') return deps;
  const optionalDeps = dependencyLines(fields.optionalDependencies);
  if (typeof optionalDeps === 'string') return optionalDeps;
  const [name, reference] = locator;
  const entry: RawEntry = {
    key: text.slice(node.start, node.end),
    range: { start: node.start, end: node.end },
    descriptors,
    name,
    version,
    source: berrySource(reference),
    resolved: resolution,
    dependencies: deps,
    optionalDependencies: optionalDeps,
    locator: resolution,
  };
  if (optional !== undefined) entry.optionalNames = optional;
  if (reference.startsWith('workspace:')) {
    const path = reference.slice('workspace:'.length);
    entry.workspace = path === '.' ? '' : path.replace(/^\.\//, '');
  }
  const patched = descriptors[0] ? builtinPatchTarget(descriptors[0]) : undefined;
  if (patched !== undefined) entry.patches = patched;
  return entry;
}

/** For an entry of yarn's built-in compatibility patches, the descriptor it patches (npm: added if missing). */
function builtinPatchTarget(split: readonly [string, string]): string | undefined {
  if (!split[1].startsWith('patch:') || !split[1].includes('builtin<')) return undefined;
  const inner = patchedDescriptor(split[1]);
  const innerSplit = inner === undefined ? undefined : splitDescriptor(inner);
  if (!innerSplit) return undefined;
  return innerSplit[1].startsWith('npm:') ? inner : `${innerSplit[0]}@npm:${innerSplit[1]}`;
}

/** The descriptors of a berry entry key once unquoted: yarn splits it on commas. */
export function berryDescriptors(key: string): string[] {
  return key.split(/ *, */).filter((d) => d !== '');
}

export interface BerryResult {
  version: string;
  entries: RawEntry[];
  resolve: Resolve;
}

/** Interprets the entries read from a berry file: `__metadata`, then one package per entry. */
export function interpretBerry(text: string, nodes: readonly YarnNode[], last: YarnNode | undefined, problems: Problems): BerryResult {
  const entries: RawEntry[] = [];
  const index = new DescriptorIndex();
  let version: string | undefined;
  for (const node of nodes) {
    if (node.key === '__metadata') {
      version = metadataVersion(node, problems, version);
      continue;
    }
    const entry = berryEntry(text, node);
    const range: OffsetRange = { start: node.start, end: node.end };
    if (typeof entry === 'string') {
      if (node === last) problems.add('lockfile-truncated', `The lockfile ends inside this entry (${entry.replace(/\.$/, '')}): it looks cut off.`, range);
      else problems.add('lockfile-invalid-entry', `This entry was not read: ${entry}`, range);
      continue;
    }
    if (!index.addAll(entry.descriptors, entries.length)) {
      problems.add('lockfile-invalid-entry', 'This entry repeats a descriptor of an earlier entry; it was not read.', range);
      continue;
    }
    entries.push(entry);
  }
  if (version === undefined && problems.items.length === 0) {
    problems.add('lockfile-unsupported-version', 'This yarn.lock has no `__metadata` version; it was read as a Yarn 2+ lockfile.', { start: 0, end: 0 });
  }
  return { version: version ?? '', entries, resolve: berryResolver(index) };
}

function metadataVersion(node: YarnNode, problems: Problems, seen: string | undefined): string | undefined {
  if (seen !== undefined) {
    problems.add('lockfile-invalid-entry', 'The lockfile has a second `__metadata` entry; it was ignored.', { start: node.start, end: node.end });
    return seen;
  }
  const field = node.children?.find((c) => c.key === 'version');
  if (field?.value === undefined) {
    problems.add('lockfile-unsupported-version', 'The `__metadata` entry has no version; the lockfile was read as a Yarn 2+ lockfile.', { start: node.start, end: node.end });
    return '';
  }
  if (!SUPPORTED_BERRY_VERSIONS.has(field.value)) {
    problems.add('lockfile-unsupported-version', 'This lockfile format version is not one Vigil knows (Yarn 2 to 4 write 4 to 10); entries were read as far as they match.', { start: field.start, end: field.end });
  }
  return field.value;
}
