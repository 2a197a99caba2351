/**
 * package-lock.json as values plus the offsets of the entry keys. The fast path is `JSON.parse` for
 * the values and one pass over the text that follows only the nesting (strings are skipped with
 * `indexOf`) to record where each entry key is; it runs only on text `JSON.parse` accepted. When
 * `JSON.parse` fails, jsonc-parser's error-tolerant tree locates the break and yields what can still be
 * read. Never throws on user input; messages never quote the file.
 */
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { jsonSyntaxHint } from './jsonSyntax';
import type { OffsetRange } from '../finding';
import { clampRange, type ProblemList } from './npmLockCommon';

/**
 * The keys of one section of entries in document order, as offsets (quotes included), and the keys of
 * nested sections (lockfile v1). `JSON.parse` keeps document order, so the n-th key of the parsed object
 * is usually the n-th key here: `rangeOf` checks that against the text and only decodes the keys into a
 * map when it is not so (a repeated, escaped or integer-like key).
 */
export class EntryKeys {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** Lockfile v1: entry key → the keys of that entry's own `dependencies`. */
  readonly nested = new Map<string, EntryKeys>();
  private byName: Map<string, number> | undefined;
  private byPosition = true;

  constructor(private readonly text: string) {}

  add(start: number, end: number): void {
    this.starts.push(start);
    this.ends.push(end);
  }

  /** The range of `name`; `hint` is its position among the parsed object's keys. */
  rangeOf(name: string, hint: number): OffsetRange {
    const at = this.byPosition && this.spells(hint, name) ? hint : this.lookup(name);
    const start = at === undefined ? undefined : this.starts[at];
    const end = at === undefined ? undefined : this.ends[at];
    return start === undefined || end === undefined ? { start: 0, end: 0 } : { start, end };
  }

  /**
   * The parsed object has `count` keys: when the text has more (a repeated key), positions do not line
   * up and every lookup goes by name, to the last occurrence.
   */
  expect(count: number): void {
    if (count !== this.starts.length) this.byPosition = false;
  }

  /** Whether key `i` is written as `name` in quotes, without escapes. */
  private spells(i: number, name: string): boolean {
    const start = this.starts[i];
    const end = this.ends[i];
    return start !== undefined && end !== undefined && end - start === name.length + 2 && this.text.startsWith(name, start + 1);
  }

  private lookup(name: string): number | undefined {
    if (!this.byName) {
      // A repeated key keeps its last place, like `JSON.parse` keeps its last value.
      const byName = new Map<string, number>();
      this.starts.forEach((start, i) => byName.set(decodeKey(this.text, start, (this.ends[i] ?? start + 1) - 1), i));
      this.byName = byName;
    }
    return this.byName.get(name);
  }
}

/** Which section holds the entries: v2/v3 `packages` (flat), v1 `dependencies` (nested). */
export type Layout = 'packages' | 'dependencies';

export interface JsonDocument {
  /** The parsed root value; undefined when nothing could be read. */
  root: unknown;
  rootRange: OffsetRange;
  /** The root's keys and the entry keys of the chosen section (empty when it is missing). */
  scan(layout: Layout | undefined): Scan;
}

export interface Scan {
  topKeys: Map<string, OffsetRange>;
  entries: EntryKeys;
}



/** The fast path: `JSON.parse` for the values, a scan for the key offsets; undefined when not valid JSON. */
export function parseStrict(text: string): JsonDocument | undefined {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return undefined;
  }
  const start = firstNonSpace(text, 0);
  return {
    root,
    rootRange: { start, end: lastNonSpace(text) + 1 },
    scan: (layout) => scanKeys(text, layout, layout === 'dependencies'),
  };
}

/** jsonc-parser recurses once per level; deeper text than this is not a lockfile anyway. */
const MAX_TOLERANT_DEPTH = 1000;

