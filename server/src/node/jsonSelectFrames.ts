/**
 * The rebuilding half of JsonSelectReader (jsonSelect.ts): objects being rebuilt, member names matched
 * as bytes, and kept members gathered as raw JSON text.
 *
 * Why raw text: a packument version keeps ~8 small members (dependencies, _npmUser, dist.integrity…).
 * Decoding each one with its own JSON.parse costs more than scanning the whole document; gathering
 * them into one `{"name":value,…}` text and parsing that once is several times cheaper, and JSON.parse
 * still decides what every kept string, number and duplicate key means.
 *
 * Two kinds of rebuilt objects. One whose selector is bounded (names only, no map keyed by data below
 * it, like a version) is written out whole as text, nested rebuilt objects included, and parsed once
 * when it closes: one JSON.parse per version instead of one per object in it. One that holds a map keyed
 * by data (the document, `versions`) can be arbitrarily large: its kept members are text, but its
 * rebuilt members are added as objects as they close, so a 60 MB document never has its reduced form
 * held as one text.
 */
import type { ObjectSelector, Selector } from './jsonSelect';
/** Member name → what to do with it, found by comparing bytes: no string is made for names not wanted. */
interface KeyEntry {
  bytes: Buffer;
  key: string;
  selector: Selector;
}

const indexes = new WeakMap<ObjectSelector, Map<number, KeyEntry[]>>();

function indexOf(selector: ObjectSelector): Map<number, KeyEntry[]> {
  let index = indexes.get(selector);
  if (!index) {
    index = new Map();
    for (const [key, child] of selector.keys ?? []) {
      const bytes = Buffer.from(key, 'utf8');
      const bucket = index.get(bytes.length) ?? [];
      bucket.push({ bytes, key, selector: child });
      index.set(bytes.length, bucket);
    }
    indexes.set(selector, index);
  }
  return index;
}

/** A member name as it appears between its quotes: bytes `from`..`to` of `buffer`, escapes undecoded. */
export class RawKey {
  constructor(
    readonly buffer: Buffer,
    readonly from: number,
    readonly to: number,
    readonly escaped: boolean,
  ) {}

  decode(): string {
    const text = this.buffer.toString('utf8', this.from, this.to);
    return this.escaped ? (JSON.parse(`"${text}"`) as string) : text;
  }
}

/** The selector for a member (undefined: skip it), and its name when matching produced it. */
export interface Match {
  selector: Selector | undefined;
  name: string | undefined;
}

/** Fills `match` (reused: this runs for every member of every rebuilt object). */
export function lookup(selector: ObjectSelector, key: RawKey, match: Match): Match {
  if (key.escaped) {
    const name = key.decode();
    match.selector = selector.keys?.get(name) ?? selector.other;
    match.name = name;
    return match;
  }
  const bucket = indexOf(selector).get(key.to - key.from);
  if (bucket) {
    for (const entry of bucket) {
      if (sameBytes(key.buffer, key.from, entry.bytes)) {
        match.selector = entry.selector;
        match.name = entry.key;
        return match;
      }
    }
  }
  match.selector = selector.other;
  match.name = undefined;
  return match;
}

const bounds = new WeakMap<ObjectSelector, boolean>();

/** True when no selector at or below this one is a map keyed by data (an ObjectSelector under `other`). */
function bounded(selector: ObjectSelector): boolean {
  let known = bounds.get(selector);
  if (known === undefined) {
    const other = selector.other;
    known = (other === undefined || typeof other === 'string') && [...(selector.keys?.values() ?? [])].every((child) => typeof child === 'string' || bounded(child));
    bounds.set(selector, known);
  }
  return known;
}

/** Names are short: a plain loop beats a native call (Buffer.compare) by several times here. */
function sameBytes(buffer: Buffer, from: number, bytes: Buffer): boolean {
  for (let k = 0; k < bytes.length; k++) if (buffer[from + k] !== bytes[k]) return false;
  return true;
}

/** A growable byte buffer, reused by every object rebuilt at the same depth. */
export class ByteBuilder {
  #bytes = Buffer.allocUnsafe(1024);
  length = 0;

  #room(extra: number): void {
    if (this.length + extra <= this.#bytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.length + extra));
    this.#bytes.copy(bigger, 0, 0, this.length);
    this.#bytes = bigger;
  }

  byte(c: number): void {
    this.#room(1);
    this.#bytes[this.length++] = c;
  }

