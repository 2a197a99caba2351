/**
 * A streaming, validating JSON reader that materialises only selected members. Bytes go in chunk by
 * chunk (split anywhere, even inside a multi-byte character or an escape); a selector tree says which
 * object members to keep. Everything else is checked for well-formedness and dropped as it streams
 * past, so a 60 MB document with a few hundred KB worth keeping costs a few hundred KB of memory.
 *
 * Kept values are gathered as raw bytes and handed to JSON.parse, so their strings, escapes, numbers,
 * duplicate keys and `__proto__` keys mean exactly what they mean to JSON.parse of the whole document.
 * Objects the selector descends into are rebuilt with own properties (last duplicate wins, like
 * JSON.parse); within one, kept members come before rebuilt ones (order means nothing to readers of
 * named members, and maps keyed by data, like `versions`, are rebuilt in document order).
 *
 * Byte-level on purpose: structural characters are ASCII and never occur inside a UTF-8 sequence, so
 * nothing but the kept spans is ever decoded.
 */
import { ByteBuilder, Frame, lookup, RawKey, type Match } from './jsonSelectFrames';

/**
 * What to do with a member's value:
 * - 'capture': keep it whole (JSON.parse of its bytes);
 * - 'presence': keep `{}` when it is an object, `null` otherwise (only "is it an object?" matters);
 * - an ObjectSelector: rebuild it keeping only the members the selector names; a non-object becomes `null`.
 */
export type Selector = 'capture' | 'presence' | ObjectSelector;

export interface ObjectSelector {
  /** Selectors by member name. */
  readonly keys?: ReadonlyMap<string, Selector>;
  /** Selector for members not in `keys` (maps keyed by data, like `versions`). */
  readonly other?: Selector;
}

export type SelectResult = { ok: true; value: unknown } | { ok: false; error: string };

/** Deeper than any real packument; bounds the container stack a hostile document could grow. */
export const DEFAULT_MAX_DEPTH = 512;

const enum S {
  Value, // a value must come next (root, after ':' or ',' in an array)
  ValueOrEnd, // just after '['
  KeyOrEnd, // just after '{'
  Key, // after ',' in an object
  Colon,
  After, // after a value: ',' or a closing bracket
  Done, // the root value is complete; only whitespace may follow
  String,
  Number,
  Literal,
}

const OBJ = 1;
const ARR = 2;

/** Bytes that end the fast path inside a string: '"', '\\', and control characters (invalid raw). */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[0x22] = 1;
STRING_STOP[0x5c] = 1;

const WHITESPACE = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WHITESPACE[c] = 1;

/**
 * A string body from where it starts (or resumes) to just before its end: runs of plain characters and
 * complete, valid escapes. Sticky, and run over a latin1 view of the chunk (one character per byte, so
 * positions are byte offsets). It stops at the closing quote, at an escape that is invalid or cut by the
 * chunk's end, at a raw control character, or at the end of the chunk; the byte loop decides which.
 */
