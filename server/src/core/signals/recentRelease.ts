/**
 * recent-release: the version is younger than the cooldown. Hijacked releases are usually spotted and
 * pulled within hours or days (chalk/debug 2025: about two hours), so waiting a few days before taking a
 * new release avoids most of them at almost no cost.
 */
import { day, DAY_MS, duration } from '../format';
import { publisherLabel } from '../registry/history';
import type { Signal } from './types';

export const recentRelease: Signal = ({ summary, version, now, config }) => {
  if (version.publishedAt === undefined || config.cooldownDays <= 0) return undefined;
  const age = now.getTime() - Date.parse(version.publishedAt);
  const cooldownMs = config.cooldownDays * DAY_MS;
  if (age >= cooldownMs) return undefined;
  return {
    signal: 'recent-release',
    severity: 'warning',
    message:
      `${summary.name}@${version.version} was published ${duration(age)} ago (${version.publishedAt.slice(0, 16).replace('T', ' ')} UTC, ` +
      `by ${publisherLabel(version)}), inside the ${config.cooldownDays}-day cooldown. Malicious releases are usually caught ` +
      `and removed within days; let this one age before installing it.`,
    evidence: {
      version: version.version,
      publishedAt: version.publishedAt,
      publishedDay: day(version.publishedAt),
      ageHours: Math.floor(age / 3_600_000),
      cooldownDays: config.cooldownDays,
      publisher: version.publisher?.name ?? null,
    },
  };
};
