/**
 * Near-string lookup over a fixed list of thousands of strings, fast enough to ask once per declared
 * dependency (a 1,500-dependency project must cost milliseconds, not a scan of the list per name).
 *
 * A pigeonhole filter: cut each string into k+1 segments; k edits leave at least one segment untouched, so
 * it appears in the query at its own position shifted by at most k (the first segment exactly as a
 * prefix, the last exactly as a suffix). Candidates with a segment in place are verified with the real
 * distance. Typos keep the first character (a swap of the first two aside), so only strings sharing the
 * query's first character are candidates. A swap of two neighbours counts as one edit, and can spoil two
 * segments: strings that are the query with one swap are candidates too.
 *
 * The strings are kept as ids sorted by (length, text): one group per (length, first character), at most
 * a few dozen strings on npm's list, is all a query reads per length. A letter-mask test rejects most of a
 * group before any segment is compared. Unlike a segment → ids map (what this index was), the layout is
 * a few typed arrays that cost nothing to load when precomputed (FuzzyTables): building the map for npm's
 * 17,000 names took ~30 ms of every fresh process. The candidates, and so the answers, are the map's.
 */

/** Ids and offsets; 16 bits wide where every value fits (the precomputed tables are half the size). */
export type Ints = Uint16Array | Uint32Array;

/** A FuzzyIndex as data: FuzzyIndex.tables() computes it; the bundles carry npm's precomputed. */
export interface FuzzyTables {
  /** The ids, sorted by text length, then text, then id. */
  ids: Ints;
  /** One key per (length, first code unit) group present, ascending: length × 65536 + first code unit. */
  groups: Uint32Array;
  /** Where each group starts in `ids`; one entry more than `groups` (the end). */
  starts: Ints;
}

/** Rows reused by every osaDistance call (a query verifies dozens of candidates: no arrays per call). */
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Optimal-string-alignment distance (Damerau-Levenshtein where no substring is edited twice): insert,
 * delete, substitute, or swap two adjacent characters, each costing 1. Returns `max + 1` as soon as the
 * distance is known to exceed `max`.
 */
export function osaDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  if ((rows[0] as Int32Array).length <= b.length) rows = rows.map(() => new Int32Array(2 * (b.length + 1)));
  let [before, previous, current] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        value = Math.min(value, (before[j - 2] as number) + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  const distance = previous[b.length] as number;
  return distance > max ? max + 1 : distance;
}

/**
 * Which characters a string contains, one bit each (digits share bits): an edit flips at most two bits,
 * so strings whose masks differ in more than 2k bits are more than k edits apart. A one-instruction
 * test that rejects most of a group (react-*, eslint-plugin-*).
 */
export function letterMask(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 97 && code <= 122) mask |= 1 << (code - 97);
    else mask |= 1 << (26 + (code % 6));
  }
  return mask;
}

function bitCount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** `values` in the narrowest unsigned array that holds them. */
export function narrowInts(values: ArrayLike<number>): Ints {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i] as number);
  return max <= 0xffff ? Uint16Array.from(values) : Uint32Array.from(values);
}

