/**
 * A reader for the keys of one TOML table (bunfig.toml's `[install]`), not a TOML parser: `key = value`
 * lines inside `[table]`, and `table.key = value` before any table header, where a value is an integer or
 * float (underscores allowed), a basic or literal string, or an array of those that may span lines with
 * comments and a trailing comma. Anything else is reported as unreadable at its offset. Never throws.
 */
import type { OffsetRange } from '../finding';

export type TomlValue =
  | { kind: 'number'; value: number; range: OffsetRange }
  | { kind: 'string'; value: string; range: OffsetRange }
  | { kind: 'array'; items: Array<{ kind: 'string' | 'number'; value: string | number; range: OffsetRange }>; range: OffsetRange }
  | { kind: 'unreadable'; range: OffsetRange };

export interface TomlKey {
  key: string;
  keyRange: OffsetRange;
  value: TomlValue;
}

const KEY = /^[ \t]*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*)[ \t]*=[ \t]*/;

export function readTableKeys(text: string, table: string): TomlKey[] {
  const found: TomlKey[] = [];
  let current = '';
  let at = 0;
  while (at < text.length) {
    const end = lineEnd(text, at);
    const line = text.slice(at, end);
    const header = /^[ \t]*\[\[?[ \t]*([^\]]*?)[ \t]*\]\]?[ \t]*(#.*)?$/.exec(line);
    if (header) {
      current = line.trimStart().startsWith('[[') ? '\u0000array' : (header[1] ?? '').replace(/["'\s]/g, '');
      at = next(text, end);
      continue;
    }
    const key = KEY.exec(line);
    if (!key) {
      at = next(text, end);
      continue;
    }
    const raw = key[1] as string;
    const dotted = raw.startsWith('"') || raw.startsWith("'") ? [raw.slice(1, -1)] : raw.split('.').map((part) => part.trim());
    const path = current === '' ? dotted : [current, ...dotted];
    const valueStart = at + key[0].length;
    const value = readValue(text, valueStart);
    if (path.length === 2 && path[0] === table) {
      const keyStart = at + line.indexOf(raw);
      found.push({ key: path[1] as string, keyRange: { start: keyStart, end: keyStart + raw.length }, value: value.value });
    }
    at = next(text, lineEnd(text, value.end));
  }
  return found;
}

function lineEnd(text: string, from: number): number {
  const newline = text.slice(from).search(/\r\n|\r|\n/);
  return newline === -1 ? text.length : from + newline;
}

function next(text: string, end: number): number {
  if (text.startsWith('\r\n', end)) return end + 2;
  return end + 1;
}

/** The value starting at `start`, and where it ends (an array may end on a later line). */
function readValue(text: string, start: number): { value: TomlValue; end: number } {
  if (text[start] === '[') return readArray(text, start);
  const token = readScalar(text, start);
  const rest = text.slice(token.end, lineEnd(text, token.end));
  if (!token.value || !/^[ \t]*(#.*)?$/.test(rest)) {
    const end = lineEnd(text, start);
    return { value: { kind: 'unreadable', range: { start, end: start + text.slice(start, end).replace(/[ \t]*#.*$/, '').length } }, end };
  }
  return { value: token.value, end: token.end };
}

type Scalar = { kind: 'string'; value: string; range: OffsetRange } | { kind: 'number'; value: number; range: OffsetRange };

function readScalar(text: string, start: number): { value: Scalar | undefined; end: number } {
  const literal = /^'([^'\r\n]*)'/.exec(text.slice(start));
  if (literal) return { value: { kind: 'string', value: literal[1] as string, range: { start, end: start + literal[0].length } }, end: start + literal[0].length };
  const basic = /^"((?:[^"\\\r\n]|\\.)*)"/.exec(text.slice(start));
  if (basic) {
    const value = (basic[1] as string).replace(/\\(["\\])/g, '$1');
    return { value: { kind: 'string', value, range: { start, end: start + basic[0].length } }, end: start + basic[0].length };
  }
  const number = /^[+-]?(\d(_?\d)*)(\.\d(_?\d)*)?(?=[ \t,\]#\r\n]|$)/.exec(text.slice(start));
  if (number) {
    const value = Number(number[0].replace(/_/g, ''));
    return { value: { kind: 'number', value, range: { start, end: start + number[0].length } }, end: start + number[0].length };
  }
  return { value: undefined, end: start };
}

function readArray(text: string, start: number): { value: TomlValue; end: number } {
  const items: Array<{ kind: 'string' | 'number'; value: string | number; range: OffsetRange }> = [];
  let at = start + 1;
  let expectItem = true;
  while (at < text.length) {
    at = skipBlank(text, at);
    const ch = text[at];
    if (ch === ']') return { value: { kind: 'array', items, range: { start, end: at + 1 } }, end: at + 1 };
    if (ch === ',' && !expectItem) {
      expectItem = true;
      at++;
      continue;
    }
    const token = expectItem ? readScalar(text, at) : { value: undefined, end: at };
    if (!token.value) break;
    items.push(token.value);
    expectItem = false;
    at = token.end;
  }
  const end = lineEnd(text, start);
  return { value: { kind: 'unreadable', range: { start, end } }, end };
}

/** Skips whitespace, newlines and comments inside an array. */
function skipBlank(text: string, from: number): number {
  let at = from;
  while (at < text.length) {
    const ch = text[at] as string;
    if (ch === '#') at = lineEnd(text, at);
    else if (/\s/.test(ch)) at++;
    else break;
  }
  return at;
}
