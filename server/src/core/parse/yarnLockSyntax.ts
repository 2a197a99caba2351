/**
 * The line structure yarn.lock files share, classic and berry alike: one entry per unindented key line,
 * fields indented by exactly two spaces per level, comments and blank lines anywhere. This reads that
 * structure into small trees and leaves the syntax of a single line to the format (`LineReader`), so each
 * format only says what a line may look like. Offsets come for free: every node keeps the offsets of its
 * key in the original text.
 *
 * Anything outside what yarn writes (tabs, odd indentation, a line indented deeper than its parent
 * allows, merge-conflict markers, a file cut off mid-line) becomes one problem at the line where it
 * happens; the entry it happened in is dropped and reading goes on with the next entry. Never throws.
 */
import type { OffsetRange } from '../finding';
import type { LockfileProblem, LockfileProblemCode } from '../lockfile/types';

/** At most this many problems per file: a broken file gets one clear problem, not one per line. */
export const MAX_PROBLEMS = 10;

export class Problems {
  readonly items: LockfileProblem[] = [];

  add(code: LockfileProblemCode, message: string, range: OffsetRange): void {
    if (this.items.length >= MAX_PROBLEMS) return;
    const severity = code === 'lockfile-unsupported-version' || code === 'lockfile-invalid-entry' ? 'warning' : 'error';
    this.items.push({ code, severity, message, range });
  }
}

/**
 * What one line says, as the format's line reader understood it; the same object becomes the line's node
 * in the tree (one allocation per line).
 */
export interface YarnNode {
  /** The decoded key. */
  key: string;
  /** Further keys of a classic entry key listing several descriptors (`a@^1, "b@^2":`), else undefined. */
  more: string[] | undefined;
  /** Offsets of the whole key as written, quotes included (without the colon). */
  start: number;
  end: number;
  /** The scalar value as decoded; undefined when the line opens a nested map (`key:`). */
  value: string | undefined;
  /** False for classic number and boolean tokens (`version 1`), which are never a valid version or URL. */
  valueIsString: boolean;
  /** Berry's explicit key (`? "very long key"`), whose colon is on the next line. */
  explicitKey: boolean;
  children: YarnNode[] | undefined;
}

/** A node as a line reader makes it (children are attached by `readBlocks`). */
export function node(key: string, more: string[] | undefined, start: number, end: number, value: string | undefined, valueIsString: boolean, explicitKey = false): YarnNode {
  return { key, more, start, end, value, valueIsString, explicitKey, children: undefined };
}

export interface LineError {
  error: string;
  /** Offset where the line stops making sense. */
  at: number;
}

/** Reads the content of one line, from its first non-space character (`start`) to its end (no newline). */
export type LineReader = (text: string, start: number, end: number, indent: number) => YarnNode | LineError;

/** The entries that could be read, in file order, each a top-level node with its fields as children. */
export interface Blocks {
  entries: YarnNode[];
  /** The entry the file ends with, when it was read: a file cut at a line break ends in an incomplete one. */
  last: YarnNode | undefined;
}

const CONFLICT_START = 0x3c; // <
const CONFLICT_MID = 0x3d; // =
const CONFLICT_END = 0x3e; // >
const CONFLICT_BASE = 0x7c; // |

/** `<<<<<<<`, `|||||||`, `=======` or `>>>>>>>` at the start of a line: which one, or 0. */
function conflictMarker(text: string, start: number, end: number): number {
  const c = text.charCodeAt(start);
  if (c !== CONFLICT_START && c !== CONFLICT_MID && c !== CONFLICT_END && c !== CONFLICT_BASE) return 0;
  if (end - start < 7) return 0;
  for (let i = start + 1; i < start + 7; i++) if (text.charCodeAt(i) !== c) return 0;
  const after = text.charCodeAt(start + 7);
  if (start + 7 < end && after !== 0x20 && after !== 0x09 && after !== 0x0d) return 0;
  return c;
}

/** One line of the text: content offsets (no line break), its number, and whether a newline ends it. */
interface Line {
  start: number;
  end: number;
  number: number;
  terminated: boolean;
  /** Offset of the next line. */
  next: number;
}

