/**
 * ownership-change: every account that published the package has left its maintainers, and those who
 * hold it now had not published it before they left. The people whose releases earned the package its users no longer control it:
 * event-stream (2018) was handed to a stranger this way, and an expired-domain account takeover looks the
 * same from outside. Handovers are often legitimate (a project moving to an organisation), so the finding
 * says who left and who holds the rights now.
 *
 * A successor who published while the previous publishers were still maintainers has a record of their
 * own with the package (body-parser passing from its author to its long-time co-maintainer) and is not a
 * stranger; releases the new hands made after the change do not make the old guard stay. A handover
 * older than 90 days has been lived with and is reported as information only; after a year, not at all
 * (a long-lived package that moved to new hands years ago is simply their package now).
 */
import { day, list } from '../format';
import { maintainerHistory, publisherRecords } from '../registry/maintainers';
import type { VersionSummary } from '../registry/types';
import type { Signal } from './types';
import { VETTED_BY_TIME_MS } from './vetting';
import { elapsedSince } from '../elapsed';

/** A handover older than this is history, not news. */
const SETTLED_MS = 365 * 24 * 60 * 60 * 1000;

export const ownershipChange: Signal = ({ summary, now }) => {
  const { history, current } = maintainerHistory(summary);
  if (current.length === 0) return undefined;
  const publishers = publisherRecords(history);
  const previous = publishers.filter((p) => !current.includes(p.name));
  if (previous.length === 0) return undefined;
  const gone = previous.map((p) => p.name);
  const left = departure(history, summary.modified, gone);
  // Someone who now holds it and had published it before the others left is a successor with a record.
  if (publishers.some((p) => current.includes(p.name) && Date.parse(p.firstPublished) < Date.parse(left.at))) return undefined;
  const age = elapsedSince(now, Date.parse(left.at));
  if (age.atLeast(SETTLED_MS)) return undefined;
  const vetted = age.atLeast(VETTED_BY_TIME_MS);
  const who = previous.map((p) => `${p.name} (${p.versions} release${p.versions === 1 ? '' : 's'}, last ${day(p.lastPublished)})`);
  return {
    signal: 'ownership-change',
    severity: vetted ? 'information' : 'warning',
    message:
      `Everyone who published ${summary.name} before has left its maintainers: ${list(who)}. It is now in the hands of ` +
      `${list(current)}, who had not published it before (the change came ${left.approximate ? `after the last release, by ${day(left.at)} at the latest` : `with ${left.version as string}, ${day(left.at)}`}). ` +
      (vetted
        ? `The change is ${age.words()} old and has been lived with; shown so you know who ships it now.`
        : `A handed-over package is how event-stream was compromised: make sure the project announced the move before taking releases from the new owners.`),
    evidence: {
      previousPublishers: previous.map((p) => ({ ...p })),
      maintainers: current,
      changedAt: left.at,
      changedWith: left.version,
      approximate: left.approximate,
      ...(vetted && { vettedByTime: true }),
    },
  };
};

/** When the old publishers were last seen gone: the first snapshot after the last one naming any of them. */
function departure(history: VersionSummary[], modified: string | undefined, gone: string[]): { at: string; version: string | null; approximate: boolean } {
  let lastSeen = -1;
  history.forEach((v, i) => {
    if (v.maintainers.some((name) => gone.includes(name)) || gone.includes(v.publisher?.name ?? '')) lastSeen = i;
  });
  const next = history.slice(lastSeen + 1).find((v) => v.maintainers.length > 0);
  if (next) return { at: next.publishedAt as string, version: next.version, approximate: false };
  const last = history[history.length - 1];
  return { at: modified ?? (last?.publishedAt as string), version: null, approximate: true };
}
