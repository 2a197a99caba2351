/** Walks of the normalised lockfile graph: what a set of roots brings in, and by which path. */
import type { Lockfile } from './types';

/**
 * Every package reachable from `roots` (roots included), breadth first, each with the package it was
 * first reached from (-1 for a root): the shortest "why is this here" path. Cycles are fine.
 */
export function reach(lock: Lockfile, roots: Iterable<number>): Map<number, number> {
  const parent = new Map<number, number>();
  const queue: number[] = [];
  for (const root of roots) {
    if (parent.has(root) || lock.packages[root] === undefined) continue;
    parent.set(root, -1);
    queue.push(root);
  }
  for (let head = 0; head < queue.length; head++) {
    const from = queue[head] as number;
    for (const to of lock.packages[from]?.dependencies ?? []) {
      if (parent.has(to) || lock.packages[to] === undefined) continue;
      parent.set(to, from);
      queue.push(to);
    }
  }
  return parent;
}

/** The path root → … → `index` in a `reach` result, as package indices. */
export function pathTo(parents: ReadonlyMap<number, number>, index: number): number[] {
  const path: number[] = [];
  for (let at: number | undefined = index; at !== undefined && at !== -1 && path.length <= parents.size; at = parents.get(at)) {
    path.push(at);
  }
  return path.reverse();
}
