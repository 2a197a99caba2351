/**
 * Where the keys of a lockfile's section of entries are in the text, and how they pair up with the keys
 * `JSON.parse` produced. Pure; never throws.
 */
import type { OffsetRange } from '../finding';

/**
 * The keys of one section of entries in document order, as offsets (quotes included), and the keys of
 * nested sections (lockfile v1). `JSON.parse` keeps document order, so the n-th key of the parsed object
 * is usually the n-th key here: `rangeOf` checks that against the text (unless the scan saw every key
 * written plainly, which makes it so) and only decodes the keys into a map when it is not so (a repeated,
 * escaped or integer-like key).
 */
export class EntryKeys {
  /**
   * Start and end (after the closing quote) of each key, back to back, in a typed array grown fourfold:
   * a lockfile has thousands of keys, and this keeps them to a few allocations.
   */
  private offsets = new Int32Array(16);
  private count = 0;
  /** Lockfile v1: entry key → the keys of that entry's own `dependencies`. */
  readonly nested = new Map<string, EntryKeys>();
  private byName: Map<string, number> | undefined;
  private byPosition = true;
  /** No key so far has an escape or is integer-like (`JSON.parse` puts those first). */
  private plain = true;

  constructor(private readonly text: string) {}

  /** `plain`: the key is known to have no escape and not to start with a digit. */
  add(start: number, end: number, plain = false): void {
    if (2 * this.count === this.offsets.length) {
      const grown = new Int32Array(4 * this.offsets.length);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[2 * this.count] = start;
    this.offsets[2 * this.count + 1] = end;
    this.count++;
    if (!plain) this.plain = false;
  }

  /** The range of `name`; `hint` is its position among the parsed object's keys. */
  rangeOf(name: string, hint: number): OffsetRange {
    const at = this.byPosition && (this.plain || this.spells(hint, name)) ? hint : this.lookup(name);
    if (at === undefined || at < 0 || at >= this.count) return { start: 0, end: 0 };
    return { start: this.offsets[2 * at] as number, end: this.offsets[2 * at + 1] as number };
  }

  /**
   * The parsed object has `count` keys: when the text has more (a repeated key), positions do not line
   * up and every lookup goes by name, to the last occurrence.
   */
  expect(count: number): void {
    if (count !== this.count) this.byPosition = false;
  }

  /** Whether key `i` is written as `name` in quotes, without escapes. */
  private spells(i: number, name: string): boolean {
    if (i < 0 || i >= this.count) return false;
    const start = this.offsets[2 * i] as number;
    return (this.offsets[2 * i + 1] as number) - start === name.length + 2 && this.text.startsWith(name, start + 1);
  }

  private lookup(name: string): number | undefined {
    if (!this.byName) {
      // A repeated key keeps its last place, like `JSON.parse` keeps its last value.
      const byName = new Map<string, number>();
      for (let i = 0; i < this.count; i++) byName.set(decodeKey(this.text, this.offsets[2 * i] as number, (this.offsets[2 * i + 1] as number) - 1), i);
      this.byName = byName;
    }
    return this.byName.get(name);
  }
}

/** Which section holds the entries: v2/v3 `packages` (flat), v1 `dependencies` (nested). */
export type Layout = 'packages' | 'dependencies';

/** A key's name: its text between the quotes, decoded when it has escapes. */
export function decodeKey(text: string, open: number, close: number): string {
  const raw = text.slice(open + 1, close);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(open, close + 1)) as string;
  } catch {
    return raw;
  }
}
