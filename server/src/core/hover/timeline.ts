/**
 * The hover's publish timeline: the releases up to and including the hovered one, by publish time, with
 * what changed in how they were made (provenance, install scripts, deprecation) and long silences.
 */
import { day, DAY_MS, list } from '../format';
import { installHooks, parseIsoMs, publishHistory } from '../registry/history';
import type { PackageSummary, VersionSummary } from '../registry/types';
import { maintainerLabel } from './people';
import { bold, table, text } from './markdown';

/** Releases shown, the hovered one included. */
export const TIMELINE_LENGTH = 8;
/** A silence longer than this between two shown releases gets a row of its own. */
export const GAP_DAYS = 180;

const MONTH_MS = 30.44 * DAY_MS;

/** "1 year 3 months", "7 months", "2 years": a silence in words, rounded to months. Deterministic. */
export function gapText(ms: number): string {
  const months = Math.max(1, Math.round(ms / MONTH_MS));
  const years = Math.floor(months / 12);
  const rest = months % 12;
  const unit = (count: number, name: string): string => `${count} ${name}${count === 1 ? '' : 's'}`;
  if (years === 0) return unit(rest, 'month');
  return rest === 0 ? unit(years, 'year') : `${unit(years, 'year')} ${unit(rest, 'month')}`;
}

/** Marks for one release: how it was made and what it runs. Safe Markdown. */
export function releaseMarks(version: VersionSummary): string[] {
  const marks: string[] = [];
  if (version.provenance) marks.push('✓ provenance');
  for (const hook of installHooks(version)) marks.push(`⚠ ${text(hook, 60)}`);
  if (version.deprecated !== undefined) marks.push('deprecated');
  return marks;
}

/** The section's lines: a heading and a table, or nothing when no release is dated. */
export function timelineSection(summary: PackageSummary, version: string | undefined): string[] {
  const history = publishHistory(summary);
  if (history.length === 0) return [];
  const index = version === undefined ? -1 : history.findIndex((v) => v.version === version);
  const end = index < 0 ? history.length : index + 1;
  const shown = history.slice(Math.max(0, end - TIMELINE_LENGTH), end);
  const rows: string[][] = [];
  shown.forEach((release, i) => {
    const before = shown[i - 1];
    if (before !== undefined) {
      const silence = parseIsoMs(release.publishedAt as string) - parseIsoMs(before.publishedAt as string);
      if (silence > GAP_DAYS * DAY_MS) rows.push(['…', `${gapText(silence)} without a release`, '', '']);
    }
    const who = release.publisher ? maintainerLabel(release.publisher.name, release.publisher.trustedPublisher !== undefined) : '—';
    const cells = [text(release.version, 40), day(release.publishedAt), who];
    const hovered = index >= 0 && i === shown.length - 1;
    rows.push([...(hovered ? cells.map(bold) : cells), releaseMarks(release).join(' · ')]);
  });
  const lines = ['**Releases**', '', ...table(['version', 'published', 'by', ''], rows)];
  const later = index < 0 ? [] : history.slice(index + 1);
  if (later.length > 0) {
    const names = later.map((v) => text(v.version, 40));
    lines.push('', `Published after it: ${list(names, 3)}.`);
  }
  return lines;
}
