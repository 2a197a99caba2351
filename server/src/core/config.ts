/** Effective configuration of one analysis. Adapters merge settings/flags into this; the core never reads files. */
export interface AnalysisConfig {
  /** Releases younger than this are `recent-release`. */
  cooldownDays: number;
}

export const DEFAULT_CONFIG: AnalysisConfig = {
  cooldownDays: 3,
};
