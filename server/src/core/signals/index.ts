/**
 * The table of per-version signals that read nothing but the package's own history, in the order their
 * findings are listed for one dependency. The pin selection runs its release-level part (below) on every candidate. Signals that need
 * other packuments or the whole project (young-dependency-added, install scripts of new dependencies,
 * publish-burst, registry-shadowing, unclaimed-name, unpublished) run from checkResolved.ts and analyze.ts.
 */
import { deprecated } from './deprecated';
import { dormantRelease } from './dormantRelease';
import { gitDependencyAdded } from './gitDependencyAdded';
import { installScriptAdded } from './installScriptAdded';
import { maintainerAdded } from './maintainerAdded';
import { newBin } from './newBin';
import { newPublisher } from './newPublisher';
import { ownershipChange } from './ownershipChange';
import { recentRelease } from './recentRelease';
import { releaseLineBurst } from './releaseLineBurst';
import { repositoryChanged } from './repositoryChanged';
import { trustDowngrade } from './trustDowngrade';
import type { Signal } from './types';

export const SIGNALS: readonly Signal[] = [
  installScriptAdded,
  gitDependencyAdded,
  trustDowngrade,
  newPublisher,
  ownershipChange,
  maintainerAdded,
  releaseLineBurst,
  dormantRelease,
  repositoryChanged,
  deprecated,
  recentRelease,
  newBin,
];

/**
 * The signals that judge a release rather than the package. ownership-change and maintainer-added say the
 * same about every release of a package (who holds it now), so they cannot tell one pin candidate from
 * another; the pin selection runs only these, once per candidate.
 */
const PACKAGE_LEVEL: ReadonlySet<Signal> = new Set([ownershipChange, maintainerAdded]);
export const RELEASE_SIGNALS: readonly Signal[] = SIGNALS.filter((signal) => !PACKAGE_LEVEL.has(signal));

export type { Signal, SignalContext, SignalHit } from './types';
