/**
 * A reader for the YAML that pnpm writes in pnpm-lock.yaml (js-yaml output): block mappings and
 * sequences indented with spaces, plain and quoted ('…', "…") scalars, one-line flow mappings and
 * sequences (`{integrity: sha512-…}`, `[darwin]`), comments, and `---` document markers. Everything
 * else (anchors, aliases, tags, block scalars, multi-line values, complex keys) is reported where it
 * occurs and that part is skipped, never guessed at. Offsets are kept for every key and value (see
 * `pnpmLockYamlNodes.ts`). Never throws; messages never quote the file.
 */
import type { ProblemList } from './npmLockCommon';
import { Flow } from './pnpmLockYamlFlow';
import { addEntry, isQuote, keyRange, MAX_DEPTH, newMap, plainScalar, type YEntry, type YMap, type YNode, type YSeq } from './pnpmLockYamlNodes';

export { entryOf, keyRange, nodeRange, type YEntry, type YMap, type YNode, type YScalar, type YSeq } from './pnpmLockYamlNodes';

/** Reads the last document of the text (pnpm 10 puts its own environment document first). */
export function readPnpmYaml(text: string, problems: ProblemList): YMap | undefined {
  // A byte-order mark is not content: reading starts after it, so offsets stay those of the text.
  return new Reader(text, problems, text.charCodeAt(0) === 0xfeff ? 1 : 0).documents();
}

class Reader {
  private readonly n: number;
  private readonly flow: Flow;
  /** The current line: its start, end (before the line break), first non-space, and the next line's start. */
  private start = 0;
  private end = 0;
  private content = 0;
  private next = 0;
  private atEnd = false;
  /** The colon after the last key read. */
  private colon = 0;

  constructor(
    private readonly text: string,
    private readonly problems: ProblemList,
    from: number,
  ) {
    this.n = text.length;
    this.flow = new Flow(text);
    this.load(from);
  }

  documents(): YMap | undefined {
    let last: YMap | undefined;
    while (!this.atEnd) {
      if (this.isMarker('---') || this.isMarker('...')) {
        const rest = this.afterMarker();
        if (rest < this.end) this.fail('A document marker must stand alone on its line in a pnpm lockfile.', rest, this.end);
        this.advance();
        continue;
      }
      if (this.text.charCodeAt(this.content) === 37 && this.content === this.start) {
        this.fail('YAML directives are not used in pnpm lockfiles; this line is skipped.', this.content, this.end);
        this.advance();
        continue;
      }
      if (this.isItem()) {
        this.fail('A pnpm lockfile must be a mapping of keys to values, not a list.', this.content, this.end);
        this.skipToMarker();
        continue;
      }
      last = this.mapping(this.indent, 0);
      if (!this.atEnd && !this.isMarker('---') && !this.isMarker('...')) {
        this.fail('This line is indented less than the top level of the document.', this.content, this.end);
        this.skipToMarker();
      }
    }
    return last;
  }

  // ---- lines --------------------------------------------------------------------------------------

  /** Positions on the first line at or after `from` that is not blank or a comment. */
  private load(from: number): void {
    const text = this.text;
    let at = from;
    while (at < this.n) {
      let eol = text.indexOf('\n', at);
      const next = eol === -1 ? this.n : eol + 1;
      if (eol === -1) eol = this.n;
      const end = eol > at && text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
      let content = at;
      while (content < end && text.charCodeAt(content) === 32) content++;
      const first = text.charCodeAt(content);
      if (content < end && first === 9) {
        this.setLine(at, end, content, next);
        this.fail('Tabs are not allowed in YAML indentation.', content, content + 1);
        at = next;
        continue;
      }
      if (content === end || first === 35) {
        at = next;
        continue;
      }
      this.setLine(at, end, content, next);
      return;
    }
    this.atEnd = true;
    this.setLine(this.n, this.n, this.n, this.n);
  }

  private setLine(start: number, end: number, content: number, next: number): void {
    this.start = start;
    this.end = end;
    this.content = content;
    this.next = next;
  }

  private advance(): void {
    this.load(this.next);
  }

  private get indent(): number {
    return this.content - this.start;
  }

  private isMarker(marker: string): boolean {
    return this.content === this.start && this.text.startsWith(marker, this.start) && (this.start + 3 === this.end || this.text.charCodeAt(this.start + 3) === 32);
  }

  private afterMarker(): number {
    let at = this.start + 3;
    while (at < this.end && this.text.charCodeAt(at) === 32) at++;
    return this.text.charCodeAt(at) === 35 ? this.end : at;
  }

  private isItem(): boolean {
    return this.text.charCodeAt(this.content) === 45 && (this.content + 1 === this.end || this.text.charCodeAt(this.content + 1) === 32);
  }