/** The state of reading one file: the entry being read, its open maps, and what has been kept. */
class BlockReader {
  readonly entries: YarnNode[] = [];
  last: YarnNode | undefined;
  private current: YarnNode | undefined;
  /** Open maps by depth: `stack[d]` is the last node read at depth d. */
  private readonly stack: YarnNode[] = [];
  /** Depth the next line may have at most (one below the last map opener, or the last scalar's depth). */
  private allowed = 0;
  /** The current entry broke: it is dropped, and its remaining lines are skipped. */
  private tainted = false;
  /** A berry `? key` line whose `:` line has not come yet. */
  private awaitingColon = false;
  private inConflict = false;
  private reportedConflict = false;

  constructor(
    private readonly text: string,
    private readonly readLine: LineReader,
    private readonly problems: Problems,
  ) {}

  /** Reads one line; false when reading must stop (the file was cut off). */
  line(line: Line): boolean {
    const { text } = this;
    const marker = conflictMarker(text, line.start, line.end);
    if (marker !== 0) return this.conflictMarker(line, marker);
    if (this.inConflict) {
      if (this.current) this.tainted = true;
      return true;
    }
    let indent = line.start;
    while (indent < line.end && text.charCodeAt(indent) === 0x20) indent++;
    if (indent === line.end) return true; // blank line
    const first = text.charCodeAt(indent);
    const spaces = indent - line.start;
    if (!line.terminated) return this.cutOff(line, spaces, first);
    if (first === 0x23) return true; // comment
    const depth = this.depthOf(line, spaces, first, indent);
    if (depth === undefined) return true;
    const node = this.readLine(text, indent, line.end, spaces);
    if ('error' in node) {
      this.fail('lockfile-syntax', `Line ${line.number}, column ${node.at - line.start + 1}: ${node.error}`, { start: node.at, end: Math.max(node.at, line.end) });
    } else if (depth === 0) {
      this.open(line, node);
    } else {
      const parent = this.stack[depth - 1] as YarnNode;
      (parent.children ??= []).push(node);
      this.stack[depth] = node;
      this.allowed = node.value === undefined ? depth + 1 : depth;
    }
    return true;
  }

  /** Closes the entry being read: kept unless it broke. */
  close(): void {
    this.last = undefined;
    const current = this.current;
    if (current && !this.tainted && this.awaitingColon) {
      this.problems.add('lockfile-syntax', 'An explicit key (`?`) is not followed by its colon line.', { start: current.start, end: current.end });
    } else if (current && !this.tainted) {
      this.entries.push((this.last = current));
    }
    this.current = undefined;
    this.tainted = false;
    this.awaitingColon = false;
    this.stack.length = 0;
    this.allowed = 0;
  }

  private fail(code: LockfileProblemCode, message: string, range: OffsetRange): void {
    this.problems.add(code, message, range);
    this.tainted = true;
  }

  private conflictMarker(line: Line, marker: number): boolean {
    if (!this.reportedConflict) {
      this.reportedConflict = true;
      this.problems.add('lockfile-conflict', `Line ${line.number}: the lockfile has unresolved merge-conflict markers; the entries they touch were not read (running yarn install resolves such conflicts).`, { start: line.start, end: line.end });
    }
    if (marker === CONFLICT_START && !continuesEntry(this.text, line.next)) this.close(); // the conflict starts between entries
    this.inConflict = marker !== CONFLICT_END;
    this.tainted = true; // the entry the markers are in, or the one that starts between them
    return true;
  }

  /** Yarn ends every file with a newline: a last line without one was cut off, and so was its entry. */
  private cutOff(line: Line, spaces: number, first: number): boolean {
    if (spaces === 0 && first !== 0x23 && first !== 0x09) this.close();
    const lost = first !== 0x23 || this.current !== undefined ? ', and the entry there was not read' : '';
    this.problems.add('lockfile-truncated', `Line ${line.number}: the lockfile ends in the middle of a line; it looks cut off${lost}.`, { start: line.start, end: line.end });
    this.tainted = true;
    return false;
  }

