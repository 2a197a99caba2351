/**
 * The high-impact list's lookups as id tables: every name's normal forms (similar/names.ts) are computed
 * once, by buildTables, and only where each id belongs is kept (hash buckets for exact lookups, groups
 * for near ones). The adapters ship the tables for npm-high-impact precomputed (encodeTables,
 * decodeTables), so a fresh process reads ~100 KB of typed arrays instead of normalising and hashing
 * 17,000 names into maps (~70 ms and 11 MB before). A lookup compares its key with the few names it
 * lands on, normalising them on the fly.
 */
import { FuzzyIndex, narrowInts, type FuzzyTables, type Ints } from './fuzzyIndex';
import type { NameLookup } from './highImpact';
import { editBudget, glyphName, isGlyph, isSlice, NO_BARE_MATCH_SCOPES, plainName, splitScope } from './names';

/**
 * Ids bucketed by a hash of a key (textHash): bucket b holds ids[starts[b], starts[b + 1]), and there are
 * a power of two of buckets, about one per four ids (measured: as fast as one per two, 20 % smaller
 * tables). A lookup hashes the key once and compares it with the few names of its bucket, where a binary
 * search compared ~15, each normalised on the fly.
 */
export interface KeyTable {
  ids: Ints;
  starts: Ints;
}

export interface HighImpactTables {
  /** The first position of each distinct name, keyed by glyphName. */
  byGlyph: KeyTable;
  /** Those of scoped names (except @types), keyed by bare name. */
  byBare: KeyTable;
  /** One position per distinct scope, keyed by scope: a scope's number is its place in `scopes.ids`. */
  scopes: KeyTable;
  /** The unscoped names' positions, with their plainName as text. */
  edit: FuzzyTables;
  /** Scope numbers, with the scope's plainName as text. */
  scopeEdit: FuzzyTables;
}

/** The tables for `names` (most popular first; a repeated name keeps its first place). */
export function buildTables(names: readonly string[]): HighImpactTables {
  const firsts: number[] = [];
  const seen = new Set<string>();
  names.forEach((name, id) => {
    if (seen.has(name)) return;
    seen.add(name);
    firsts.push(id);
  });
  const parts = (id: number): { scope: string; bare: string } | undefined => splitScope(names[id] as string);
  const scoped = firsts.filter((id) => parts(id) !== undefined);
  const scopeOf = (id: number): string => (parts(id) as { scope: string }).scope;
  const scopeFirsts = new Map<string, number>();
  for (const id of scoped) if (!scopeFirsts.has(scopeOf(id))) scopeFirsts.set(scopeOf(id), id);
  const scopes = keyTable([...scopeFirsts.values()], scopeOf);
  return {
    byGlyph: keyTable(firsts, (id) => glyphName(names[id] as string)),
    byBare: keyTable(
      scoped.filter((id) => !NO_BARE_MATCH_SCOPES.has(scopeOf(id))),
      (id) => (parts(id) as { bare: string }).bare,
    ),
    scopes,
    edit: FuzzyIndex.tables(
      firsts.filter((id) => parts(id) === undefined),
      (id) => plainName(names[id] as string),
    ),
    scopeEdit: FuzzyIndex.tables(
      Array.from(scopes.ids, (_, at) => at),
      (at) => plainName(scopeOf(scopes.ids[at] as number)),
    ),
  };
}

/** FNV-1a over the code units, its high bits folded into the low ones that pick a bucket. */
function textHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** `ids` (ascending) bucketed by textHash(key(id)), in ascending order within each bucket. */
function keyTable(ids: readonly number[], key: (id: number) => string): KeyTable {
  let buckets = 1;
  while (buckets * 4 < ids.length) buckets *= 2;
  const bucketOf = ids.map((id) => textHash(key(id)) & (buckets - 1));
  const starts = new Array<number>(buckets + 1).fill(0);
  for (const bucket of bucketOf) (starts[bucket + 1] as number)++;
  for (let b = 0; b < buckets; b++) starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number);
  const next = starts.slice(0, buckets);
  const out = new Array<number>(ids.length);
  ids.forEach((id, i) => (out[(next[bucketOf[i] as number] as number)++] = id));
  return { ids: narrowInts(out), starts: narrowInts(starts) };
}

/** The ids of `table` under `key` for which `same` holds (it tells a key's names from the bucket's others). */
function lookUp(table: KeyTable, key: string, same: (id: number) => boolean): number[] {
  const bucket = textHash(key) & (table.starts.length - 2);
  const out: number[] = [];
  for (let at = table.starts[bucket] as number; at < (table.starts[bucket + 1] as number); at++) {
    const id = table.ids[at] as number;
    if (same(id)) out.push(id);
  }
  return out;
}

/** NameLookup over HighImpactTables: no work up front, plain names computed once each, on demand. */
export class TableLookup implements NameLookup {
  private readonly plains: Array<string | undefined>;
  private readonly scopePlains: Array<string | undefined>;
  private readonly edit: FuzzyIndex;
  private readonly scopeEdit: FuzzyIndex;

