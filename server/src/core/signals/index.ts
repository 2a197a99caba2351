/** The table of signals, in the order their findings are listed for one dependency. */
import { deprecated } from './deprecated';
import { dormantRelease } from './dormantRelease';
import { installScriptAdded } from './installScriptAdded';
import { newBin } from './newBin';
import { newPublisher } from './newPublisher';
import { recentRelease } from './recentRelease';
import { releaseLineBurst } from './releaseLineBurst';
import { repositoryChanged } from './repositoryChanged';
import { trustDowngrade } from './trustDowngrade';
import type { Signal } from './types';

export const SIGNALS: readonly Signal[] = [
  installScriptAdded,
  trustDowngrade,
  newPublisher,
  releaseLineBurst,
  dormantRelease,
  repositoryChanged,
  deprecated,
  recentRelease,
  newBin,
];

export type { Signal, SignalContext, SignalHit } from './types';