/** Code-unit order, as `<` compares strings. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const groupKey = (length: number, first: number): number => length * 0x10000 + first;

export class FuzzyIndex {
  /** letterMask of each text by id, computed on first use (0: not yet; no non-empty text has mask 0). */
  private readonly masks: Int32Array;

  /**
   * `text(id)`: the string each id stands for (called often; cache it if it is computed). Each text is
   * findable within `budget(text.length)` edits (0: exactly only); a query never finds a text farther
   * than that text's own budget.
   */
  constructor(
    private readonly tables: FuzzyTables,
    private readonly text: (id: number) => string,
    private readonly budget: (length: number) => number,
  ) {
    let size = 0;
    for (const id of tables.ids) size = Math.max(size, id + 1);
    this.masks = new Int32Array(size);
  }

  /** The tables for `ids` (the straightforward way: every text computed and sorted). */
  static tables(ids: Iterable<number>, text: (id: number) => string): FuzzyTables {
    const entries = [...new Set(ids)].map((id) => ({ id, text: text(id) }));
    entries.sort((a, b) => a.text.length - b.text.length || compareText(a.text, b.text) || a.id - b.id);
    const groups: number[] = [];
    const starts: number[] = [];
    entries.forEach(({ text: t }, at) => {
      const key = groupKey(t.length, t.length === 0 ? 0 : t.charCodeAt(0));
      if (groups[groups.length - 1] !== key) {
        groups.push(key);
        starts.push(at);
      }
    });
    starts.push(entries.length);
    return { ids: narrowInts(entries.map((e) => e.id)), groups: Uint32Array.from(groups), starts: narrowInts(starts) };
  }

  /**
   * Indexed texts within their own budget of `query` that keep its first character (or swap the first
   * two), as id → distance (≥ 1).
   */
  near(query: string): Map<number, number> {
    const found = new Map<number, number>();
    if (query.length === 0) return found;
    const mask = letterMask(query);
    const maxBudget = this.budget(query.length + 2);
    const first = query.charCodeAt(0);
    for (let length = Math.max(1, query.length - maxBudget); length <= query.length + maxBudget; length++) {
      // Segment budgets searched at this length: k ≥ the length difference, and texts of this length
      // carry segments for every k up to their own budget.
      const k = this.budget(length);
      const lowest = Math.max(1, Math.abs(query.length - length));
      const highest = Math.min(maxBudget, k);
      // The query's own length is scanned for swaps too, whatever the segment budgets.
      if (lowest > highest && !(length === query.length && k > 0)) continue;
      this.scan(length, first, (id, text, textMask) => {
        // The mask test first, as the cheapest; whether a text is found does not depend on the order.
        if (bitCount(mask ^ textMask) > 2 * k) return;
        if (segmentInPlace(query, text, lowest, highest) || (length === query.length && oneSwap(query, text))) verify(query, text, k, id, found);
      });
    }
    // A swap of the first two characters moves the text to another group; the texts of the query's own
    // length and first character were checked for every swap above.
    const k = this.budget(query.length);
    const second = query.charCodeAt(1);
    if (k > 0 && query.length > 1 && second !== first) {
      this.scan(query.length, second, (id, text, textMask) => {
        if (textMask === mask && oneSwap(query, text)) verify(query, text, k, id, found);
      });
    }
    return found;
  }

  /** Calls `visit` with each text of this length and first code unit, and its letter mask. */
  private scan(length: number, first: number, visit: (id: number, text: string, mask: number) => void): void {
    const { groups, starts, ids } = this.tables;
    const key = groupKey(length, first);
    let low = 0;
    let high = groups.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((groups[middle] as number) < key) low = middle + 1;
      else high = middle;
    }
    if (groups[low] !== key) return;
    for (let at = starts[low] as number; at < (starts[low + 1] as number); at++) {
      const id = ids[at] as number;
      const text = this.text(id);
      visit(id, text, this.maskOf(id, text));
    }
  }

  private maskOf(id: number, text: string): number {
    let mask = this.masks[id] as number;
    if (mask === 0) this.masks[id] = mask = letterMask(text);
    return mask;
  }

}

/** Records `text` as found when it is within `k` edits of `query` (and not equal to it). */
function verify(query: string, text: string, k: number, id: number, found: Map<number, number>): void {
  const distance = osaDistance(query, text, k);
  if (distance >= 1 && distance <= k) found.set(id, distance);
}

/** `text` is `query` with two adjacent, different characters swapped (lengths equal). */
function oneSwap(query: string, text: string): boolean {
  let i = 0;
  while (i < query.length && query.charCodeAt(i) === text.charCodeAt(i)) i++;
  if (i + 1 >= query.length) return false;
  if (query.charCodeAt(i) !== text.charCodeAt(i + 1) || query.charCodeAt(i + 1) !== text.charCodeAt(i)) return false;
  for (let j = i + 2; j < query.length; j++) if (query.charCodeAt(j) !== text.charCodeAt(j)) return false;
  return true;
}

/**
 * Whether, for some k in [lowest, highest], one of the k+1 segments of `text` (as even as possible)
 * appears in `query` where k edits could have moved it: the pigeonhole condition that makes `text` a
 * candidate. The first segment cannot move, the last moves by the length difference, a middle one by δ
 * with |δ| + |difference − δ| ≤ k (edits before it shift it; edits after it make up the rest).
 */
function segmentInPlace(query: string, text: string, lowest: number, highest: number): boolean {
  const difference = query.length - text.length;
  for (let k = lowest; k <= highest; k++) {
    for (let part = 0; part <= k; part++) {
      const start = Math.floor((text.length * part) / (k + 1));
      const end = Math.floor((text.length * (part + 1)) / (k + 1));
      for (let shift = -k; shift <= k; shift++) {
        const allowed = part === 0 ? shift === 0 : part === k ? shift === difference : Math.abs(shift) + Math.abs(difference - shift) <= k;
        const at = start + shift;
        if (allowed && at >= 0 && at + end - start <= query.length && sameRun(text, start, end, query, at)) return true;
      }
    }
  }
  return false;
}

/** text[start, end) === query[at, at + end - start), without slicing. */
function sameRun(text: string, start: number, end: number, query: string, at: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) !== query.charCodeAt(at + i - start)) return false;
  return true;
}
