/**
 * Markdown for hovers from untrusted text. Everything a registry says (names, descriptions, deprecation
 * messages, maintainer accounts, even version keys) and every finding message that quotes it goes through
 * `text()`: one line, bounded, printable, with every character that could open emphasis, code, a link, an
 * image, raw HTML, a table cell, a heading or list, an autolink or a theme icon escaped. The result
 * renders as the literal text and nothing else, in VS Code (markdown-it / marked, GFM) and in clients that
 * show the Markdown raw.
 */

/** Control characters, and the invisible ones that reorder or hide text (bidi overrides, zero-width). */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Characters that mean something anywhere in a line: emphasis, code, links, images, HTML, tables, icons. */
const INLINE = /[\\`*_~[\]()<>|&$#{}]/g;

/** One line of plain text: invisible characters dropped, whitespace runs (newlines too) collapsed. */
export function oneLine(value: string): string {
  return value.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
}

/** At most `max` characters (code points), an ellipsis marking the cut. */
export function cap(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** Backslash-escapes `value` (already one line) so that it renders literally. */
export function escapeMarkdown(value: string): string {
  return (
    value
      .replace(INLINE, '\\$&')
      // GFM autolinks: "https://…", "www.…" and "user@host.tld" become links without any bracket.
      .replace(/:(?=\/)/g, '\\:')
      .replace(/(www)\./gi, '$1\\.')
      .replace(/(?<=[A-Za-z0-9._+-])@/g, '\\@')
      // Block syntax only counts at the start of a line: bullets, thematic breaks and setext underlines
      // (quotes and headings are escaped above), ordered lists ("1. ", not "1.2.3").
      .replace(/^([-+=])/, '\\$1')
      .replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2')
  );
}

/** Untrusted text as safe inline Markdown: one line, capped at `max` characters, escaped. */
export function text(value: string, max = 120): string {
  return escapeMarkdown(cap(oneLine(value), max));
}

/** `**value**` for text already made safe (escaped or ours). */
export function bold(safe: string): string {
  return safe === '' ? '' : `**${safe}**`;
}

/** `[label](url)`: `label` already safe, `url` one of ours (validated and encoded by links.ts). */
export function link(label: string, url: string): string {
  return `[${label}](${url})`;
}

/** A GFM table of cells already made safe (pipes escaped by `text`). */
export function table(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]): string => `| ${cells.map((cell) => (cell === '' ? ' ' : cell)).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)];
}