  /** The depth of a content line, or undefined when the line is to be skipped (after a problem if wrong). */
  private depthOf(line: Line, spaces: number, first: number, indent: number): number | undefined {
    const range = { start: line.start, end: line.end };
    if (first === 0x09) {
      // A tab-indented line continues the entry above it (an unindented one would start with a key).
      this.fail('lockfile-syntax', `Line ${line.number}: indentation must be spaces, not tabs.`, range);
      return undefined;
    }
    if (spaces % 2 !== 0) {
      this.fail('lockfile-syntax', `Line ${line.number}: indentation must be a multiple of two spaces.`, range);
      return undefined;
    }
    const depth = spaces / 2;
    if (depth === 0) {
      if (this.awaitingColon && isLoneColon(this.text, indent, line.end)) {
        this.awaitingColon = false;
        this.allowed = 1;
        return undefined;
      }
      this.close();
      return 0;
    }
    if (this.tainted) return undefined;
    if (this.current === undefined) {
      this.fail('lockfile-syntax', `Line ${line.number}: indented line outside any entry.`, range);
      return undefined;
    }
    if (this.awaitingColon || depth > this.allowed) {
      this.fail('lockfile-syntax', `Line ${line.number}: this line is indented more than its place allows.`, range);
      return undefined;
    }
    return depth;
  }

  /** An unindented line: the key of a new entry. */
  private open(line: Line, node: YarnNode): void {
    this.current = node;
    if (node.value !== undefined) {
      this.fail('lockfile-syntax', `Line ${line.number}: expected an entry key ending in a colon.`, { start: line.start, end: line.end });
      return;
    }
    this.stack[0] = node;
    this.allowed = 1;
    this.awaitingColon = node.explicitKey;
  }
}

/** Reads the whole text into entry trees; `readLine` gives the syntax of one line. */
export function readBlocks(text: string, readLine: LineReader, problems: Problems): Blocks {
  const reader = new BlockReader(text, readLine, problems);
  const line: Line = { start: 0, end: 0, number: 0, terminated: true, next: text.charCodeAt(0) === 0xfeff ? 1 : 0 };
  while (line.next < text.length) {
    let newline = text.indexOf('\n', line.next);
    line.terminated = newline !== -1;
    if (!line.terminated) newline = text.length;
    line.start = line.next;
    line.end = newline > line.start && text.charCodeAt(newline - 1) === 0x0d ? newline - 1 : newline;
    line.number++;
    line.next = newline + 1;
    if (!reader.line(line)) break;
  }
  reader.close();
  return { entries: reader.entries, last: reader.last };
}

/** Whether the first non-blank line from `pos` on is indented (continues the entry above it). */
function continuesEntry(text: string, pos: number): boolean {
  while (pos < text.length) {
    let i = pos;
    while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
    const c = text.charCodeAt(i);
    if (i < text.length && c !== 0x0a && c !== 0x0d) return i > pos;
    const newline = text.indexOf('\n', i);
    if (newline < 0) return false;
    pos = newline + 1;
  }
  return false;
}

function isLoneColon(text: string, start: number, end: number): boolean {
  if (text.charCodeAt(start) !== 0x3a) return false;
  for (let i = start + 1; i < end; i++) if (text.charCodeAt(i) !== 0x20) return false;
  return true;
}

/**
 * A JSON-style double-quoted string starting at `start` (the opening quote) and ending before `end`:
 * the decoded text and the offset after the closing quote, or an error. Control characters and lines
 * without the closing quote are errors, as they are for yarn.
 */
export function readQuoted(text: string, start: number, end: number): { value: string; next: number } | LineError {
  let escaped = false;
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      if (!escaped) return { value: text.slice(start + 1, i), next: i + 1 };
      try {
        return { value: JSON.parse(text.slice(start, i + 1)) as string, next: i + 1 };
      } catch {
        return { error: 'invalid escape sequence in a quoted string.', at: start };
      }
    }
    if (c === 0x5c) {
      escaped = true;
      i++;
    } else if (c < 0x20) {
      return { error: 'control character in a quoted string.', at: i };
    }
  }
  return { error: 'quoted string is not closed on its line.', at: start };
}

/** Offset of the first character at or after `at` that is not a space. */
export function skipSpaces(text: string, at: number, end: number): number {
  while (at < end && text.charCodeAt(at) === 0x20) at++;
  return at;
}

/** True when the rest of the line is only spaces and, optionally, a comment. */
export function restIsEmpty(text: string, at: number, end: number): boolean {
  const next = skipSpaces(text, at, end);
  return next === end || text.charCodeAt(next) === 0x23;
}
