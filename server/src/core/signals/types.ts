import type { AnalysisConfig } from '../config';
import type { Evidence, Severity, SignalId } from '../finding';
import type { PackageSummary, VersionSummary } from '../registry/types';

/** Everything a signal may look at for one resolved version. Signals are pure functions of this. */
export interface SignalContext {
  summary: PackageSummary;
  version: VersionSummary;
  /** Dated versions published strictly before `version`, newest first. */
  earlier: VersionSummary[];
  now: Date;
  config: AnalysisConfig;
}

export interface SignalHit {
  signal: SignalId;
  severity: Severity;
  /** What happened and why it matters. The adapter-independent "what to do" (the pin) is added after. */
  message: string;
  evidence: Evidence;
}

export type Signal = (context: SignalContext) => SignalHit | undefined;
