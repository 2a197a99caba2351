/**
 * The offsets of a lockfile's keys, found in text that `JSON.parse` already accepted. Only the root and
 * the section of entries are walked key by key; everything else (an entry's fields, v2's second copy of
 * the tree) is jumped over to its closing bracket, found with `indexOf` rather than read character by
 * character. Valid JSON makes this exact: strings never contain a raw line break, so a bracket with no
 * quote between it and the end or start of its line is outside every string, which in pretty-printed
 * text settles nearly every bracket by looking at the few characters around it.
 */
import type { OffsetRange } from '../finding';
import { decodeKey, EntryKeys, type Layout } from './npmLockKeys';

export interface Scan {
  topKeys: Map<string, OffsetRange>;
  entries: EntryKeys;
}

const enum Mode {
  Skip,
  Root,
  Entries,
  Entry,
}

interface Frame {
  mode: Mode;
  /** The keys being recorded (Entries), or those of the enclosing section (Entry). */
  keys: EntryKeys;
  /** Entry: its own key, for its nested `dependencies`. */
  entryKey: string;
}

/**
 * One pass over text that `JSON.parse` accepted: records the root's keys and, for `layout`, the keys of
 * the entries (v1: recursively through each entry's `dependencies`). Only containers on the path to those
 * keys are entered; every other container is jumped over whole.
 */
export function scanKeys(text: string, layout: Layout | undefined, nested: boolean): Scan {
  const topKeys = new Map<string, OffsetRange>();
  const entries = new EntryKeys(text);
  const braces = new Closer(text, '{', '}');
  const brackets = new Closer(text, '[', ']');
  const stack: Frame[] = [];
  let frame: Frame = { mode: Mode.Skip, keys: entries, entryKey: '' };
  let expectKey = false;
  let key = '';
  const n = text.length;
  // The next backslash: a key before it has no escape.
  let backslash = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 || c === 58) continue; // whitespace and colons, most of what is outside strings
    if (c === 34) {
      const j = closingQuote(text, i);
      if (expectKey) {
        expectKey = false;
        if (frame.mode === Mode.Root) topKeys.set((key = decodeKey(text, i, j)), { start: i, end: j + 1 });
        else if (frame.mode === Mode.Entries) {
          // Names are only needed to file v1's nested sections under their entry.
          key = nested ? decodeKey(text, i, j) : '';
          if (backslash < i) backslash = indexOrEnd(text, '\\', i);
          const first = text.charCodeAt(i + 1);
          frame.keys.add(i, j + 1, backslash > j && !(first >= 48 && first <= 57));
        } else key = j - i - 1 === 12 && text.startsWith('dependencies', i + 1) ? 'dependencies' : '';
      }
      i = j;
    } else if (c === 123 || c === 91) {
      const mode = c === 123 ? childMode(frame.mode, stack.length, key, layout, nested) : Mode.Skip;
      if (mode === Mode.Skip) i = (c === 123 ? braces : brackets).close(i);
      else {
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

function childMode(parent: Mode, depth: number, key: string, layout: Layout | undefined, nested: boolean): Mode {
  if (depth === 0) return Mode.Root;
  if (parent === Mode.Root) return layout !== undefined && key === layout ? Mode.Entries : Mode.Skip;
  if (parent === Mode.Entries) return nested ? Mode.Entry : Mode.Skip;
  if (parent === Mode.Entry && key === 'dependencies') return Mode.Entries;
  return Mode.Skip;
}

/**
 * Finds the bracket that closes an open one, for one kind of bracket (`{}` or `[]`: in valid JSON each
 * kind nests properly on its own). The next open and close bracket are looked up with `indexOf` and
 * remembered, so a run of jumps forward through the text costs one search per bracket, whatever lies
 * between them. Calls must move forward through the text, as a scan does.
 */
class Closer {
  private nextOpen = -1;
  private nextClose = -1;
  /** Where the remembered brackets were searched from. */
  private from = 0;

  constructor(
    private readonly text: string,
    private readonly open: string,
    private readonly closeChar: string,
  ) {}

  /** The offset of the bracket that closes the (structural) one at `at`; the text's length if none. */
  close(at: number): number {
    const { text } = this;
    const n = text.length;
    let safe = at + 1; // a position known to be outside every string
    this.seek(safe);
    let depth = 1;
    for (;;) {
      const opens = this.nextOpen < this.nextClose;
      const found = opens ? this.nextOpen : this.nextClose;
      if (found >= n) return n;
      const after = stringEnd(text, safe, found);
      if (after !== found) {
        // Inside a string: carry on after it.
        safe = after;
        this.seek(after);
        continue;
      }
      safe = found + 1;
      this.seek(safe);
      if (opens) depth++;
      else if (--depth === 0) return found;
    }
  }

  /** Make the remembered brackets the first ones at or after `position`. */
  private seek(position: number): void {
    const { text } = this;
    if (position < this.from) {
      // Backwards (not how a scan moves, but kept correct): search afresh.
      this.nextOpen = -1;
      this.nextClose = -1;
    }
    this.from = position;
    if (this.nextOpen < position) this.nextOpen = indexOrEnd(text, this.open, position);
    if (this.nextClose < position) this.nextClose = indexOrEnd(text, this.closeChar, position);
  }
}

function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from);
  return at === -1 ? text.length : at;
}

/**
 * `at` when the character there is outside every string, given that `safe` (≤ at) is; otherwise the
 * offset just after the string that holds it.
 */
function stringEnd(text: string, safe: number, at: number): number {
  // Strings never span lines, so a bracket with no quote between it and a line break (or `safe`) is
  // outside. Pretty-printed JSON puts brackets first or last on their lines: only that near is looked at.
  const end = Math.min(at + 4, text.length);
  for (let i = at + 1; i <= end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || i === text.length) return at;
    if (c === 34) break;
  }
  const start = Math.max(safe, at - 16);
  for (let i = at - 1; ; i--) {
    if (i < start) {
      if (start === safe) return at;
      break;
    }
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return at;
    if (c === 34) break;
  }
  // Otherwise string by string from `safe` (minified text, or a bracket amid a line).
  let quote = text.indexOf('"', safe);
  while (quote !== -1 && quote < at) {
    const close = closingQuote(text, quote);
    if (close > at) return close + 1;
    quote = text.indexOf('"', close + 1);
  }
  return at;
}

/** The quote that closes the string opening at `open`; the text's length when there is none. */
export function closingQuote(text: string, open: number): number {
  let j = text.indexOf('"', open + 1);
  while (j !== -1 && isEscaped(text, j)) j = text.indexOf('"', j + 1);
  return j === -1 ? text.length : j;
}

function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0;
  for (let k = quote - 1; text.charCodeAt(k) === 92; k--) backslashes++;
  return backslashes % 2 === 1;
}
