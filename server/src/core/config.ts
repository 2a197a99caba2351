/** Effective configuration of one analysis. Adapters merge settings/flags into this; the core never reads files. */
export interface AnalysisConfig {
  /** Releases younger than this are `recent-release`. */
  cooldownDays: number;
  /** young-dependency-added: an added dependency created fewer days than this before the release. Default 30. */
  youngDependencyDays?: number;
  /** publish-burst: this many of the project's packages released by one account ... Default 3. */
  publishBurstPackages?: number;
  /** ... within this many hours. Default 2. */
  publishBurstHours?: number;
  /** dormant-release: a release after at least this many days without one. Default 365. */
  dormantReleaseDays?: number;
  /** release-line-burst: releases this many hours apart or closer form one burst. Default 6. */
  releaseLineBurstHours?: number;
  /** release-line-burst: ... on at least this many release lines. Default 3. */
  releaseLineBurstLines?: number;
  /**
   * Where `cooldownDays` came from when it is the project's own setting (pnpm-workspace.yaml, …): named in
   * recent-release's message and evidence. Absent: Vigil's default, setting or .vigilrc.json.
   */
  cooldownOrigin?: CooldownOrigin;
  /** `cooldownDays` was given on the command line (--cooldown-days): it wins over the project's files. */
  cooldownExplicit?: boolean;
  /** Severity per signal from the user's settings (`vigil.severity`); a project's .vigilrc.json wins. */
  severity?: SeverityOverrides;
}

/** Which project file set a package's cooldown, in words a person can check. */
export interface CooldownOrigin {
  /** The file, as the adapter named it. */
  file: string;
  /** "pnpm-workspace.yaml sets minimumReleaseAge 1440 minutes". */
  text: string;
  /** The other project settings that applied to the package (shorter ones), in the same words. */
  others: string[];
}

/** `off` removes a signal's findings; a severity replaces the signal's own. */
export type PolicySeverity = 'error' | 'warning' | 'information' | 'hint' | 'off';
export type SeverityOverrides = Partial<Record<string, PolicySeverity>>;

export const DEFAULT_CONFIG: AnalysisConfig = {
  cooldownDays: 3,
};
