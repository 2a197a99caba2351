/** Reading a parsed lockfile graph in tests: one entry by key, its edges, an importer's dependencies. */
import assert from 'node:assert/strict';
import type { LockedPackage, Lockfile } from '../../server/src/core/lockfile/types';

export function pkg(lock: Lockfile, key: string): LockedPackage {
  const found = lock.packages.find((p) => p.key === key);
  assert.ok(found, `package ${key} is read`);
  return found;
}

/** `name@version` of a package's dependencies, sorted. */
export function edges(lock: Lockfile, key: string): string[] {
  return pkg(lock, key)
    .dependencies.map((i) => `${lock.packages[i]?.name}@${lock.packages[i]?.version}`)
    .sort();
}

/** An importer's dependencies by name: the spec it declares and the key of the entry it resolves to. */
export function importer(lock: Lockfile, path: string): Map<string, { spec: string | undefined; key: string | undefined }> {
  const found = lock.importers.find((i) => i.path === path);
  assert.ok(found, `importer "${path}" is read`);
  return new Map(found.dependencies.map((d) => [d.name, { spec: d.spec, key: lock.packages[d.package]?.key }]));
}
