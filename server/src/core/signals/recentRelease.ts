/**
 * recent-release: the version is younger than the cooldown. Hijacked releases are usually spotted and
 * pulled within hours or days (chalk/debug 2025: about two hours), so waiting a few days before taking a
 * new release avoids most of them at almost no cost.
 */
import type { AnalysisConfig } from '../config';
import { describeCooldown } from '../cooldown';
import { day, DAY_MS, HOUR_MS } from '../format';
import { publisherLabel } from '../registry/history';
import type { Signal } from './types';
import { elapsedSince } from '../elapsed';

export const recentRelease: Signal = ({ summary, version, now, config }) => {
  if (version.publishedAt === undefined || config.cooldownDays <= 0) return undefined;
  const age = elapsedSince(now, Date.parse(version.publishedAt));
  if (age.atLeast(config.cooldownDays * DAY_MS)) return undefined;
  return {
    signal: 'recent-release',
    severity: 'warning',
    message:
      `${summary.name}@${version.version} was published ${age.words()} ago (${version.publishedAt.slice(0, 16).replace('T', ' ')} UTC, ` +
      `by ${publisherLabel(version)}), inside ${cooldownPhrase(config)}. Malicious releases are usually caught ` +
      `and removed within days; let this one age before installing it.`,
    evidence: {
      version: version.version,
      publishedAt: version.publishedAt,
      publishedDay: day(version.publishedAt),
      ageHours: age.whole(HOUR_MS),
      cooldownDays: config.cooldownDays,
      publisher: version.publisher?.name ?? null,
      // The hover says which project file set the cooldown, so a surprising one can be traced.
      ...(config.cooldownOrigin && { cooldownSource: config.cooldownOrigin.text, cooldownFile: config.cooldownOrigin.file }),
      ...(config.cooldownOrigin?.others.length && { cooldownOtherSources: config.cooldownOrigin.others }),
    },
  };
};

/** "the 3-day cooldown", or with the project's own: "the project's cooldown of 1 day (pnpm-workspace.yaml sets …)". */
function cooldownPhrase(config: AnalysisConfig): string {
  if (config.cooldownOrigin) return `the project's cooldown of ${describeCooldown(config)}`;
  return Number.isInteger(config.cooldownDays) ? `the ${config.cooldownDays}-day cooldown` : `the cooldown of ${describeCooldown(config)}`;
}
