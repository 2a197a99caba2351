/** The table of signals, in the order their findings are listed for one dependency. */
import { deprecated } from './deprecated';
import { installScriptAdded } from './installScriptAdded';
import { newPublisher } from './newPublisher';
import { recentRelease } from './recentRelease';
import type { Signal } from './types';

export const SIGNALS: readonly Signal[] = [installScriptAdded, newPublisher, recentRelease, deprecated];

export type { Signal, SignalContext, SignalHit } from './types';
