/**
 * dormant-release: the version came after a year or more without any release. Abandoned packages are
 * what attackers ask to take over (event-stream's malicious 3.3.6 came after two quiet years, from a new
 * maintainer), and a sudden release wakes every project that still depends on the old range.
 */
import { day, duration } from '../format';
import { publisherLabel } from '../registry/history';
import type { Signal } from './types';
import { fadesWithTime } from './vetting';

export const DORMANCY_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

export const dormantRelease: Signal = fadesWithTime(({ summary, version, earlier, config }) => {
  const previous = earlier[0];
  if (!previous || version.publishedAt === undefined || previous.publishedAt === undefined) return undefined;
  const gap = Date.parse(version.publishedAt) - Date.parse(previous.publishedAt);
  if (gap < (config.dormantReleaseDays ?? DORMANCY_DAYS) * DAY_MS) return undefined;
  return {
    signal: 'dormant-release',
    severity: 'warning',
    message:
      `${summary.name}@${version.version} (${day(version.publishedAt)}, by ${publisherLabel(version)}) ended ${duration(gap)} without ` +
      `any release (the one before was ${previous.version}, ${day(previous.publishedAt)}, by ${publisherLabel(previous)}). Quiet ` +
      `packages are the ones attackers take over: event-stream's malicious release came after two silent years.`,
    evidence: {
      version: version.version,
      publishedAt: version.publishedAt,
      publisher: version.publisher?.name ?? null,
      previousVersion: previous.version,
      previousPublishedAt: previous.publishedAt,
      previousPublisher: previous.publisher?.name ?? null,
      silentDays: Math.floor(gap / (24 * 60 * 60 * 1000)),
    },
  };
}, '', 'drop');