  constructor(
    private readonly names: readonly string[],
    private readonly tables: HighImpactTables,
  ) {
    this.plains = new Array<string | undefined>(names.length);
    this.scopePlains = new Array<string | undefined>(tables.scopes.ids.length);
    this.edit = new FuzzyIndex(tables.edit, (id) => this.plain(id), editBudget);
    this.scopeEdit = new FuzzyIndex(tables.scopeEdit, (at) => (this.scopePlains[at] ??= plainName(this.scope(at))), editBudget);
  }

  get size(): number {
    return this.tables.byGlyph.ids.length;
  }

  plain(id: number): string {
    return (this.plains[id] ??= plainName(this.names[id] as string));
  }

  idOf(name: string): number | undefined {
    return this.withGlyph(glyphName(name)).find((id) => this.names[id] === name);
  }

  ownsScope(scope: string): boolean {
    return lookUp(this.tables.scopes, scope, (id) => {
      const name = this.names[id] as string;
      return isSlice(name, 1, name.indexOf('/'), scope);
    }).length > 0;
  }

  withGlyph(key: string): number[] {
    return lookUp(this.tables.byGlyph, key, (id) => isGlyph(this.names[id] as string, key));
  }

  withBare(key: string): number[] {
    return lookUp(this.tables.byBare, key, (id) => {
      const name = this.names[id] as string;
      return isSlice(name, name.indexOf('/') + 1, name.length, key);
    });
  }

  nearScopes(key: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const [at, distance] of this.scopeEdit.near(key)) out.set(this.scope(at), distance);
    return out;
  }

  nearUnscoped(key: string): Map<number, number> {
    return this.edit.near(key);
  }

  /** The scope numbered `at`. */
  private scope(at: number): string {
    const name = this.names[this.tables.scopes.ids[at] as number] as string;
    return name.slice(1, name.indexOf('/'));
  }
}

/** The arrays of HighImpactTables in the order encodeTables writes them. */
function arrays(tables: HighImpactTables): Array<Ints | Uint32Array> {
  const { byGlyph, byBare, scopes, edit, scopeEdit } = tables;
  return [byGlyph.ids, byGlyph.starts, byBare.ids, byBare.starts, scopes.ids, scopes.starts, edit.ids, edit.groups, edit.starts, scopeEdit.ids, scopeEdit.groups, scopeEdit.starts];
}

const FORMAT = 1;

/**
 * The tables as bytes, little-endian: a format number, then per array its element width (2 or 4), its
 * length and its elements, padded to 4 bytes so each array can be read in place.
 */
export function encodeTables(tables: HighImpactTables): Uint8Array {
  const parts = arrays(tables);
  const size = 4 + parts.reduce((sum, array) => sum + 8 + align(array.byteLength), 0);
  const view = new DataView(new ArrayBuffer(size));
  view.setUint32(0, FORMAT, true);
  let at = 4;
  for (const array of parts) {
    view.setUint32(at, array.BYTES_PER_ELEMENT, true);
    view.setUint32(at + 4, array.length, true);
    at += 8;
    array.forEach((value, i) => {
      if (array.BYTES_PER_ELEMENT === 2) view.setUint16(at + 2 * i, value, true);
      else view.setUint32(at + 4 * i, value, true);
    });
    at += align(array.byteLength);
  }
  return new Uint8Array(view.buffer);
}

/** encodeTables' bytes read back; undefined when they are not in this format (then build the tables). */
export function decodeTables(bytes: Uint8Array): HighImpactTables | undefined {
  // Copied once (new Uint8Array copies, even from a Buffer, whose slice() would not) so the arrays are
  // aligned views; swapped by hand only on a big-endian machine.
  const buffer = new Uint8Array(bytes).buffer;
  const view = new DataView(buffer);
  const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
  if (buffer.byteLength < 4 || view.getUint32(0, true) !== FORMAT) return undefined;
  const out: Ints[] = [];
  let at = 4;
  while (at + 8 <= buffer.byteLength) {
    const width = view.getUint32(at, true);
    const length = view.getUint32(at + 4, true);
    at += 8;
    if ((width !== 2 && width !== 4) || at + width * length > buffer.byteLength) return undefined;
    const array = width === 2 ? new Uint16Array(buffer, at, length) : new Uint32Array(buffer, at, length);
    if (!littleEndian) array.forEach((_, i) => (array[i] = width === 2 ? view.getUint16(at + 2 * i, true) : view.getUint32(at + 4 * i, true)));
    out.push(array);
    at += align(width * length);
  }
  const [glyphIds, glyphStarts, bareIds, bareStarts, scopeIds, scopeStarts, editIds, editGroups, editStarts, scopeEditIds, scopeGroups, scopeEditStarts] = out as Ints[];
  if (out.length !== 12 || !(editGroups instanceof Uint32Array) || !(scopeGroups instanceof Uint32Array)) return undefined;
  const keyed = (ids: Ints | undefined, starts: Ints | undefined): KeyTable => ({ ids: ids as Ints, starts: starts as Ints });
  return {
    byGlyph: keyed(glyphIds, glyphStarts),
    byBare: keyed(bareIds, bareStarts),
    scopes: keyed(scopeIds, scopeStarts),
    edit: { ids: editIds as Ints, groups: editGroups, starts: editStarts as Ints },
    scopeEdit: { ids: scopeEditIds as Ints, groups: scopeGroups, starts: scopeEditStarts as Ints },
  };
}

const align = (bytes: number): number => Math.ceil(bytes / 4) * 4;
