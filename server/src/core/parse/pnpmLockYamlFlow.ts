/**
 * One-line YAML values for the pnpm-lock.yaml reader: quoted scalars ('…' with '' escapes, "…" with
 * backslash escapes) and flow collections (`{integrity: sha512-…, tarball: …}`, `[darwin]`, nested), as
 * js-yaml writes them. Never throws: errors are flags the reader turns into one problem.
 */
import { addEntry, isQuote, MAX_DEPTH, newMap, plainScalar, type YMap, type YNode, type YSeq } from './pnpmLockYamlNodes';

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0', ' ': ' ', e: '\x1b', a: '\x07', v: '\v' };

/**
 * One-line values: quoted scalars and flow collections (`{a: b, c: 'd'}`, `[x, y]`, nested). One
 * instance per reader; `pos` is where the last value ended, `error`/`unclosed`/`errorAt` what went wrong.
 */
export class Flow {
  pos = 0;
  error = false;
  unclosed = false;
  errorAt = 0;
  private end = 0;

  constructor(private readonly text: string) {}

  reset(lineEnd: number): void {
    this.end = lineEnd;
    this.error = false;
    this.unclosed = false;
    this.errorAt = 0;
  }

  value(at: number, depth: number): YNode | null | undefined {
    const text = this.text;
    const i = this.skip(at);
    if (i >= this.end) return this.unclose();
    const c = text.charCodeAt(i);
    if (depth > MAX_DEPTH) return this.fail(i);
    if (c === 123) return this.map(i, depth);
    if (c === 91) return this.seq(i, depth);
    if (isQuote(c)) {
      const value = this.quoted(i, c);
      return value === undefined ? undefined : { kind: 'scalar', value, plain: false, start: i, end: this.pos };
    }
    if (c === 44 || c === 125 || c === 93 || c === 38 || c === 42 || c === 33 || c === 63) return this.fail(i);
    let j = i;
    while (j < this.end) {
      const d = text.charCodeAt(j);
      if (d === 44 || d === 125 || d === 93 || d === 123 || d === 91) break;
      if (d === 58 && (j + 1 >= this.end || text.charCodeAt(j + 1) === 32)) break;
      if (d === 35 && text.charCodeAt(j - 1) === 32) return this.fail(j);
      j++;
    }
    let k = j;
    while (k > i && text.charCodeAt(k - 1) === 32) k--;
    this.pos = j;
    return plainScalar(text.slice(i, k), i, k);
  }

  /** A quoted scalar at `at` (the line's end is the limit): its value, or undefined with the flags set. */
  quoted(at: number, quote: number): string | undefined {
    const text = this.text;
    const lineEnd = this.end;
    if (quote === 39) {
      let value = '';
      let from = at + 1;
      for (;;) {
        let close = from;
        while (close < lineEnd && text.charCodeAt(close) !== 39) close++;
        if (close >= lineEnd) return this.unclose();
        value += text.slice(from, close);
        if (close + 1 < lineEnd && text.charCodeAt(close + 1) === 39) {
          value += "'";
          from = close + 2;
          continue;
        }
        this.pos = close + 1;
        return value;
      }
    }
    let value = '';
    let from = at + 1;
    for (let i = from; i < lineEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return value + text.slice(from, i);
      }
      if (c !== 92) continue;
      value += text.slice(from, i);
      const e = text.charAt(i + 1);
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        value += simple;
        i++;
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = text.slice(i + 2, i + 2 + width);
        if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) return this.fail(i);
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) return this.fail(i);
        value += String.fromCodePoint(code);
        i += 1 + width;
      } else return this.fail(i);
      from = i + 1;
    }
    return this.unclose();
  }

  private map(open: number, depth: number): YMap | undefined {
    const text = this.text;
    const map = newMap(open);
    let i = this.skip(open + 1);
    if (text.charCodeAt(i) === 125) {
      this.pos = i + 1;
      return map;
    }
    for (;;) {
      if (i >= this.end) return this.unclose();
      const key = this.value(i, depth + 1);
      if (key === undefined) return undefined;
      if (!key || key.kind !== 'scalar') return this.fail(i);
      i = this.skip(this.pos);
      let value: YNode | null = null;
      if (text.charCodeAt(i) === 58) {
        const v = this.value(i + 1, depth + 1);
        if (v === undefined) return undefined;
        value = v;
        i = this.skip(this.pos);
      }
      addEntry(map, { key: key.value, keyStart: key.start, keyEnd: key.end, value });
      if (i >= this.end) return this.unclose();
      const c = text.charCodeAt(i);
      if (c === 125) {
        this.pos = i + 1;
        return map;
      }
      if (c !== 44) return this.fail(i);
      i = this.skip(i + 1);
    }
  }

  private seq(open: number, depth: number): YSeq | undefined {
    const text = this.text;
    const seq: YSeq = { kind: 'seq', items: [], start: open };
    let i = this.skip(open + 1);
    if (text.charCodeAt(i) === 93) {
      this.pos = i + 1;
      return seq;
    }
    for (;;) {
      const item = this.value(i, depth + 1);
      if (item === undefined) return undefined;
      seq.items.push(item);
      i = this.skip(this.pos);
      if (i >= this.end) return this.unclose();
      const c = text.charCodeAt(i);
      if (c === 93) {
        this.pos = i + 1;
        return seq;
      }
      if (c !== 44) return this.fail(i);
      i = this.skip(i + 1);
    }
  }

  private skip(at: number): number {
    let i = at;
    while (i < this.end && this.text.charCodeAt(i) === 32) i++;
    return i;
  }

  private unclose(): undefined {
    this.error = true;
    this.unclosed = true;
    return undefined;
  }

  private fail(at: number): undefined {
    this.error = true;
    this.errorAt = at;
    return undefined;
  }
}
