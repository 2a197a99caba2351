/**
 * new-publisher: the version was published by an account that never published this package before, or
 * by hand after a run of trusted-publishing (CI) releases. A stolen or handed-over account is the common
 * root of event-stream, eslint-scope, nx and the 2025 chalk/debug compromise; a manual token publish
 * breaking a CI-only habit is how the nx and axios releases looked.
 *
 * A first switch *to* trusted publishing is an improvement, not a risk, and is never flagged here. A
 * co-maintainer who held publish rights for months before first publishing (picomatch 2.2.2) is routine
 * team work: reported as information, not as a warning, so the warning keeps its meaning.
 */
import { day, list } from '../format';
import type { Evidence, Severity } from '../finding';
import type { Publisher, VersionSummary } from '../registry/types';
import type { Signal, SignalContext, SignalHit } from './types';
import { fadesWithTime } from './vetting';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A maintainer listed this long before their first publish is an established member of the team. */
const ESTABLISHED_MAINTAINER_MS = 90 * DAY_MS;
const CAUTION = ' Check the release notes and the diff before trusting it.';

interface PublisherRecord {
  name: string;
  count: number;
  first: VersionSummary;
  last: VersionSummary;
}

export const newPublisher: Signal = fadesWithTime(detect, CAUTION);

function detect({ summary, version, earlier }: SignalContext): SignalHit | undefined {
  const publisher = version.publisher;
  const published = earlier.filter((v) => v.publisher !== undefined);
  const previous = published[0];
  if (!publisher || !previous || publisher.trustedPublisher) return undefined;
  const records = publisherRecords(published);
  const mine = records.find((r) => r.name === publisher.name);
  const evidence: Evidence = {
    version: version.version,
    publishedAt: version.publishedAt ?? null,
    publisher: publisher.name,
    previousVersion: previous.version,
    previousPublisher: previous.publisher?.name ?? null,
    previousPublishers: records.map((r) => ({
      name: r.name,
      versions: r.count,
      firstPublished: r.first.publishedAt ?? null,
      lastPublished: r.last.publishedAt ?? null,
    })),
  };
  const head = `${summary.name}@${version.version} was published by ${publisher.name}`;
  if (!mine) {
    const before = records.map((r) => `${r.name} (${r.count} version${r.count === 1 ? '' : 's'}, last ${day(r.last.publishedAt)})`);
    const since = maintainerSince(publisher.name, published);
    evidence.maintainerSince = since?.publishedAt ?? null;
    const established = since !== undefined && isEstablished(since, version);
    if (established) {
      return hit(
        `${head}, who had not published it before but has been a listed maintainer since ${since.version} ` +
          `(${day(since.publishedAt)}); earlier releases came from ${list(before)}. A long-standing co-maintainer's first ` +
          `release is usually routine; shown so you know who shipped it.`,
        evidence,
        'information',
      );
    }
    return hit(
      `${head}, an account that never published this package before` +
        (since ? ` and only became a maintainer with ${since.version} (${day(since.publishedAt)})` : ' and was not a maintainer of any earlier release') +
        `; earlier releases came from ${list(before)}. A new hand on an established package is how handovers and stolen ` +
        `accounts look (event-stream, eslint-scope).${CAUTION}`,
      evidence,
    );
  }
  if (previous.publisher?.trustedPublisher) {
    const since = trustedRunStart(published);
    const email = emailChange(publisher, mine.last.publisher);
    evidence.trustedPublisher = previous.publisher.trustedPublisher;
    if (email) evidence.emailChange = email;
    return hit(
      `${head} by hand (a personal npm token), while the releases before it came from ${previous.publisher.name} ` +
        `through trusted publishing since ${since.version} (${day(since.publishedAt)}).` +
        (email ? ` The account's publishing e-mail also changed (${email}).` : '') +
        ` A manual publish breaking a CI-only habit is how stolen-token releases looked (nx 2025, axios 2026).`,
      evidence,
    );
  }
  return undefined;
}

function hit(message: string, evidence: Evidence, severity: Severity = 'warning'): SignalHit {
  return { signal: 'new-publisher', severity, message, evidence };
}

/** The oldest earlier version whose own maintainer list already named this account. */
function maintainerSince(name: string, publishedNewestFirst: VersionSummary[]): VersionSummary | undefined {
  let since: VersionSummary | undefined;
  for (const version of publishedNewestFirst) if (version.maintainers.includes(name)) since = version;
  return since;
}

function isEstablished(since: VersionSummary, version: VersionSummary): boolean {
  return Date.parse(version.publishedAt ?? '') - Date.parse(since.publishedAt ?? '') >= ESTABLISHED_MAINTAINER_MS;
}

function publisherRecords(publishedNewestFirst: VersionSummary[]): PublisherRecord[] {
  const records = new Map<string, PublisherRecord>();
  for (const version of [...publishedNewestFirst].reverse()) {
    const name = version.publisher?.name as string;
    const record = records.get(name);
    if (record) {
      record.count++;
      record.last = version;
    } else {
      records.set(name, { name, count: 1, first: version, last: version });
    }
  }
  return [...records.values()].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
}

/** The oldest version of the unbroken run of trusted-publishing releases right before this one. */
function trustedRunStart(publishedNewestFirst: VersionSummary[]): VersionSummary {
  let start = publishedNewestFirst[0] as VersionSummary;
  for (const version of publishedNewestFirst) {
    if (!version.publisher?.trustedPublisher) break;
    start = version;
  }
  return start;
}

function emailChange(now: Publisher, before: Publisher | undefined): string | undefined {
  if (!now.email || !before?.email || now.email.toLowerCase() === before.email.toLowerCase()) return undefined;
  return `${before.email} → ${now.email}`;
}
