/**
 * The hover's maintainer history: who holds publish rights now, who published before and left, and which
 * CI identities (trusted publishing) released it, from the registry's own snapshots (maintainers.ts).
 */
import { day, DAY_MS } from '../format';
import { parseIsoMs } from '../registry/history';
import { maintainerHistory, publisherRecords, type PublisherRecord } from '../registry/maintainers';
import type { PackageSummary, VersionSummary } from '../registry/types';
import { bold, table, text } from './markdown';

/** Joined within this many days of the analysis instant: marked "new" (maintainer-added's window). */
export const NEWCOMER_DAYS = 90;
/** Rows shown; the rest are counted. */
const MAX_ROWS = 8;

export interface MaintainerRow {
  name: string;
  /** A trusted-publishing identity (CI through OIDC), not a person. */
  ci: boolean;
  /** First seen with rights (join) or first publish, whichever is known and earlier. */
  since?: string;
  /** Only the current list names the account: it joined at or before `since`. */
  approximate: boolean;
  versions: number;
  firstPublished?: string;
  lastPublished?: string;
  isNew: boolean;
  left: boolean;
  publishedThis: boolean;
}

/**
 * Current maintainers (registry order), the CI identities that published, then publishers no longer on
 * the list (most recent first); the account that published `version` first of all.
 */
export function maintainerRows(summary: PackageSummary, version: VersionSummary | undefined, now: Date): MaintainerRow[] {
  const { history, current, joins, publishers } = maintainerHistory(summary);
  const records = new Map(publishers.map((record) => [record.name, record]));
  const who = version?.publisher;
  const byThis = (name: string, ci: boolean): boolean => who !== undefined && who.name === name && (who.trustedPublisher !== undefined) === ci;
  const rows: MaintainerRow[] = [];
  for (const name of current) {
    const join = joins.get(name);
    const record = records.get(name);
    const since = earliest(join?.at, record?.firstPublished);
    const approximate = join?.approximate === true && record === undefined;
    const age = since === undefined ? Number.NaN : now.getTime() - parseIsoMs(since);
    rows.push({ ...counts(record), name, ci: false, since, approximate, isNew: age >= 0 && age <= NEWCOMER_DAYS * DAY_MS, left: false, publishedThis: byThis(name, false) });
  }
  const trusted = history.filter((v) => v.publisher?.trustedPublisher !== undefined);
  for (const record of ciRecords(trusted)) {
    rows.push({ ...counts(record), name: record.name, ci: true, since: record.firstPublished, approximate: false, isNew: false, left: false, publishedThis: byThis(record.name, true) });
  }
  // Without a current list (old documents have none) nobody can be said to have left.
  const gone = current.length === 0 ? [] : publishers.filter((record) => !current.includes(record.name));
  gone.sort((a, b) => parseIsoMs(b.lastPublished) - parseIsoMs(a.lastPublished) || (a.name < b.name ? -1 : 1));
  for (const record of gone) {
    rows.push({ ...counts(record), name: record.name, ci: false, since: record.firstPublished, approximate: false, isNew: false, left: true, publishedThis: byThis(record.name, false) });
  }
  if (who && !rows.some((row) => row.publishedThis)) {
    // An undated release: no record places its publisher in time, but it is still who published it.
    rows.push({ name: who.name, ci: who.trustedPublisher !== undefined, approximate: false, versions: 0, isNew: false, left: !current.includes(who.name) && current.length > 0 && who.trustedPublisher === undefined, publishedThis: true });
  }
  const first = rows.findIndex((row) => row.publishedThis);
  if (first > 0) rows.unshift(...rows.splice(first, 1));
  return rows;
}

/** CI identities' releases, counted like people's (publisherRecords leaves them out on purpose). */
function ciRecords(versions: readonly VersionSummary[]): PublisherRecord[] {
  // publisherRecords skips trusted releases, so count them as if published by hand.
  const asManual = versions.map((v) => ({ ...v, publisher: v.publisher ? { name: v.publisher.name } : undefined }));
  return publisherRecords(asManual);
}

function counts(record: PublisherRecord | undefined): Pick<MaintainerRow, 'versions' | 'firstPublished' | 'lastPublished'> {
  return record ? { versions: record.versions, firstPublished: record.firstPublished, lastPublished: record.lastPublished } : { versions: 0 };
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return parseIsoMs(a) <= parseIsoMs(b) ? a : b;
}

export function maintainerLabel(name: string, ci: boolean): string {
  return ci ? `${text(name, 60)} (trusted publishing)` : text(name, 60);
}

/** The section's lines: a heading and a table, or nothing when the registry names nobody. */
export function maintainerSection(rows: readonly MaintainerRow[]): string[] {
  if (rows.length === 0) return [];
  const shown = rows.slice(0, MAX_ROWS).map((row) => {
    const name = maintainerLabel(row.name, row.ci);
    const since = row.since === undefined ? '—' : `${row.approximate ? 'by ' : ''}${day(row.since)}`;
    const published = publishedRange(row);
    const notes = [row.ci ? 'CI' : '', row.isNew ? '**new**' : '', row.left ? 'left' : '', row.publishedThis ? '**published this version**' : ''];
    return [row.publishedThis ? bold(name) : name, since, String(row.versions), published, notes.filter((n) => n !== '').join(' · ')];
  });
  const more = rows.length - shown.length;
  if (more > 0) shown.push([`… ${more} more`, '', '', '', '']);
  return ['**Maintainers**', '', ...table(['account', 'since', 'versions', 'published', ''], shown)];
}

function publishedRange(row: MaintainerRow): string {
  if (row.firstPublished === undefined || row.lastPublished === undefined) return '—';
  const first = day(row.firstPublished);
  const last = day(row.lastPublished);
  return first === last ? first : `${first} – ${last}`;
}