/** The broken path: jsonc-parser's tolerant tree; reports one syntax problem where the text breaks. */
export function readTolerant(text: string, problems: ProblemList): JsonDocument {
  const topKeys = new Map<string, OffsetRange>();
  const nothing: JsonDocument = { root: undefined, rootRange: { start: 0, end: 0 }, scan: () => ({ topKeys, entries: new EntryKeys(text) }) };
  const tooDeep = depthExceeded(text, MAX_TOLERANT_DEPTH);
  if (tooDeep !== -1) {
    problems.broken('lockfile-syntax', 'The lockfile nests brackets far deeper than any lockfile does; Vigil does not read it.', clampRange(tooDeep, tooDeep + 1, text.length));
    return nothing;
  }
  const errors: ParseError[] = [];
  let tree: Node | undefined;
  let root: unknown;
  try {
    tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    root = tree ? getNodeValue(tree) : undefined;
  } catch {
    // Defensive: jsonc-parser recurses; a stack overflow must not escape as an exception.
    tree = undefined;
  }
  const first = errors[0];
  if (first) reportSyntax(text, first, problems);
  if (!tree) return nothing;
  if (tree.type === 'object') {
    for (const property of tree.children ?? []) {
      const key = property.children?.[0];
      if (key && typeof key.value === 'string') topKeys.set(key.value, nodeRange(key));
    }
  }
  const parsedTree = tree;
  return {
    root,
    rootRange: nodeRange(tree),
    scan: (layout) => ({ topKeys, entries: layout ? keysFromTree(text, parsedTree, layout) : new EntryKeys(text) }),
  };
}

function reportSyntax(text: string, error: ParseError, problems: ProblemList): void {
  const last = lastNonSpace(text);
  if (last < 0) {
    problems.broken('lockfile-syntax', 'The lockfile is empty: npm cannot read it, so no locked package was checked.', { start: 0, end: 0 });
    return;
  }
  const code = printParseErrorCode(error.error);
  const symbol = text.slice(error.offset, error.offset + error.length);
  const cutToken =
    code === 'UnexpectedEndOfString' || code === 'InvalidNumberFormat' || (code === 'InvalidSymbol' && ['true', 'false', 'null'].some((word) => symbol !== '' && word.startsWith(symbol)));
  if (error.offset > last || (cutToken && error.offset + error.length > last)) {
    problems.broken(
      'lockfile-truncated',
      'The lockfile ends in the middle of its JSON: it looks cut off (an interrupted write or copy). npm cannot read it; Vigil checks the entries before the cut.',
      clampRange(last, last + 1, text.length),
    );
    return;
  }
  const hint = jsonSyntaxHint(error, 'a lockfile');
  problems.broken(
    'lockfile-syntax',
    `The lockfile is not valid JSON: ${hint}. npm cannot read it until this is fixed; Vigil checks the entries it can still read.`,
    clampRange(error.offset, error.offset + Math.max(error.length, 1), text.length),
  );
}

/** Where bracket nesting (outside strings, roughly) first passes `limit`; -1 if it never does. */
function depthExceeded(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34 || c === 10) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return i;
    } else if (c === 125 || c === 93) depth = Math.max(0, depth - 1);
  }
  return -1;
}

function keysFromTree(text: string, tree: Node, layout: Layout): EntryKeys {
  const section = tree.type === 'object' ? propertyValue(tree, layout) : undefined;
  return section ? sectionKeys(text, section, layout === 'dependencies') : new EntryKeys(text);
}

function sectionKeys(text: string, section: Node, nested: boolean): EntryKeys {
  const keys = new EntryKeys(text);
  if (section.type !== 'object') return keys;
  for (const property of section.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || typeof key.value !== 'string') continue;
    keys.add(key.offset, key.offset + key.length);
    if (!nested || value?.type !== 'object') continue;
    const child = propertyValue(value, 'dependencies');
    if (child?.type === 'object') keys.nested.set(key.value, sectionKeys(text, child, true));
  }
  return keys;
}

/** The value of a property; the last one when repeated, like `JSON.parse` and `getNodeValue`. */
function propertyValue(object: Node, name: string): Node | undefined {
  let found: Node | undefined;
  for (const property of object.children ?? []) {
    if (property.children?.[0]?.value === name) found = property.children[1];
  }
  return found;
}

function nodeRange(node: Node): OffsetRange {
  return { start: node.offset, end: node.offset + node.length };
}

function firstNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function lastNonSpace(text: string): number {
  let i = text.length - 1;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  return i;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

const enum Mode {
  Skip,
  Root,
  Entries,
  Entry,
}

/**
 * One pass over text that `JSON.parse` accepted: records the root's keys and, for `layout`, the keys of
 * the entries (v1: recursively through each entry's `dependencies`). Only containers are followed;
 * string contents are jumped over with `indexOf`, so the cost is a fraction of a parse.
 */
function scanKeys(text: string, layout: Layout | undefined, nested: boolean): Scan {
  const topKeys = new Map<string, OffsetRange>();
  const entries = new EntryKeys(text);
  // Only objects on the path to the wanted keys are entered; everything else is jumped over.
  const stack: Frame[] = [];
  let frame: Frame = { mode: Mode.Skip, keys: entries, entryKey: '' };
  let expectKey = false;
  let key = '';
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === 58) continue; // whitespace and colons, most of what is outside strings
    if (c === 34) {
      let j = text.indexOf('"', i + 1);
      while (j !== -1 && isEscaped(text, j)) j = text.indexOf('"', j + 1);
      if (j === -1) break;
      if (expectKey) {
        expectKey = false;
        if (frame.mode === Mode.Root) topKeys.set((key = decodeKey(text, i, j)), { start: i, end: j + 1 });
        else if (frame.mode === Mode.Entries) {
          // Names are only needed to file v1's nested sections under their entry.
          key = nested ? decodeKey(text, i, j) : '';
          frame.keys.add(i, j + 1);
        }
        else key = j - i - 1 === 12 && text.startsWith('dependencies', i + 1) ? 'dependencies' : '';
      }
      i = j;
    } else if (c === 123 || c === 91) {
      const mode = c === 123 ? childMode(frame.mode, stack.length, key, layout, nested) : Mode.Skip;
      if (mode === Mode.Skip) {
        i = skipContainer(text, i);
      } else {
        stack.push(frame);
        frame = { mode, keys: frame.keys, entryKey: mode === Mode.Entry ? key : frame.entryKey };
        if (mode === Mode.Entries && stack.length > 2) {
          // v1: this entry's own `dependencies`.
          frame.keys = new EntryKeys(text);
          stack[stack.length - 1]?.keys.nested.set(frame.entryKey, frame.keys);
        }
        expectKey = true;
      }
      key = '';
    } else if (c === 125 || c === 93) {
      frame = stack.pop() ?? frame;
      expectKey = false;
      key = '';
    } else if (c === 44) {
      expectKey = true;
      key = '';
    }
  }
  return { topKeys, entries };
}

interface Frame {
  mode: Mode;
  /** The keys being recorded (Entries), or those of the enclosing section (Entry). */
  keys: EntryKeys;
  /** Entry: its own key, for its nested `dependencies`. */
  entryKey: string;
}

/** The offset of the bracket that closes the one at `open` (the text is valid JSON). */
function skipContainer(text: string, open: number): number {
  let depth = 0;
  const n = text.length;
  for (let i = open; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let j = text.indexOf('"', i + 1);
      while (j !== -1 && isEscaped(text, j)) j = text.indexOf('"', j + 1);
      if (j === -1) return n;
      i = j;
    } else if (c === 123 || c === 91) depth++;
    else if ((c === 125 || c === 93) && --depth === 0) return i;
  }
  return n;
}

function childMode(parent: Mode, depth: number, key: string, layout: Layout | undefined, nested: boolean): Mode {
  if (depth === 0) return Mode.Root;
  if (parent === Mode.Root) return layout !== undefined && key === layout ? Mode.Entries : Mode.Skip;
  if (parent === Mode.Entries) return nested ? Mode.Entry : Mode.Skip;
  if (parent === Mode.Entry && key === 'dependencies') return Mode.Entries;
  return Mode.Skip;
}

function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0;
  for (let k = quote - 1; text.charCodeAt(k) === 92; k--) backslashes++;
  return backslashes % 2 === 1;
}

function decodeKey(text: string, open: number, close: number): string {
  const raw = text.slice(open + 1, close);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(open, close + 1)) as string;
  } catch {
    return raw;
  }
}
