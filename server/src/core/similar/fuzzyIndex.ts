/**
 * Near-string lookup over a fixed list of thousands of strings, fast enough to ask once per declared
 * dependency (a 1,500-dependency project must cost milliseconds, not a scan of the list per name).
 *
 * A pigeonhole filter: cut each string into k+1 segments; k edits leave at least one segment untouched, so
 * it appears in the query at its own position shifted by at most k (the first segment exactly as a
 * prefix, the last exactly as a suffix). Candidates found through a segment are verified with the real
 * distance. Typos keep the first character (a swap of the first two aside), so buckets are keyed by it
 * too, which keeps them small. A swap of two neighbours counts as one edit: single-swap variants of the
 * query are looked up exactly. Memory stays at k+1 entries per string, where a deletion neighbourhood
 * (SymSpell) would store dozens.
 */

/**
 * Optimal-string-alignment distance (Damerau-Levenshtein where no substring is edited twice): insert,
 * delete, substitute, or swap two adjacent characters, each costing 1. Returns `max + 1` as soon as the
 * distance is known to exceed `max`.
 */
export function osaDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
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

/** Every string made by swapping two adjacent, different characters of `text`. */
export function transpositions(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < text.length; i++) {
    if (text[i] === text[i + 1]) continue;
    out.push(text.slice(0, i) + (text[i + 1] as string) + (text[i] as string) + text.slice(i + 2));
  }
  return out;
}

/** Where segment `part` of `parts` starts and ends in a string of `length` (as even as possible). */
function segment(length: number, parts: number, part: number): [number, number] {
  return [Math.floor((length * part) / parts), Math.floor((length * (part + 1)) / parts)];
}

/** Bucket number for (edit budget k ≤ 2, text length, segment index ≤ 2). */
function bucketOf(k: number, length: number, part: number): number {
  return (length * 4 + k) * 4 + part;
}

/**
 * Which characters a string contains, one bit each (digits share bits): an edit flips at most two bits,
 * so strings whose masks differ in more than 2k bits are more than k edits apart. A one-instruction
 * test that rejects most candidates a shared prefix brings in (react-*, eslint-plugin-*).
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

export class FuzzyIndex {
  // Most keys name one string: a bare id, an array only when shared (fewer allocations, faster builds).
  private readonly exact = new Map<string, Ids>();
  /** letterMask of each text, by id. */
  private readonly masks: Int32Array;
  /** Per id, the number of the query that last considered it: dedupes candidates without a Set. */
  private readonly seen: Int32Array;
  private query = 0;
  /** bucketOf(k, length, part) → (first character + segment text) → ids. */
  private readonly buckets = new Map<number, Map<string, Ids>>();

  /**
   * `entries`: [id, text] pairs. Each text is findable within `budget(text.length)` edits (0: exactly only).
   * A query never finds a text farther than that text's own budget.
   */
  constructor(
    entries: Iterable<readonly [number, string]>,
    private readonly budget: (length: number) => number,
  ) {
    const list = [...entries];
    const size = list.reduce((max, [id]) => Math.max(max, id + 1), 0);
    this.masks = new Int32Array(size);
    this.seen = new Int32Array(size);
    for (const [id, text] of list) {
      push(this.exact, text, id);
      this.masks[id] = letterMask(text);
      const k = budget(text.length);
      for (let edits = 1; edits <= k; edits++) {
        for (let part = 0; part <= edits; part++) {
          const [start, end] = segment(text.length, edits + 1, part);
          const bucket = bucketOf(edits, text.length, part);
          let map = this.buckets.get(bucket);
          if (!map) this.buckets.set(bucket, (map = new Map()));
          push(map, (text[0] as string) + text.slice(start, end), id);
        }
      }
    }
  }

  /** Ids of indexed texts exactly equal to `text`. */
  equal(text: string): readonly number[] {
    const ids = this.exact.get(text);
    return ids === undefined ? [] : typeof ids === 'number' ? [ids] : ids;
  }

  /**
   * Indexed texts within their own budget of `query` that keep its first character (or swap the first
   * two), as id → distance (≥ 1).
   */
  near(query: string, texts: (id: number) => string): Map<number, number> {
    const found = new Map<number, number>();
    if (query.length === 0) return found;
    const stamp = ++this.query;
    const mask = letterMask(query);
    const check = (id: number): void => {
      if (this.seen[id] === stamp) return;
      this.seen[id] = stamp;
      const text = texts(id);
      const k = this.budget(text.length);
      if (k === 0 || bitCount(mask ^ (this.masks[id] as number)) > 2 * k) return;
      const distance = osaDistance(query, text, k);
      if (distance >= 1 && distance <= k) found.set(id, distance);
    };
    const consider = (ids: Ids | undefined): void => {
      if (typeof ids === 'number') check(ids);
      else if (ids !== undefined) for (const id of ids) check(id);
    };
    const maxBudget = this.budget(query.length + 2);
    for (let k = 1; k <= maxBudget; k++) this.collect(query, k, consider);
    for (const swapped of transpositions(query)) consider(this.exact.get(swapped));
    return found;
  }

  /** Ids whose budget-k segments could match `query` within k edits. */
  private collect(query: string, k: number, consider: (ids: Ids | undefined) => void): void {
    const first = query[0] as string;
    for (let length = Math.max(1, query.length - k); length <= query.length + k; length++) {
      const difference = query.length - length;
      for (let part = 0; part <= k; part++) {
        const map = this.buckets.get(bucketOf(k, length, part));
        if (!map) continue;
        const [start, end] = segment(length, k + 1, part);
        for (const shift of shifts(part, k, difference)) {
          const at = start + shift;
          if (at < 0 || at + end - start > query.length) continue;
          consider(map.get(first + query.slice(at, at + end - start)));
        }
      }
    }
  }
}

/**
 * Where an untouched segment can sit in the query relative to its place in the text: the first segment
 * does not move, the last moves by the length difference, a middle one by δ with |δ| + |difference − δ| ≤ k
 * (edits before it shift it; edits after it make up the rest of the difference).
 */
function shifts(part: number, k: number, difference: number): number[] {
  if (part === 0) return [0];
  if (part === k) return [difference];
  const out: number[] = [];
  for (let delta = -k; delta <= k; delta++) if (Math.abs(delta) + Math.abs(difference - delta) <= k) out.push(delta);
  return out;
}

type Ids = number | number[];

function push(map: Map<string, Ids>, key: string, id: number): void {
  const ids = map.get(key);
  if (ids === undefined) map.set(key, id);
  else if (typeof ids === 'number') {
    if (ids !== id) map.set(key, [ids, id]);
  } else if (ids[ids.length - 1] !== id) ids.push(id);
}
