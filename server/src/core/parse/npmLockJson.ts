/**
 * package-lock.json as values plus the offsets of the entry keys. The fast path is `JSON.parse` for
 * the values and one pass over the text for where each entry key is (npmLockScan.ts), which runs only
 * on text `JSON.parse` accepted. When `JSON.parse` fails, jsonc-parser's error-tolerant tree locates the
 * break and yields what can still be read. Never throws on user input; messages never quote the file.
 */
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { jsonSyntaxHint } from './jsonSyntax';
import type { OffsetRange } from '../finding';
import { clampRange, type ProblemList } from './npmLockCommon';
import { EntryKeys, type Layout } from './npmLockKeys';
import { scanKeys, type Scan } from './npmLockScan';

export type { Layout } from './npmLockKeys';

export interface JsonDocument {
  /** The parsed root value; undefined when nothing could be read. */
  root: unknown;
  rootRange: OffsetRange;
  /** The root's keys and the entry keys of the chosen section (empty when it is missing). */
  scan(layout: Layout | undefined): Scan;
}

/**
 * The fast path: `JSON.parse` for the values, a scan for the key offsets; undefined when not valid JSON.
 * The scan runs first, for the layout the text announces: it then reads text that is still in cache,
 * and `JSON.parse` after it too, instead of reading the text back once the parsed tree has pushed it
 * out (a few percent of the whole on a large lockfile). The scan is linear and never throws on any
 * text; if the parsed document calls for another layout, that one is scanned then.
 */
export function parseStrict(text: string): JsonDocument | undefined {
  const guess = announcedLayout(text);
  const early = scanKeys(text, guess, guess === 'dependencies');
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
    // Without a section of entries only the root's keys are read, which every scan records.
    scan: (layout) => (layout === guess || layout === undefined ? early : scanKeys(text, layout, layout === 'dependencies')),
  };
}

/** npm writes `"lockfileVersion"` near the top: 1 keeps its entries in nested `dependencies`, 2 and 3 in `packages`. */
function announcedLayout(text: string): Layout {
  const at = text.indexOf('"lockfileVersion"');
  if (at === -1 || at > 4096) return 'packages';
  let i = at + 17;
  while (i < text.length && (isSpace(text.charCodeAt(i)) || text.charCodeAt(i) === 58)) i++;
  const next = text.charCodeAt(i + 1);
  return text.charCodeAt(i) === 49 && !(next >= 48 && next <= 57) ? 'dependencies' : 'packages';
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