  append(source: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    this.#room(to - from);
    const bytes = this.#bytes;
    // Most kept values are a few bytes: a loop is cheaper than a native copy's call overhead.
    if (to - from < 64) for (let k = from, at = this.length; k < to; k++, at++) bytes[at] = source[k] as number;
    else source instanceof Buffer ? source.copy(bytes, this.length, from, to) : bytes.set(source.subarray(from, to), this.length);
    this.length += to - from;
  }

  /** Appends what `other` holds. */
  appendBuilder(other: ByteBuilder): void {
    this.append(other.#bytes, 0, other.length);
  }

  text(): string {
    return this.#bytes.toString('utf8', 0, this.length);
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const NULL = Buffer.from('null');
const EMPTY_OBJECT = Buffer.from('{}');

/** Own data property, even for "__proto__" (plain assignment would set the prototype instead). */
function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * An object being rebuilt. Kept members stream into `raw` as `"name":value` text. Rebuilt members and
 * markers come after them, in document order: as text in `rest` when the object is written out whole
 * (`whole`, see above), else as objects added when they close.
 */
export class Frame {
  #kept = 0;
  #rebuilt = 0;
  readonly #pending: Array<[string, unknown]> = [];
  /** Written out whole as text (the selector is bounded) rather than built member by member. */
  readonly whole: boolean;
  readonly raw: ByteBuilder;
  readonly rest: ByteBuilder;

  constructor(
    /** Container depth of the object (0 for the holder of the root value). */
    readonly depth: number,
    readonly selector: ObjectSelector,
    builders: { raw: ByteBuilder; rest: ByteBuilder },
    /** Its name in its parent, when the parent adds it as an object. */
    readonly name: string,
    parent?: Frame,
  ) {
    this.whole = parent !== undefined && bounded(selector);
    this.raw = builders.raw;
    this.rest = builders.rest;
    this.raw.length = 0;
    this.rest.length = 0;
  }

  /** Opens a kept member: writes `,"name":` to `raw`; the caller appends the value's bytes as they stream. */
  beginCapture(key: RawKey): void {
    const raw = this.raw;
    if (this.#kept++ > 0) raw.byte(COMMA);
    raw.byte(QUOTE);
    raw.append(key.buffer, key.from, key.to);
    raw.byte(QUOTE);
    raw.byte(COLON);
  }

  /** Opens a rebuilt member of an object written out whole: `,"name":` in `rest`, before its text. */
  #beginMember(key: RawKey): void {
    const rest = this.rest;
    if (this.#rebuilt++ > 0) rest.byte(COMMA);
    rest.byte(QUOTE);
    rest.append(key.buffer, key.from, key.to);
    rest.byte(QUOTE);
    rest.byte(COLON);
  }

  /** The name a child object will be added under (only needed when this object is built member by member). */
  childName(key: RawKey, known: string | undefined): string {
    return this.whole ? '' : (known ?? key.decode());
  }

  /** Opens a rebuilt child object (text goes after `"name":` when this object is written out whole). */
  openChild(key: RawKey): void {
    if (this.whole) this.#beginMember(key);
  }

  /** A member that is only marked: `{}` for "an object was there", `null` otherwise. */
  mark(key: RawKey, known: string | undefined, object: boolean): void {
    if (this.whole) {
      this.#beginMember(key);
      const text = object ? EMPTY_OBJECT : NULL;
      this.rest.append(text, 0, text.length);
    } else {
      this.#pending.push([known ?? key.decode(), object ? {} : null]);
    }
  }

  /** Closes this object into its parent. Throws only if the scanner let invalid JSON through (a bug). */
  closeInto(parent: Frame): void {
    if (parent.whole) {
      const target = parent.rest;
      target.byte(OPEN);
      target.appendBuilder(this.raw);
      if (this.#kept > 0 && this.#rebuilt > 0) target.byte(COMMA);
      target.appendBuilder(this.rest);
      target.byte(CLOSE);
    } else {
      parent.#pending.push([this.name, this.finish()]);
    }
  }

  /** The object. Throws only if the scanner let invalid JSON through (a bug). */
  finish(): Record<string, unknown> {
    if (this.whole) {
      if (this.#rebuilt === 0) return this.#parseRaw();
      const separator = this.#kept > 0 ? ',' : '';
      return JSON.parse(`{${this.raw.text()}${separator}${this.rest.text()}}`) as Record<string, unknown>;
    }
    const target = this.#parseRaw();
    for (const [name, value] of this.#pending) assign(target, name, value);
    return target;
  }

  #parseRaw(): Record<string, unknown> {
    if (this.#kept === 0) return {};
    this.raw.byte(CLOSE);
    return JSON.parse(`{${this.raw.text()}`) as Record<string, unknown>;
  }
}
