/**
 * A reader for a few top-level keys of a YAML file (pnpm-workspace.yaml, .yarnrc.yml), not a YAML parser.
 * The cooldown settings are always written at the top level as a scalar or a list of scalars, so this
 * reads exactly those shapes — `key: value`, `key: [a, b]`, and `key:` followed by `- item` lines — with
 * quotes and comments, and skips everything else. A wanted key written in any other way (anchors, block
 * scalars, nested maps) is reported as unreadable at its offset rather than guessed at: a wrong guess
 * would silently change the project's cooldown. Never throws; never quotes the file in messages.
 */
import type { OffsetRange } from '../finding';

export interface YamlScalar {
  kind: 'scalar';
  text: string;
  /** Written in quotes: a string, never a number. */
  quoted: boolean;
  range: OffsetRange;
}

export interface YamlSequence {
  kind: 'sequence';
  /** An item this reader cannot read is kept as unreadable, so the caller can point at it. */
  items: Array<YamlScalar | YamlUnreadable>;
  range: OffsetRange;
}

export interface YamlUnreadable {
  kind: 'unreadable';
  range: OffsetRange;
}

export type YamlValue = YamlScalar | YamlSequence | YamlUnreadable;

export interface YamlKey {
  key: string;
  keyRange: OffsetRange;
  /** Undefined: the key has no value (YAML null). */
  value: YamlValue | undefined;
}

interface Line {
  text: string;
  start: number;
}

/** The wanted top-level keys in document order (a repeated key appears twice: the caller decides). */
export function readTopLevelKeys(text: string, wanted: readonly string[]): YamlKey[] {
  const lines = splitLines(text);
  const found: YamlKey[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as Line;
    if (i > 0 && /^---(\s|$)/.test(line.text)) break; // a second document: tools read only the first
    const entry = topLevelEntry(line);
    if (!entry || !wanted.includes(entry.key)) continue;
    const rest = stripComment(line.text.slice(entry.valueAt)).trimEnd();
    const valueStart = line.start + entry.valueAt + (rest.length - rest.trimStart().length);
    if (rest.trim() !== '') {
      const { value, consumed } = inlineValue(rest.trim(), valueStart, lines, i);
      found.push({ key: entry.key, keyRange: entry.keyRange, value });
      i += consumed;
      continue;
    }
    const block = blockValue(lines, i + 1);
    found.push({ key: entry.key, keyRange: entry.keyRange, value: block.value });
    i = block.next - 1;
  }
  return found;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const pattern = /[^\r\n]*(\r\n|\r|\n|$)/g;
  for (let match = pattern.exec(text); match && match[0] !== ''; match = pattern.exec(text)) {
    lines.push({ text: match[0].replace(/(\r\n|\r|\n)$/, ''), start: match.index });
  }
  return lines;
}

/** A mapping entry at column 0: its key and where its value starts (relative to the line). */
function topLevelEntry(line: Line): { key: string; keyRange: OffsetRange; valueAt: number } | undefined {
  const match = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[A-Za-z0-9_$][^:#'"]*?)[ \t]*:(?=[ \t]|$)/.exec(line.text);
  if (!match) return undefined;
  const raw = match[1] as string;
  const key = raw.startsWith('"') || raw.startsWith("'") ? unquote(raw) ?? raw : raw;
  return { key, keyRange: { start: line.start, end: line.start + raw.length }, valueAt: match[0].length };
}

/** A value on the key's own line: a scalar, or a flow sequence that may continue on later lines. */
function inlineValue(text: string, start: number, lines: Line[], index: number): { value: YamlValue; consumed: number } {
  if (!text.startsWith('[')) return { value: scalar(text, start), consumed: 0 };
  // A flow sequence may span lines until its closing bracket (or the next top-level key).
  let source = text;
  let consumed = 0;
  while (!closesFlow(source) && index + consumed + 1 < lines.length) {
    const next = lines[index + consumed + 1] as Line;
    if (topLevelEntry(next)) break;
    consumed++;
    source += `\n${' '.repeat(Math.max(0, next.start - start - source.length - 1))}${stripComment(next.text)}`;
  }
  return { value: flowSequence(source, start), consumed };
}

function closesFlow(source: string): boolean {
  return /\][ \t]*$/.test(source.trimEnd()) && splitFlowItems(source.trim().slice(1, -1)) !== undefined;
}

