/**
 * maintainer-added: an account joined the package's maintainers within the last 90 days and has not
 * published it yet. A newcomer given rights before acting is the xz-utils pattern (2024), and how
 * event-stream changed hands (2018): the new account's first release is the one to watch. Once it
 * publishes, new-publisher reports that release; a co-maintainer who publishes is not this signal's business.
 *
 * Both incidents had the same shape: one person's package, one stranger added. That is a warning. A team
 * that already had several maintainers adding one more is how organisations work: information. Three or
 * more accounts appearing at once is a team or organisation being synchronised, not one person being
 * trusted, and is not reported.
 *
 * The finding is about the package, not the resolved version: it says whose release may come next.
 */
import { day, list } from '../format';
import { maintainerHistory, type Join } from '../registry/maintainers';
import type { Severity } from '../finding';
import type { Signal } from './types';
import { elapsedSince } from '../elapsed';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a new maintainer stays news: the same window after which a release counts as vetted by time. */
export const RECENT_MAINTAINER_DAYS = 90;
/** This many accounts appearing in one snapshot is a team sync, not a person being handed a package. */
const TEAM_SYNC = 3;

export const maintainerAdded: Signal = ({ summary, now }) => {
  const { history, current, joins, publishers } = maintainerHistory(summary);
  const published = new Set(publishers.map((p) => p.name));
  const added: Join[] = [];
  for (const name of current) {
    const join = joins.get(name);
    if (!join || published.has(name) || join.together.length >= TEAM_SYNC) continue;
    const at = Date.parse(join.at);
    // A founder is not an addition: some release must have come out before the account was there.
    const before = history.some((v) => Date.parse(v.publishedAt as string) < at);
    const since = elapsedSince(now, at);
    // Joined within the window, and not after the analysis instant (a replay sees only the past).
    if (!since.over(RECENT_MAINTAINER_DAYS * DAY_MS) && since.atLeast(0) && before) added.push(join);
  }
  if (added.length === 0) return undefined;
  const solo = added.some((j) => j.before.length <= 1);
  const severity: Severity = solo ? 'warning' : 'information';
  const names = added.map((j) => j.name);
  const others = current.filter((name) => !names.includes(name));
  const when = (j: Join): string =>
    j.approximate ? `after the last release, by ${day(j.at)} at the latest` : `with ${j.version as string}, ${day(j.at)}`;
  return {
    signal: 'maintainer-added',
    severity,
    message:
      `${summary.name} has ${added.length === 1 ? 'a new maintainer who has' : `${added.length} new maintainers who have`} not published it yet: ` +
      `${added.map((j) => `${j.name} (joined ${when(j)})`).join(', ')}` +
      `${others.length > 0 ? `, beside ${list(others)}` : ''}. ` +
      (solo
        ? `A newcomer given publish rights to one person's package before ever releasing it is how the xz-utils backdoor and the ` +
          `event-stream handover began: find out who they are before taking their first release.`
        : `The package already had several maintainers, so this is most likely the team growing; shown so you know who can publish it.`),
    evidence: {
      added: names,
      joins: added.map((j) => ({ name: j.name, joinedAt: j.at, joinedWith: j.version, approximate: j.approximate, before: j.before })),
      maintainers: current,
      publishers: publishers.map((p) => p.name),
      windowDays: RECENT_MAINTAINER_DAYS,
    },
  };
};
