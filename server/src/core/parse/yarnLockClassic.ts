/**
 * yarn.lock v1 ("classic", Yarn 1): the syntax yarn 1's own tokenizer accepts, restricted to what its
 * stringifier writes. A line is `keys:` (opening a map) or `key value`, where a key or value is a
 * JSON double-quoted string or a bare word starting with a letter; entry keys list several descriptors
 * separated by commas (`"a@^1.0.0", a@^1.2.0:`). Numbers and booleans are tokens of their own, as for
 * yarn, and are never a valid version, URL or range.
 *
 * Read fields: version, resolved, integrity, dependencies, optionalDependencies; others are skipped.
 */
import type { OffsetRange } from '../finding';
import type { LockSource } from '../lockfile/types';
import { classicResolver, classicSource, DescriptorIndex, splitDescriptor, unalias, type RawEntry, type Resolve } from './yarnLockGraph';
import { node, readQuoted, restIsEmpty, skipSpaces, type LineError, type LineReader, type Problems, type YarnNode } from './yarnLockSyntax';

interface Token {
  value: string;
  isString: boolean;
  start: number;
  next: number;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function startsWithWord(text: string, at: number, word: string): boolean {
  return text.startsWith(word, at);
}

/** One token of yarn 1's tokenizer, in its order of precedence: string, number, boolean, bare word. */
function readToken(text: string, at: number, end: number): Token | LineError {
  const c = text.charCodeAt(at);
  if (c === 0x22) {
    const quoted = readQuoted(text, at, end);
    if ('error' in quoted) return quoted;
    return { value: quoted.value, isString: true, start: at, next: quoted.next };
  }
  if (c >= 0x30 && c <= 0x39) {
    let i = at;
    while (i < end && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    return { value: text.slice(at, i), isString: false, start: at, next: i };
  }
  if (startsWithWord(text, at, 'true')) return { value: 'true', isString: false, start: at, next: at + 4 };
  if (startsWithWord(text, at, 'false')) return { value: 'false', isString: false, start: at, next: at + 5 };
  if (isLetter(c)) {
    let i = at;
    for (; i < end; i++) {
      const d = text.charCodeAt(i);
      if (d === 0x3a || d === 0x20 || d === 0x2c) break;
    }
    return { value: text.slice(at, i), isString: true, start: at, next: i };
  }
  return { error: 'unexpected character; expected a quoted string or a word.', at };
}

/** A classic line: `key[, key…]:` or `key value`, with optional spaces and a trailing comment. */
export const readClassicLine: LineReader = (text, start, end): YarnNode | LineError => {
  let first: string | undefined;
  let more: string[] | undefined;
  let at = start;
  let keyEnd = start;
  for (;;) {
    const key = readToken(text, at, end);
    if ('error' in key) return key;
    if (!key.isString || key.value === '') return { error: 'expected a key (a quoted string or a word).', at: key.start };
    if (first === undefined) first = key.value;
    else (more ??= []).push(key.value);
    keyEnd = key.next;
    at = skipSpaces(text, key.next, end);
    if (text.charCodeAt(at) !== 0x2c) break;
    at = skipSpaces(text, at + 1, end);
    if (at >= end) return { error: 'expected another key after the comma.', at };
  }
  if (at < end && text.charCodeAt(at) === 0x3a) {
    if (!restIsEmpty(text, at + 1, end)) return { error: 'unexpected text after the colon.', at: at + 1 };
    return node(first, more, start, keyEnd, undefined, true);
  }
  if (at >= end || text.charCodeAt(at) === 0x23) return { error: 'expected a value or a colon after the key.', at };
  if (more) return { error: 'several keys can only open an entry.', at };
  const value = readToken(text, at, end);
  if ('error' in value) return value;
  if (!restIsEmpty(text, value.next, end)) return { error: 'unexpected text after the value.', at: value.next };
  return node(first, undefined, start, keyEnd, value.value, value.isString);
};

interface Fields {
  version?: YarnNode;
  resolved?: YarnNode;
  integrity?: YarnNode;
  dependencies?: YarnNode;
  optionalDependencies?: YarnNode;
}

/** The fields this reader uses, or an error message when one is repeated or of the wrong shape. */
function collectFields(node: YarnNode): Fields | string {
  const fields: Fields = {};
  for (const child of node.children ?? []) {
    const name = child.key;
    let isMap: boolean;
    switch (name) {
      case 'version':
      case 'resolved':
      case 'integrity':
        isMap = false;
        break;
      case 'dependencies':
      case 'optionalDependencies':
        isMap = true;
        break;
      default:
        continue;
    }
    if (fields[name]) return 'a field is repeated in this entry.';
    if (isMap ? child.value !== undefined : child.value === undefined || !child.valueIsString) {
      return isMap ? 'a dependency list is not a list of `name range` lines.' : 'a field has no text value.';
    }
    fields[name] = child;
  }
  return fields;
}

/** The `name range` lines of a dependency map, or an error message when one is not that. */
function dependencyLines(map: YarnNode | undefined): YarnNode[] | undefined | string {
  const lines = map?.children;
  if (lines) for (const dep of lines) if (dep.value === undefined || !dep.valueIsString) return 'a dependency has no text range.';
  return lines;
}

/** The descriptors of an entry key, split, with the registry name (after aliases) and source they agree on. */
function identity(keyNode: YarnNode, resolved: string | undefined): { descriptors: Array<[string, string]>; name: string; source: LockSource } | string {
  const descriptors: Array<[string, string]> = [];
  let name: string | undefined;
  let source: LockSource = 'registry';
  const all = keyNode.more ? [keyNode.key, ...keyNode.more] : [keyNode.key];
  for (const descriptor of all) {
    const split = splitDescriptor(descriptor);
    if (!split) return 'an entry key is not of the form name@range.';
    descriptors.push(split);
    const [real, range] = unalias(split[0], split[1]);
    if (name !== undefined && real !== name) return 'the descriptors of this entry name different packages.';
    name = real;
    const kind = classicSource(range, resolved);
    if (kind !== 'registry' && source === 'registry') source = kind;
  }
  return { descriptors, name: name as string, source };
}

export interface ClassicResult {
  entries: RawEntry[];
  resolve: Resolve;
}

/** Interprets the entries read from a classic file; bad entries are reported and left out. */
export function interpretClassic(text: string, nodes: readonly YarnNode[], last: YarnNode | undefined, problems: Problems): ClassicResult {
  const entries: RawEntry[] = [];
  const index = new DescriptorIndex();
  for (const node of nodes) {
    const entry = classicEntry(text, node);
    if ('message' in entry) {
      const truncated = node === last && !node.children;
      if (truncated) problems.add('lockfile-truncated', 'The lockfile ends right after this entry key: it looks cut off.', entry.range);
      else problems.add('lockfile-invalid-entry', `This entry was not read: ${entry.message}`, entry.range);
      continue;
    }
    if (!index.addAll(entry.descriptors, entries.length)) {
      problems.add('lockfile-invalid-entry', 'This entry repeats a descriptor of an earlier entry; it was not read.', entry.range);
      continue;
    }
    entries.push(entry);
  }
  return { entries, resolve: classicResolver(index) };
}

function classicEntry(text: string, node: YarnNode): RawEntry | { message: string; range: OffsetRange } {
  const range = { start: node.start, end: node.end };
  const fail = (message: string): { message: string; range: OffsetRange } => ({ message, range });
  const fields = collectFields(node);
  if (typeof fields === 'string') return fail(fields);
  if (!fields.version) return fail('it has no version.');
  const resolved = fields.resolved?.value;
  const who = identity(node, resolved);
  if (typeof who === 'string') return fail(who);
  const deps = dependencyLines(fields.dependencies);
  if (typeof deps === 'string') return fail(deps);
  const optionalDeps = dependencyLines(fields.optionalDependencies);
  if (typeof optionalDeps === 'string') return fail(optionalDeps);
  const entry: RawEntry = {
    key: text.slice(node.start, node.end),
    range,
    descriptors: who.descriptors,
    name: who.name,
    version: fields.version.value as string,
    source: who.source,
    dependencies: deps,
    optionalDependencies: optionalDeps,
  };
  if (resolved !== undefined) entry.resolved = resolved;
  if (fields.integrity) entry.integrity = fields.integrity.value as string;
  return entry;
}

/** The descriptors of a classic entry key as written (`"a@^1", a@^2`), or undefined when it is not one. */
export function classicDescriptors(key: string): string[] | undefined {
  const line = `${key}:`;
  const read = readClassicLine(line, 0, line.length, 0);
  if ('error' in read) return undefined;
  return read.more ? [read.key, ...read.more] : [read.key];
}