/** Items of `[a, "b", 'c']`, each with its range; unreadable when an item is not a plain or quoted scalar. */
function flowSequence(source: string, start: number): YamlValue {
  const whole = { start, end: start + source.trimEnd().length };
  const body = source.trimEnd();
  if (!body.endsWith(']')) return { kind: 'unreadable', range: whole };
  const parts = splitFlowItems(body.slice(1, -1));
  if (!parts) return { kind: 'unreadable', range: whole };
  const items: Array<YamlScalar | YamlUnreadable> = [];
  for (const part of parts) {
    const trimmed = part.text.trim();
    if (trimmed === '') continue; // a trailing comma
    const offset = start + 1 + part.at + (part.text.length - part.text.trimStart().length);
    items.push(scalar(trimmed, offset));
  }
  return { kind: 'sequence', items, range: whole };
}

/** Splits on commas outside quotes; undefined when brackets or braces nest (not a flat list). */
function splitFlowItems(body: string): Array<{ text: string; at: number }> | undefined {
  const parts: Array<{ text: string; at: number }> = [];
  let quote = '';
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('[]{}'.includes(ch)) return undefined;
    else if (ch === ',') {
      parts.push({ text: body.slice(from, i), at: from });
      from = i + 1;
    }
  }
  if (quote) return undefined;
  parts.push({ text: body.slice(from), at: from });
  return parts;
}

/** The lines after `key:`: a block sequence, nothing (null), or something this reader does not read. */
function blockValue(lines: Line[], from: number): { value: YamlValue | undefined; next: number } {
  const items: Array<YamlScalar | YamlUnreadable> = [];
  let next = from;
  let first: number | undefined;
  let last = 0;
  for (; next < lines.length; next++) {
    const line = lines[next] as Line;
    const content = stripComment(line.text);
    if (content.trim() === '') continue;
    const indent = content.length - content.trimStart().length;
    // YAML lets a block sequence under a top-level key start at column 0.
    const isItem = /^[ \t]*-([ \t]|$)/.test(content);
    if (indent === 0 && !isItem) break;
    first ??= line.start + indent;
    last = line.start + content.trimEnd().length;
    if (!isItem) return { value: { kind: 'unreadable', range: { start: first, end: last } }, next: skipNested(lines, next) };
    const itemText = content.trimStart().slice(1);
    const itemStart = line.start + indent + 1 + (itemText.length - itemText.trimStart().length);
    items.push(scalar(itemText.trim(), itemStart));
  }
  if (first === undefined) return { value: undefined, next };
  return { value: { kind: 'sequence', items, range: { start: first, end: last } }, next };
}

function skipNested(lines: Line[], from: number): number {
  let next = from + 1;
  while (next < lines.length && !topLevelEntry(lines[next] as Line)) next++;
  return next;
}

/** A plain or quoted scalar; anchors, aliases, tags, block scalars and nested collections are unreadable. */
function scalar(text: string, start: number): YamlScalar | YamlUnreadable {
  const range = { start, end: start + text.length };
  if (text.startsWith('"') || text.startsWith("'")) {
    const value = unquote(text);
    return value === undefined ? { kind: 'unreadable', range } : { kind: 'scalar', text: value, quoted: true, range };
  }
  if (text === '' || /^[&*!|>[{@`%]/.test(text) || /^-[ \t]/.test(text) || /:[ \t]/.test(text)) return { kind: 'unreadable', range };
  return { kind: 'scalar', text, quoted: false, range };
}

function unquote(text: string): string | undefined {
  if (text.length < 2 || text[text.length - 1] !== text[0]) return undefined;
  const body = text.slice(1, -1);
  if (text[0] === "'") return /(^|[^'])'($|[^'])/.test(body) ? undefined : body.replace(/''/g, "'");
  if (/(^|[^\\])(\\\\)*"/.test(body)) return undefined;
  const escapes: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\', '/': '/', '0': '\0' };
  let bad = false;
  const value = body.replace(/\\(.)/g, (_, ch: string) => {
    const mapped = escapes[ch];
    if (mapped === undefined) bad = true;
    return mapped ?? '';
  });
  return bad ? undefined : value;
}

/** The line without a trailing `# comment` (a `#` counts only after whitespace and outside quotes). */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = '';
    } else if ((ch === '"' || ch === "'") && (i === 0 || /[\s[,:-]/.test(line[i - 1] as string))) quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1] as string))) return line.slice(0, i);
  }
  return line;
}
