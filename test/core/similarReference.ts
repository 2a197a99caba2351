/**
 * The typosquat index's lookups built the straightforward way, as the index was before its tables were
 * precomputed: maps from every normal form to positions, and a pigeonhole index keyed by segment text
 * (a map entry per segment of every name). Slow to build (~70 ms for npm's list), obviously right, and
 * kept as the standard the fast tables (core/similar/nameTables.ts) must answer exactly like.
 */
// The distance is the index's own (tested on its own in similar.test.ts); what this file stands for is the lookups.
import { osaDistance } from '../../server/src/core/similar/fuzzyIndex';
import type { NameLookup } from '../../server/src/core/similar/highImpact';
import { editBudget, glyphName, NO_BARE_MATCH_SCOPES, plainName, splitScope } from '../../server/src/core/similar/names';

/** Which characters (code units; digits and others share six bits) a text contains. */
function letterMask(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    mask |= code >= 97 && code <= 122 ? 1 << (code - 97) : 1 << (26 + (code % 6));
  }
  return mask;
}

function bits(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
const segment = (length: number, parts: number, part: number): [number, number] => [Math.floor((length * part) / parts), Math.floor((length * (part + 1)) / parts)];

function add<K>(map: Map<K, number[]>, key: K, id: number): void {
  const ids = map.get(key);
  if (!ids) map.set(key, [id]);
  else if (!ids.includes(id)) ids.push(id);
}

/** Where an untouched segment `part` of k+1 can sit in the query, relative to its place in the text. */
function shifts(part: number, k: number, difference: number): number[] {
  if (part === 0) return [0];
  if (part === k) return [difference];
  const out: number[] = [];
  for (let delta = -k; delta <= k; delta++) if (Math.abs(delta) + Math.abs(difference - delta) <= k) out.push(delta);
  return out;
}

/** The pigeonhole index: (k, length, part) → first character + segment → ids, and exact text → ids. */
export class PigeonholeIndex {
  private readonly exact = new Map<string, number[]>();
  private readonly buckets = new Map<number, Map<string, number[]>>();

  constructor(
    private readonly texts: ReadonlyMap<number, string>,
    private readonly budget: (length: number) => number,
  ) {
    for (const [id, text] of texts) {
      add(this.exact, text, id);
      for (let k = 1; k <= budget(text.length); k++) {
        for (let part = 0; part <= k; part++) {
          const [start, end] = segment(text.length, k + 1, part);
          const bucket = (text.length * 4 + k) * 4 + part;
          if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map());
          add(this.buckets.get(bucket) as Map<string, number[]>, (text[0] as string) + text.slice(start, end), id);
        }
      }
    }
  }

  near(query: string): Map<number, number> {
    const found = new Map<number, number>();
    if (query.length === 0) return found;
    const candidates = new Set<number>();
    const maxBudget = this.budget(query.length + 2);
    for (let k = 1; k <= maxBudget; k++) {
      for (let length = Math.max(1, query.length - k); length <= query.length + k; length++) {
        for (let part = 0; part <= k; part++) {
          const map = this.buckets.get((length * 4 + k) * 4 + part);
          const [start, end] = segment(length, k + 1, part);
          for (const shift of map ? shifts(part, k, query.length - length) : []) {
            const at = start + shift;
            if (at < 0 || at + end - start > query.length) continue;
            for (const id of map?.get((query[0] as string) + query.slice(at, at + end - start)) ?? []) candidates.add(id);
          }
        }
      }
    }
    for (let i = 0; i + 1 < query.length; i++) {
      if (query[i] === query[i + 1]) continue;
      const swapped = query.slice(0, i) + (query[i + 1] as string) + (query[i] as string) + query.slice(i + 2);
      for (const id of this.exact.get(swapped) ?? []) candidates.add(id);
    }
    const mask = letterMask(query);
    for (const id of candidates) {
      const text = this.texts.get(id) as string;
      const k = this.budget(text.length);
      if (k === 0 || bits(mask ^ letterMask(text)) > 2 * k) continue;
      const distance = osaDistance(query, text, k);
      if (distance >= 1 && distance <= k) found.set(id, distance);
    }
    return found;
  }
}

/** NameLookup over maps built from every name up front. */
export class MapLookup implements NameLookup {
  private readonly ids = new Map<string, number>();
  private readonly byGlyph = new Map<string, number[]>();
  private readonly byBare = new Map<string, number[]>();
  private readonly scopes = new Set<string>();
  private readonly byEdit: PigeonholeIndex;
  private readonly byScope: PigeonholeIndex;
  private readonly scopeNames: string[];

  constructor(private readonly names: readonly string[]) {
    const unscoped = new Map<number, string>();
    names.forEach((name, id) => {
      if (this.ids.has(name)) return;
      this.ids.set(name, id);
      add(this.byGlyph, glyphName(name), id);
      const parts = splitScope(name);
      if (!parts) unscoped.set(id, plainName(name));
      else {
        this.scopes.add(parts.scope);
        if (!NO_BARE_MATCH_SCOPES.has(parts.scope)) add(this.byBare, parts.bare, id);
      }
    });
    this.scopeNames = [...this.scopes];
    this.byEdit = new PigeonholeIndex(unscoped, editBudget);
    this.byScope = new PigeonholeIndex(new Map(this.scopeNames.map((scope, at) => [at, plainName(scope)])), editBudget);
  }

  get size(): number {
    return this.ids.size;
  }
  idOf(name: string): number | undefined {
    return this.ids.get(name);
  }
  ownsScope(scope: string): boolean {
    return this.scopes.has(scope);
  }
  withGlyph(key: string): readonly number[] {
    return this.byGlyph.get(key) ?? [];
  }
  withBare(key: string): readonly number[] {
    return this.byBare.get(key) ?? [];
  }
  nearScopes(key: string): Map<string, number> {
    return new Map([...this.byScope.near(key)].map(([at, distance]) => [this.scopeNames[at] as string, distance]));
  }
  nearUnscoped(key: string): Map<number, number> {
    return this.byEdit.near(key);
  }
  plain(id: number): string {
    return plainName(this.names[id] as string);
  }
}
