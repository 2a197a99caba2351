/**
 * The rebuilding half of JsonSelectReader (jsonSelect.ts): objects being rebuilt, member names matched
 * as bytes, and kept members gathered as raw JSON text.
 *
 * Why raw text: a packument version keeps ~8 small members (dependencies, _npmUser, dist.integrity…).
 * Decoding each one with its own JSON.parse costs more than scanning the whole document; gathering
 * them into one `{"name":value,…}` text per object and parsing that once is several times cheaper, and
 * JSON.parse still decides what every kept string, number and duplicate key means.
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

/** The selector for a member, and its name when matching already produced it. */
export function lookup(selector: ObjectSelector, key: RawKey): { selector: Selector | undefined; name?: string } {
  if (key.escaped) {
    const name = key.decode();
    return { selector: selector.keys?.get(name) ?? selector.other, name };
  }
  const bucket = indexOf(selector).get(key.to - key.from);
  if (bucket) {
    for (const entry of bucket) if (sameBytes(key.buffer, key.from, entry.bytes)) return { selector: entry.selector, name: entry.key };
  }
  return { selector: selector.other };
}

/** Names are short: a plain loop beats a native call (Buffer.compare) by several times here. */
function sameBytes(buffer: Buffer, from: number, bytes: Buffer): boolean {
  for (let k = 0; k < bytes.length; k++) if (buffer[from + k] !== bytes[k]) return false;
  return true;
}

/** Own data property, even for "__proto__" (plain assignment would set the prototype instead). */
export function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
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

  text(): string {
    return this.#bytes.toString('utf8', 0, this.length);
  }
}

const QUOTE = 0x22;

/** An object being rebuilt: kept members as raw text, rebuilt members and markers as values, in order. */
export class Frame {
  #captured = 0;
  readonly #pending: Array<[string, unknown]> = [];

  constructor(
    /** Container depth of the object (0 for the holder of the root value). */
    readonly depth: number,
    readonly selector: ObjectSelector,
    /** This object's name in its parent. */
    readonly name: string,
    readonly raw: ByteBuilder,
  ) {
    raw.length = 0;
    raw.byte(0x7b);
  }

  /** Opens a kept member: writes `,"name":`; the caller appends the value's bytes as they stream. */
  beginCapture(key: RawKey): void {
    if (this.#captured++ > 0) this.raw.byte(0x2c);
    this.raw.byte(QUOTE);
    this.raw.append(key.buffer, key.from, key.to);
    this.raw.byte(QUOTE);
    this.raw.byte(0x3a);
  }

  /** A rebuilt member or a marker. Kept and rebuilt members never share a name (a name has one selector). */
  set(name: string, value: unknown): void {
    this.#pending.push([name, value]);
  }

  /** The rebuilt object. Throws only if the scanner let invalid JSON through (a bug). */
  finish(): Record<string, unknown> {
    let target: Record<string, unknown> = {};
    if (this.#captured > 0) {
      this.raw.byte(0x7d);
      target = JSON.parse(this.raw.text()) as Record<string, unknown>;
    }
    for (const [name, value] of this.#pending) assign(target, name, value);
    return target;
  }
}
