/**
 * What a release changed in its dependencies compared with the release published right before it. The
 * comparison is by publish time, not by version order, because that is what an attacker's release
 * changed: whatever the previous release installed, this one installs something more.
 */
import { own } from '../registry/records';
import type { VersionSummary } from '../registry/types';
import { classifySpec, type SpecKind } from '../spec';

export interface DependencyChange {
  /** The key in the release's dependencies (an alias's own name for `npm:` aliases). */
  name: string;
  /** The package the registry would be asked for: the alias target, or `name`. */
  package: string;
  spec: string;
  kind: SpecKind;
  /** The registry range (or dist-tag) for registry specs. */
  range: string;
  optional: boolean;
  /** The spec the previous release had under this name; undefined when the name is new. */
  previousSpec?: string;
}

/** Every dependency of a release, regular and optional (npm installs both). */
function allDependencies(version: VersionSummary): Array<[string, string, boolean]> {
  const entries: Array<[string, string, boolean]> = Object.entries(version.dependencies).map(([name, spec]) => [name, spec, false]);
  for (const [name, spec] of Object.entries(version.optionalDependencies)) {
    if (own(version.dependencies, name) === undefined) entries.push([name, spec, true]);
  }
  return entries;
}

function specIn(version: VersionSummary, name: string): string | undefined {
  return own(version.dependencies, name) ?? own(version.optionalDependencies, name);
}

/**
 * Dependencies `version` has and `previous` did not (by name), plus those whose spec switched from the
 * registry to a remote source; sorted by name. Nothing is "added" by a first release.
 */
export function dependencyChanges(version: VersionSummary, previous: VersionSummary | undefined): DependencyChange[] {
  if (!previous) return [];
  const changes: DependencyChange[] = [];
  for (const [name, spec, optional] of allDependencies(version)) {
    const previousSpec = specIn(previous, name);
    const classified = classifySpec(name, spec);
    if (previousSpec !== undefined && (previousSpec === spec || !isRemote(classified.kind) || isRemote(classifySpec(name, previousSpec).kind))) continue;
    const change: DependencyChange = { name, package: classified.packageName, spec, kind: classified.kind, range: classified.range, optional };
    if (previousSpec !== undefined) change.previousSpec = previousSpec;
    changes.push(change);
  }
  return changes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Dependencies new by name that the registry serves: the ones whose packuments the analysis looks up. */
export function addedRegistryDependencies(version: VersionSummary, previous: VersionSummary | undefined): DependencyChange[] {
  return dependencyChanges(version, previous).filter((change) => change.previousSpec === undefined && change.kind === 'registry');
}

/** Sources outside the registry that can change under the same spec: git, GitHub, tarball URLs. */
export function isRemote(kind: SpecKind): boolean {
  return kind === 'git' || kind === 'github' || kind === 'tarball-url';
}
