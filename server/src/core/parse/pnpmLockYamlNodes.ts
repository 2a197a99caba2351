/**
 * The nodes the pnpm-lock.yaml reader (`pnpmLockYaml.ts`) produces: scalars, mappings and sequences with
 * their offsets. Lean on allocation, since a lockfile has hundreds of thousands of them: offsets are plain
 * fields, and a mapping is an array of entries with a map index only once it outgrows a linear search.
 */
import type { OffsetRange } from '../finding';

export interface YScalar {
  kind: 'scalar';
  value: string;
  /** Written without quotes: `true` may then be a boolean, never a quoted 'true'. */
  plain: boolean;
  start: number;
  end: number;
}

export interface YEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  /** Null: no value (empty, `null` or `~`). */
  value: YNode | null;
}

export interface YMap {
  kind: 'map';
  /** In document order; a repeated key is reported and not added. */
  entries: YEntry[];
  start: number;
  /** Built once a mapping outgrows a linear search. */
  byKey: Map<string, YEntry> | undefined;
}

export interface YSeq {
  kind: 'seq';
  items: Array<YNode | null>;
  start: number;
}

export type YNode = YScalar | YMap | YSeq;

export const MAX_DEPTH = 64;
const LINEAR = 8;

export function entryOf(map: YMap, key: string): YEntry | undefined {
  if (map.byKey) return map.byKey.get(key);
  for (const entry of map.entries) if (entry.key === key) return entry;
  return undefined;
}

export function keyRange(entry: YEntry): OffsetRange {
  return { start: entry.keyStart, end: entry.keyEnd };
}

/** Where a value is: a scalar's whole text, a collection's first character. */
export function nodeRange(node: YNode): OffsetRange {
  return node.kind === 'scalar' ? { start: node.start, end: node.end } : { start: node.start, end: node.start + 1 };
}

export function addEntry(map: YMap, entry: YEntry): boolean {
  if (entryOf(map, entry.key)) return false;
  map.entries.push(entry);
  if (map.byKey) map.byKey.set(entry.key, entry);
  else if (map.entries.length > LINEAR) map.byKey = new Map(map.entries.map((e) => [e.key, e]));
  return true;
}

export function newMap(start: number): YMap {
  return { kind: 'map', entries: [], start, byKey: undefined };
}

export function isQuote(c: number): boolean {
  return c === 39 || c === 34;
}

export function plainScalar(raw: string, start: number, end: number): YScalar | null {
  if (raw === '~' || raw === 'null' || raw === 'Null' || raw === 'NULL') return null;
  return { kind: 'scalar', value: raw, plain: true, start, end };
}