const STRING_BODY = /(?:[^"\\\x00-\x1f]+|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*/y;

/** Bytes of a string scanned one by one before the rest is handed to STRING_BODY (worth it for long strings only). */
const LONG_STRING = 48;

const ESCAPES = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESCAPES[c.charCodeAt(0)] = 1;

const LITERALS: Record<number, Buffer> = { 0x74: Buffer.from('true'), 0x66: Buffer.from('false'), 0x6e: Buffer.from('null') };

/** Number grammar states, and which of them may end a number. */
const enum N { Minus, Zero, Int, Dot, Frac, E, ESign, Exp } // prettier-ignore
const NUMBER_END_OK = [false, true, true, false, true, false, false, true];

interface Capture {
  depth: number;
  frame: Frame;
  /** Where the kept value starts in the current chunk (0 in later chunks). */
  start: number;
}

const EMPTY = Buffer.alloc(0);

export class JsonSelectReader {
  #state = S.Value;
  #depth = 0;
  readonly #containers: Uint8Array;
  readonly #maxDepth: number;
  #offset = 0;
  #error: string | undefined;
  // String scanning: -1 just after a backslash, 1..4 hex digits still due in \uXXXX, 0 otherwise.
  #escape = 0;
  #stringIsKey = false;
  #number = N.Minus;
  #literal: Buffer = LITERALS[0x74] as Buffer;
  #literalIndex = 0;
  // Selection: objects being rebuilt (innermost last), the member whose value comes next, a kept value.
  readonly #frames: Frame[];
  #top: Frame;
  /** Depth of the innermost rebuilt object, or -1 while a kept value is read (hot paths test only this). */
  #selectDepth = 0;
  readonly #builders: Array<{ raw: ByteBuilder; rest: ByteBuilder }> = [];
  #key: RawKey | undefined;
  #keyParts: Buffer[] | undefined;
  #keyStart = 0;
  #keyEscaped = false;
  #capture: Capture | undefined;
  readonly #match: Match = { selector: undefined, name: undefined };
  #result: Record<string, unknown> | undefined;
  /** The current chunk as latin1 text, made the first time a long string needs it. */
  #text: string | undefined;

  constructor(root: Selector, maxDepth = DEFAULT_MAX_DEPTH) {
    this.#maxDepth = maxDepth;
    this.#containers = new Uint8Array(maxDepth + 1);
    // The root value is read as member "" of a holder object, so it needs no special case.
    this.#top = new Frame(0, { keys: new Map([['', root]]) }, this.#builder(0), '');
    this.#frames = [this.#top];
    this.#key = new RawKey(EMPTY, 0, 0, false);
  }

  #builder(depth: number): { raw: ByteBuilder; rest: ByteBuilder } {
    let builder = this.#builders[depth];
    if (!builder) this.#builders[depth] = builder = { raw: new ByteBuilder(), rest: new ByteBuilder() };
    return builder;
  }

  /** Feeds the next bytes; false once the document is known to be invalid (stop sending). */
  write(bytes: Uint8Array): boolean {
    const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let i = 0;
    const n = chunk.length;
    while (i < n && this.#error === undefined) {
      switch (this.#state) {
        case S.String:
          i = this.#string(chunk, i);
          break;
        case S.Number:
          i = this.#numberPart(chunk, i);
          break;
        case S.Literal:
          i = this.#literalPart(chunk, i);
          break;
        default:
          i = this.#structural(chunk, i);
      }
    }
    this.#carry(chunk);
    this.#text = undefined;
    this.#offset += n;
    return this.#error === undefined;
  }

  /** The selected value, or why the document is not JSON. */
  end(): SelectResult {
    if (this.#error === undefined && this.#state === S.Number && this.#depth === 0) {
      if (NUMBER_END_OK[this.#number]) this.#valueEnded(EMPTY, 0);
    }
    if (this.#error === undefined && this.#state === S.Done && this.#result === undefined) {
      try {
        this.#result = (this.#frames[0] as Frame).finish();
      } catch {
        this.#fail(0, 'a value JSON.parse rejects');
      }
    }
    if (this.#error !== undefined) return { ok: false, error: this.#error };
    if (this.#state !== S.Done) return { ok: false, error: 'it ends before the document is complete' };
    const holder = this.#result ?? {};
    return { ok: true, value: Object.prototype.hasOwnProperty.call(holder, '') ? holder[''] : null };
  }

  #fail(i: number, why: string): number {
    this.#error ??= `${why} at byte ${this.#offset + i}`;
    return Number.MAX_SAFE_INTEGER;
  }

  /**
   * A kept span or key still open at the end of a chunk: keep its bytes of this chunk. Nothing keeps the
   * chunk itself, so a caller may reuse its memory once write() returns (summaryThread.ts does).
   */
  #carry(chunk: Buffer): void {
    if (this.#error !== undefined) return;
    const key = this.#key;
    // A member name at the very end of the chunk, its value still to come in the next one.
    if (key !== undefined && key.buffer === chunk) this.#key = new RawKey(Buffer.from(chunk.subarray(key.from, key.to)), 0, key.to - key.from, key.escaped);
    if (this.#capture) {
      this.#capture.frame.raw.append(chunk, this.#capture.start, chunk.length);
      this.#capture.start = 0;
    }
    if (this.#keyParts) {
      this.#keyParts.push(Buffer.from(chunk.subarray(this.#keyStart)));
      this.#keyStart = 0;
    }
  }

  #structural(b: Buffer, i: number): number {
    const n = b.length;
    while (i < n && WHITESPACE[b[i] as number] === 1) i++;
    if (i === n) return i;
    const c = b[i] as number;
    switch (this.#state) {
      case S.Value:
        return this.#valueStart(b, i, c);
      case S.ValueOrEnd:
        return c === 0x5d ? this.#close(b, i, ARR) : this.#valueStart(b, i, c);
      case S.KeyOrEnd:
        return c === 0x7d ? this.#close(b, i, OBJ) : this.#keyStartAt(b, i, c);
      case S.Key:
        return this.#keyStartAt(b, i, c);
      case S.Colon:
        if (c !== 0x3a) return this.#fail(i, 'expected ":"');
        this.#state = S.Value;
        return i + 1;
      case S.After:
        return this.#afterValue(b, i, c);
      default:
        return this.#fail(i, 'unexpected data after the document');
    }
  }

  #afterValue(b: Buffer, i: number, c: number): number {
    const container = this.#containers[this.#depth];
    if (c === 0x2c) {
      this.#state = container === OBJ ? S.Key : S.Value;
      return i + 1;
    }
    if (c === 0x7d && container === OBJ) return this.#close(b, i, OBJ);
    if (c === 0x5d && container === ARR) return this.#close(b, i, ARR);
    return this.#fail(i, 'expected "," or a closing bracket');
  }

  #keyStartAt(b: Buffer, i: number, c: number): number {
    if (c !== 0x22) return this.#fail(i, 'expected a member name');
    // Only the names of members of an object being rebuilt are worth looking at.
    if (this.#selectDepth === this.#depth) {
      this.#keyParts = [];
      this.#keyStart = i + 1;
      this.#keyEscaped = false;
    }
    this.#stringIsKey = true;
    this.#state = S.String;
    return this.#string(b, i + 1);
  }

  #valueStart(b: Buffer, i: number, c: number): number {
    const kind = c === 0x7b ? OBJ : c === 0x5b ? ARR : 0;
    if (this.#selectDepth === this.#depth) this.#select(this.#top, kind, i);
    if (kind !== 0) {
      if (this.#depth >= this.#maxDepth) return this.#fail(i, `nesting deeper than ${this.#maxDepth} levels`);
      this.#containers[++this.#depth] = kind;
      this.#state = kind === OBJ ? S.KeyOrEnd : S.ValueOrEnd;
      return i + 1;
    }
    if (c === 0x22) {
      this.#stringIsKey = false;
      this.#state = S.String;
      return this.#string(b, i + 1);
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.#number = c === 0x2d ? N.Minus : c === 0x30 ? N.Zero : N.Int;
      this.#state = S.Number;
      return i + 1;
    }
    const literal = LITERALS[c];
    if (literal === undefined) return this.#fail(i, 'unexpected byte where a value should be');
    this.#literal = literal;
    this.#literalIndex = 1;
    this.#state = S.Literal;
    return this.#literalPart(b, i + 1);
  }

  /** A member of a rebuilt object begins: keep, rebuild, mark or skip it as its selector says. */
  #select(frame: Frame, kind: number, i: number): void {
    const key = this.#key;
    this.#key = undefined;
    if (key === undefined) return;
    const match = lookup(frame.selector, key, this.#match);
    const selector = match.selector;
    if (selector === undefined) return;
    if (selector === 'capture') {
      frame.beginCapture(key);
      this.#capture = { depth: this.#depth, frame, start: i };
      this.#selectDepth = -1;
      return;
    }
    if (selector === 'presence' || kind !== OBJ) return frame.mark(key, match.name, selector === 'presence' && kind === OBJ);
    frame.openChild(key);
    this.#top = new Frame(this.#depth + 1, selector, this.#builder(this.#depth + 1), frame.childName(key, match.name), frame);
    this.#frames.push(this.#top);
    this.#selectDepth = this.#top.depth;
  }

  #close(b: Buffer, i: number, kind: number): number {
    if (this.#containers[this.#depth] !== kind) return this.#fail(i, 'mismatched closing bracket');
    if (this.#selectDepth === this.#depth) {
      const frame = this.#top;
      this.#frames.pop();
      this.#top = this.#frames[this.#frames.length - 1] as Frame;
      this.#selectDepth = this.#top.depth;
      try {
        frame.closeInto(this.#top);
      } catch {
        // Unreachable if the scanner is right; a bug here must still be a value, not a throw.
        return this.#fail(i, 'a value JSON.parse rejects');
      }
    }
    this.#depth--;
    return this.#valueEnded(b, i + 1);
  }

  /** A value ended just before byte `end` of `b`; finish a capture whose value this is. */
  #valueEnded(b: Buffer, end: number): number {
    this.#state = this.#depth === 0 ? S.Done : S.After;
    const capture = this.#capture;
    if (capture !== undefined && capture.depth === this.#depth) {
      this.#capture = undefined;
      this.#selectDepth = this.#top.depth;
      capture.frame.raw.append(b, capture.start, end);
    }
    return end;
  }

  #string(b: Buffer, i: number): number {
    const n = b.length;
    while (i < n) {
      if (this.#escape === 0) {
        // The hot loop. Most strings are short; a long one (a readme) goes on with STRING_BODY, several
        // times faster than a byte loop over the same text.
        const short = i + LONG_STRING < n ? i + LONG_STRING : n;
        while (i < short && STRING_STOP[b[i] as number] === 0) i++;
        if (i === short && i < n && !this.#stringIsKey) {
          STRING_BODY.lastIndex = i;
          STRING_BODY.test((this.#text ??= b.toString('latin1')));
          i = STRING_BODY.lastIndex;
        }
        while (i < n && STRING_STOP[b[i] as number] === 0) i++;
        if (i === n) return i;
        const c = b[i] as number;
        if (c === 0x22) return this.#stringEnded(b, i);
        if (c !== 0x5c) return this.#fail(i, 'a raw control character inside a string');
        this.#escape = -1;
        this.#keyEscaped = true;
      } else if (this.#escape === -1) {
        const c = b[i] as number;
        if (c === 0x75) this.#escape = 4;
        else if (ESCAPES[c] === 1) this.#escape = 0;
        else return this.#fail(i, 'an invalid escape in a string');
      } else {
        const c = (b[i] as number) | 0x20;
        if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return this.#fail(i, 'an invalid \\u escape in a string');
        this.#escape--;
      }
      i++;
    }
    return i;
  }

  #stringEnded(b: Buffer, i: number): number {
    if (!this.#stringIsKey) return this.#valueEnded(b, i + 1);
    this.#stringIsKey = false;
    this.#state = S.Colon;
    const parts = this.#keyParts;
    if (parts === undefined) return i + 1;
    this.#keyParts = undefined;
    if (parts.length === 0) {
      this.#key = new RawKey(b, this.#keyStart, i, this.#keyEscaped);
    } else {
      const joined = Buffer.concat([...parts, b.subarray(0, i)]);
      this.#key = new RawKey(joined, 0, joined.length, this.#keyEscaped);
    }
    return i + 1;
  }

  #numberPart(b: Buffer, i: number): number {
    const n = b.length;
    for (; i < n; i++) {
      const c = b[i] as number;
      const digit = c >= 0x30 && c <= 0x39;
      const next = nextNumberState(this.#number, c, digit);
      if (next === undefined) {
        if (!NUMBER_END_OK[this.#number]) return this.#fail(i, 'an incomplete number');
        return this.#valueEnded(b, i);
      }
      this.#number = next;
    }
    return i;
  }

  #literalPart(b: Buffer, i: number): number {
    const literal = this.#literal;
    for (; i < b.length && this.#literalIndex < literal.length; i++, this.#literalIndex++) {
      if (b[i] !== literal[this.#literalIndex]) return this.#fail(i, 'an unknown literal');
    }
    return this.#literalIndex === literal.length ? this.#valueEnded(b, i) : i;
  }
}

/** The number grammar, -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?, one byte at a time; undefined ends it. */
function nextNumberState(state: N, c: number, digit: boolean): N | undefined {
  switch (state) {
    case N.Minus:
      return c === 0x30 ? N.Zero : digit ? N.Int : undefined;
    case N.Zero:
      return c === 0x2e ? N.Dot : c === 0x65 || c === 0x45 ? N.E : undefined;
    case N.Int:
      return digit ? N.Int : c === 0x2e ? N.Dot : c === 0x65 || c === 0x45 ? N.E : undefined;
    case N.Dot:
      return digit ? N.Frac : undefined;
    case N.Frac:
      return digit ? N.Frac : c === 0x65 || c === 0x45 ? N.E : undefined;
    case N.E:
      return digit ? N.Exp : c === 0x2b || c === 0x2d ? N.ESign : undefined;
    case N.ESign:
    case N.Exp:
      return digit ? N.Exp : undefined;
  }
}