  private skipToMarker(): void {
    this.advance();
    while (!this.atEnd && !this.isMarker('---') && !this.isMarker('...')) this.advance();
  }

  /** Skips the current line and every following line indented deeper than `indent`. */
  private skipDeeper(indent: number): void {
    this.advance();
    while (!this.atEnd && this.indent > indent && !this.isMarker('---')) this.advance();
  }

  private fail(message: string, start: number, end: number): void {
    const range = { start, end: Math.max(end, Math.min(start + 1, this.n)) };
    // pnpm ends every lockfile with a line break: a broken last line without one was cut off.
    if (this.next >= this.n && this.end === this.n && this.start < this.n) {
      this.problems.broken('lockfile-truncated', 'The lockfile ends in the middle of a line: it looks cut off (an interrupted write or copy). Vigil checks the entries before the cut.', range);
    } else this.problems.broken('lockfile-syntax', `The lockfile is not YAML as pnpm writes it. ${message}`, range);
  }

  // ---- block structure ----------------------------------------------------------------------------

  /** A block mapping whose keys stand at `indent`; the reader is on its first line. */
  private mapping(indent: number, depth: number): YMap {
    const map = newMap(this.content);
    while (!this.atEnd && !this.isMarker('---') && !this.isMarker('...')) {
      const lineIndent = this.indent;
      if (lineIndent < indent) break;
      if (lineIndent > indent) {
        this.fail('This line is indented more than the entries around it (pnpm does not write multi-line values).', this.content, this.end);
        this.skipDeeper(indent);
        continue;
      }
      if (this.isItem()) {
        this.fail('A list item stands where a mapping entry is expected.', this.content, this.end);
        this.skipDeeper(indent);
        continue;
      }
      const entry = this.entry(indent, depth);
      if (entry && !addEntry(map, entry)) {
        this.problems.entry('This key is repeated in the same mapping; pnpm rejects such a lockfile. The first one is read.', keyRange(entry));
      }
    }
    return map;
  }

  /** One `key: value` line, with a nested block when the value is on the following lines. */
  private entry(indent: number, depth: number): YEntry | undefined {
    const entry = this.key();
    if (!entry) {
      this.skipDeeper(indent);
      return undefined;
    }
    let at = this.colon + 1;
    while (at < this.end && this.text.charCodeAt(at) === 32) at++;
    if (at >= this.end || this.text.charCodeAt(at) === 35) {
      this.advance();
      entry.value = this.block(indent, depth + 1);
      return entry;
    }
    const value = this.inline(at);
    if (value === false) {
      this.skipDeeper(indent);
      return undefined;
    }
    entry.value = value;
    this.advance();
    return entry;
  }

  /** The value of a key written on the lines below it: a deeper mapping or sequence, or nothing. */
  private block(parentIndent: number, depth: number): YNode | null {
    if (this.atEnd || this.isMarker('---') || this.isMarker('...')) return null;
    const indent = this.indent;
    const sameIndentList = indent === parentIndent && this.isItem();
    if (indent <= parentIndent && !sameIndentList) return null;
    if (depth > MAX_DEPTH) {
      this.fail('The lockfile is nested too deeply to be a pnpm lockfile.', this.content, this.end);
      this.skipDeeper(parentIndent);
      return null;
    }
    return this.isItem() ? this.sequence(indent) : this.mapping(indent, depth);
  }

  private sequence(indent: number): YSeq {
    const seq: YSeq = { kind: 'seq', items: [], start: this.content };
    while (!this.atEnd && this.indent === indent && this.isItem() && !this.isMarker('---')) {
      let at = this.content + 1;
      while (at < this.end && this.text.charCodeAt(at) === 32) at++;
      const c = this.text.charCodeAt(at);
      if (at >= this.end || c === 35) {
        this.fail('A list item without a value on its line is not written by pnpm.', this.content, this.end);
        this.skipDeeper(indent);
        continue;
      }
      if (this.keyColon(at) !== -1 && !isQuote(c) && c !== 123 && c !== 91) {
        this.fail('A mapping inside a list item is not written by pnpm; this item is skipped.', at, this.end);
        this.skipDeeper(indent);
        continue;
      }
      const value = this.inline(at);
      if (value === false) {
        this.skipDeeper(indent);
        continue;
      }
      seq.items.push(value);
      this.advance();
    }
    return seq;
  }

  // ---- keys and inline values ---------------------------------------------------------------------

  /** Where a plain key's `:` is on this line (followed by a space or the end of line), or -1. */
  private keyColon(from: number): number {
    const text = this.text;
    for (let at = from; at < this.end; at++) {
      if (text.charCodeAt(at) === 58 && (at + 1 >= this.end || text.charCodeAt(at + 1) === 32)) return at;
    }
    return -1;
  }

