/**
 * Who held publish rights when, reconstructed from the registry's own snapshots: each version's document
 * records the maintainer list at its publish time, and the top-level list is today's (in a replay, the
 * newest visible version's). Between two snapshots the registry keeps no record, so a join is dated by the
 * first snapshot that shows it; an account only on the top-level list joined after the last release, and
 * its date is approximate (the document's last modification, else that release).
 *
 * Trusted-publisher identities (npm's OIDC publishing, e.g. "GitHub Actions") are CI, not people given
 * rights: they are left out of every list here.
 */
import { publishHistory } from './history';
import type { PackageSummary, VersionSummary } from './types';

export interface Join {
  name: string;
  /** ISO time the account was first seen with rights. */
  at: string;
  /** The first version whose maintainer list names it (or that it published); null when only the current list does. */
  version: string | null;
  /** True when only the current list names it: it joined after the last release, at or before `at`. */
  approximate: boolean;
  /** Who held rights in the snapshot before (people), when one exists. */
  before: string[];
  /** Every account (itself included) that first appears in the same snapshot. */
  together: string[];
}

export interface PublisherRecord {
  name: string;
  versions: number;
  firstPublished: string;
  lastPublished: string;
}

export interface MaintainerHistory {
  /** Dated versions, oldest first. */
  history: VersionSummary[];
  /** Current maintainers (people), in the registry's order. */
  current: string[];
  /** When each current maintainer joined; undefined for accounts no snapshot or date can place. */
  joins: Map<string, Join>;
  /** Accounts that published by hand (not through trusted publishing), by first publish. */
  publishers: PublisherRecord[];
}

/** Names that ever published through trusted publishing: CI identities, not maintainers. */
function trustedIdentities(versions: readonly VersionSummary[]): Set<string> {
  return new Set(versions.flatMap((v) => (v.publisher?.trustedPublisher ? [v.publisher.name] : [])));
}

/** Per summary: both maintainer signals read it, and the pin selection asks again for every candidate. */
const CACHE = new WeakMap<PackageSummary, MaintainerHistory>();

export function maintainerHistory(summary: PackageSummary): MaintainerHistory {
  let cached = CACHE.get(summary);
  if (!cached) CACHE.set(summary, (cached = reconstruct(summary)));
  return cached;
}

function reconstruct(summary: PackageSummary): MaintainerHistory {
  const history = publishHistory(summary);
  const trusted = trustedIdentities(history);
  const current = summary.maintainers.map((m) => m.name).filter((name) => !trusted.has(name));
  const snapshots = snapshotsOf(history, trusted);
  const seen = new Map<string, number>();
  for (let index = 0; index < snapshots.length; index++) {
    for (const name of snapshots[index] as string[]) if (!seen.has(name)) seen.set(name, index);
  }
  const firstSeen = (name: string): number => seen.get(name) ?? -1;
  const joins = new Map<string, Join>();
  for (const name of current) {
    const index = firstSeen(name);
    if (index >= 0) {
      const version = history[index] as VersionSummary;
      const before = snapshots.slice(0, index).reverse().find((list) => list.length > 0) ?? [];
      const together = (snapshots[index] as string[]).filter((other) => !before.includes(other) && firstSeen(other) === index);
      joins.set(name, { name, at: version.publishedAt as string, version: version.version, approximate: false, before, together });
      continue;
    }
    // Only the current list names it. That says "joined after the last release" only if the last release
    // recorded a list at all: old documents have none, and their top-level list is today's, not then's.
    const last = history[history.length - 1];
    const lastList = snapshots[snapshots.length - 1] ?? [];
    const at = latest(summary.modified, last?.publishedAt);
    if (!at || lastList.length === 0) continue;
    const together = current.filter((other) => firstSeen(other) < 0);
    joins.set(name, { name, at, version: null, approximate: true, before: lastList, together });
  }
  return { history, current, joins, publishers: publisherRecords(history) };
}

/**
 * Each version's snapshot, oldest first. Neighbouring versions mostly share their maintainer list and
 * publisher (decoded summaries hold equal neighbouring values once, summaryCodec.ts): their snapshot is
 * then one array, made once. A package with thousands of versions made as many arrays before, the
 * largest allocation of an analysis (12 of 190 MB in the bench's warm run).
 */
function snapshotsOf(history: readonly VersionSummary[], trusted: ReadonlySet<string>): string[][] {
  const snapshots: string[][] = [];
  let previous: VersionSummary | undefined;
  for (const version of history) {
    const last = snapshots[snapshots.length - 1];
    const same = last !== undefined && version.maintainers === previous?.maintainers && version.publisher === previous.publisher;
    snapshots.push(same ? last : people(version, trusted));
    previous = version;
  }
  return snapshots;
}

/** A version's snapshot of who had rights: its list, plus its publisher (publishing proves rights then). */
function people(version: VersionSummary, trusted: ReadonlySet<string>): string[] {
  const names = version.maintainers.filter((name) => !trusted.has(name));
  const who = version.publisher;
  if (who && !who.trustedPublisher && !names.includes(who.name)) names.push(who.name);
  return names;
}

/** Publishers of `versions` who did not publish through trusted publishing, by first publish. */
export function publisherRecords(versions: readonly VersionSummary[]): PublisherRecord[] {
  const records = new Map<string, PublisherRecord>();
  for (const version of versions) {
    const who = version.publisher;
    if (!who || who.trustedPublisher || version.publishedAt === undefined) continue;
    const record = records.get(who.name);
    if (record) {
      record.versions++;
      record.lastPublished = version.publishedAt;
    } else {
      records.set(who.name, { name: who.name, versions: 1, firstPublished: version.publishedAt, lastPublished: version.publishedAt });
    }
  }
  return [...records.values()];
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
