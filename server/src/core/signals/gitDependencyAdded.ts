/**
 * git-dependency-added: the version depends on a git repository, GitHub shorthand or tarball URL that the
 * release before it did not (a new dependency, or a registry one switched to such a source). Such code
 * bypasses the registry: no publish history, no integrity recorded in the packument, and unless it names
 * a commit, the same spec installs whatever is pushed next (the pattern of the TanStack 2026 compromise).
 * The trait is in the release itself, so it does not fade with time.
 */
import { day, list } from '../format';
import { publisherLabel } from '../registry/history';
import { describeSpecKind } from '../spec';
import { dependencyChanges, isRemote } from './dependencyChanges';
import type { Signal } from './types';

export const gitDependencyAdded: Signal = ({ summary, version, earlier }) => {
  const previous = earlier[0];
  const added = dependencyChanges(version, previous).filter((change) => isRemote(change.kind));
  if (!previous || added.length === 0) return undefined;
  const named = added.map(
    (change) =>
      `${change.name} from ${describeSpecKind(change.kind)} (${change.spec.slice(0, 200)})` +
      (change.previousSpec !== undefined ? `, where ${previous.version} used "${change.previousSpec.slice(0, 100)}"` : ''),
  );
  return {
    signal: 'git-dependency-added',
    severity: 'error',
    message:
      `${summary.name}@${version.version} (${day(version.publishedAt)}, by ${publisherLabel(version)}) installs ${list(named)}, which ` +
      `${previous.version} did not. Code from a git repository or URL skips the registry: no publish history, no recorded ` +
      `integrity, and it can change under the same spec at any time (as in the TanStack 2026 compromise). Read what that ` +
      `source contains before installing.`,
    evidence: {
      version: version.version,
      publishedAt: version.publishedAt ?? null,
      publisher: version.publisher?.name ?? null,
      previousVersion: previous.version,
      added: added.map((change) => ({
        name: change.name,
        spec: change.spec.slice(0, 500),
        source: change.kind,
        optional: change.optional,
        previousSpec: change.previousSpec ?? null,
      })),
    },
  };
};