  /** The key at the start of the line, as an entry still without value; `colon` is set. */
  private key(): YEntry | undefined {
    const text = this.text;
    const start = this.content;
    const first = text.charCodeAt(start);
    if (isQuote(first)) {
      const value = this.quoted(start, first);
      if (value === undefined) return undefined;
      const keyEnd = this.flow.pos;
      let at = keyEnd;
      while (at < this.end && text.charCodeAt(at) === 32) at++;
      if (text.charCodeAt(at) !== 58 || (at + 1 < this.end && text.charCodeAt(at + 1) !== 32)) {
        this.fail('A colon is expected after this key.', start, keyEnd);
        return undefined;
      }
      this.colon = at;
      return { key: value, keyStart: start, keyEnd, value: null };
    }
    if (first === 63 || first === 38 || first === 42 || first === 33 || first === 123 || first === 91 || first === 124 || first === 62 || first === 64 || first === 96) {
      this.fail('This key uses YAML syntax that pnpm does not write (complex keys, anchors, aliases, tags or flow keys); it is skipped.', start, this.end);
      return undefined;
    }
    const colon = this.keyColon(start);
    if (colon === -1) {
      this.fail('A "key: value" entry is expected on this line.', start, this.end);
      return undefined;
    }
    let keyEnd = colon;
    while (keyEnd > start && text.charCodeAt(keyEnd - 1) === 32) keyEnd--;
    const key = text.slice(start, keyEnd);
    if (key.includes(' #')) {
      this.fail('A "key: value" entry is expected on this line.', start, this.end);
      return undefined;
    }
    this.colon = colon;
    return { key, keyStart: start, keyEnd, value: null };
  }

  /** An inline value from `at` to the end of the line; false after reporting a problem. */
  private inline(at: number): YNode | null | false {
    const text = this.text;
    const c = text.charCodeAt(at);
    let value: YNode | null;
    let after: number;
    if (c === 123 || c === 91) {
      const flow = this.flow;
      flow.reset(this.end);
      const node = flow.value(at, 0);
      if (flow.error) return this.flowFailed(at);
      value = node ?? null;
      after = flow.pos;
    } else if (isQuote(c)) {
      const quoted = this.quoted(at, c);
      if (quoted === undefined) return false;
      after = this.flow.pos;
      value = { kind: 'scalar', value: quoted, plain: false, start: at, end: after };
    } else if (c === 38 || c === 42 || c === 33 || c === 124 || c === 62 || c === 64 || c === 96 || c === 37) {
      this.fail('This value uses YAML syntax that pnpm does not write (anchors, aliases, tags or block scalars); it is skipped.', at, this.end);
      return false;
    } else {
      let end = at;
      while (end < this.end && !(text.charCodeAt(end) === 35 && text.charCodeAt(end - 1) === 32)) end++;
      while (end > at && text.charCodeAt(end - 1) === 32) end--;
      const raw = text.slice(at, end);
      if (raw.includes(': ') || raw.endsWith(':')) {
        this.fail('A value here contains ": ", which pnpm would have quoted; it is skipped.', at, end);
        return false;
      }
      return plainScalar(raw, at, end);
    }
    while (after < this.end && text.charCodeAt(after) === 32) after++;
    if (after < this.end && text.charCodeAt(after) !== 35) {
      this.fail('Unexpected text after a value.', after, this.end);
      return false;
    }
    return value;
  }

  private flowFailed(at: number): false {
    const flow = this.flow;
    if (flow.unclosed && this.next >= this.n) {
      this.problems.broken('lockfile-truncated', 'The lockfile ends in the middle of a value: it looks cut off (an interrupted write or copy). Vigil checks the entries before the cut.', {
        start: at,
        end: this.end,
      });
    } else if (flow.unclosed) {
      this.fail('A { } or [ ] value is not closed on its line (pnpm writes them on one line).', at, this.end);
    } else {
      this.fail('A { } or [ ] value is malformed here.', flow.errorAt, Math.min(flow.errorAt + 1, this.end));
    }
    return false;
  }

  /** A quoted scalar on this line; its end is left in `flow.pos`. */
  private quoted(at: number, quote: number): string | undefined {
    const flow = this.flow;
    flow.reset(this.end);
    const value = flow.quoted(at, quote);
    if (value !== undefined) return value;
    if (flow.unclosed && this.next >= this.n) {
      this.problems.broken('lockfile-truncated', 'The lockfile ends in the middle of a quoted string: it looks cut off (an interrupted write or copy). Vigil checks the entries before the cut.', {
        start: at,
        end: this.end,
      });
    } else if (flow.unclosed) this.fail('A quoted string is not closed on its line (pnpm writes strings on one line).', at, this.end);
    else this.fail('A quoted string has an escape sequence pnpm does not write.', at, this.end);
    return undefined;
  }
}
