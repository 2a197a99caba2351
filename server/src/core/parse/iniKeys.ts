/**
 * `.npmrc` entries as npm's `ini` reader sees them: `key = value` lines, `;` and `#` comments (also after
 * an unquoted value), quoted values unquoted, `key[] = value` for lists, `[section]` headers. Only entries
 * before the first section are returned: npm and pnpm read settings from there. Never throws.
 */
import type { OffsetRange } from '../finding';

export interface IniEntry {
  /** Without a trailing `[]`. */
  key: string;
  /** Written as `key[]`: one item of a list. */
  list: boolean;
  value: string;
  keyRange: OffsetRange;
  valueRange: OffsetRange;
}

export function readIniEntries(text: string): IniEntry[] {
  const entries: IniEntry[] = [];
  const pattern = /[^\r\n]*(\r\n|\r|\n|$)/g;
  for (let match = pattern.exec(text); match && match[0] !== ''; match = pattern.exec(text)) {
    const line = match[0].replace(/(\r\n|\r|\n)$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) continue;
    if (/^\[.*\]$/.test(trimmed)) break;
    const entry = readLine(line, match.index);
    if (entry) entries.push(entry);
  }
  return entries;
}

function readLine(line: string, start: number): IniEntry | undefined {
  const eq = line.indexOf('=');
  const rawKey = (eq === -1 ? line : line.slice(0, eq)).trim();
  if (rawKey === '') return undefined;
  const keyAt = start + line.indexOf(rawKey);
  const list = rawKey.endsWith('[]');
  const key = unquote(list ? rawKey.slice(0, -2) : rawKey);
  // ini reads a key without `=` as `true`.
  if (eq === -1) return { key, list, value: 'true', keyRange: { start: keyAt, end: keyAt + rawKey.length }, valueRange: { start: keyAt, end: keyAt + rawKey.length } };
  const rawValue = line.slice(eq + 1);
  const leading = rawValue.length - rawValue.trimStart().length;
  const value = valueOf(rawValue.trim());
  const valueAt = start + eq + 1 + leading;
  return {
    key,
    list,
    value: value.text,
    keyRange: { start: keyAt, end: keyAt + rawKey.length },
    valueRange: { start: valueAt, end: valueAt + value.length },
  };
}

/** ini's `unsafe`: a fully quoted value is taken as is; otherwise `;`/`#` start a comment, `\` escapes. */
function valueOf(raw: string): { text: string; length: number } {
  if (raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw[raw.length - 1] === raw[0]) {
    return { text: raw.slice(1, -1), length: raw.length };
  }
  let text = '';
  let escaped = false;
  let length = raw.length;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (escaped) {
      text += '\\;#'.includes(ch) ? ch : `\\${ch}`;
      escaped = false;
    } else if (ch === '\\') escaped = true;
    else if (ch === ';' || ch === '#') {
      length = i;
      break;
    } else text += ch;
  }
  const trimmed = text.trim();
  return { text: trimmed, length: raw.slice(0, length).trimEnd().length };
}

function unquote(key: string): string {
  return key.length >= 2 && (key[0] === '"' || key[0] === "'") && key[key.length - 1] === key[0] ? key.slice(1, -1) : key;
}
