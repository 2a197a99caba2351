/**
 * The hover card for one dependency (a package.json key or spec, or a lockfile entry): what the analysis
 * found, who publishes the package and how its recent releases were made, from data already in memory.
 * Pure and deterministic: the same input gives the same Markdown (UTC days, no locale, no clock).
 *
 * Order: title and links, then findings (what to act on), then maintainers and releases (what to read
 * them against). Every registry string is escaped (markdown.ts); every link is built here from validated
 * parts (links.ts); no HTML is ever produced.
 */
import type { DependencyReport } from '../analyze';
import type { Finding } from '../finding';
import { day, duration } from '../format';
import { parseIsoMs } from '../registry/history';
import { own } from '../registry/records';
import type { PackageSummary, VersionSummary } from '../registry/types';
import { parseVersion } from '../resolve';
import { findingsSection } from './findings';
import { isPublicRegistry, npmDiffUrl, npmPageUrl, repositoryWebLink } from './links';
import { bold, link, text } from './markdown';
import { maintainerLabel, maintainerRows, maintainerSection } from './people';
import { timelineSection } from './timeline';

export interface HoverInput {
  /** The dependency hovered: declared in package.json, or a lockfile entry (section 'lockfile'). */
  report: DependencyReport;
  /** The registry's data as the analysis saw it (viewed as of the analysis instant); undefined while loading or on error. */
  summary: PackageSummary | undefined;
  /** The findings on this dependency (same file and range). */
  findings: readonly Finding[];
  /** The analysis instant. */
  now: Date;
  /** The registry the package comes from: npm and diff links only for the public one. Absent: no such links. */
  registryUrl?: string;
  /** Data being fetched. */
  loading?: boolean;
  /** Why the data is unavailable (already a safe message: no tokens, no response bodies). */
  error?: string;
}

const DESCRIPTION_MAX = 200;

export function hoverCard(input: HoverInput): string {
  const { report, summary } = input;
  const name = text(report.package || report.name, 100);
  if (summary === undefined && input.loading === true) return `${name} — loading registry data…`;
  if (summary === undefined && input.error !== undefined) return `${name} — registry data unavailable: ${text(input.error, 200)}`;
  const version = summary !== undefined && report.version !== undefined ? own(summary.versions, report.version) : undefined;
  const blocks: string[][] = [
    [titleLine(input, version)],
    summary?.description === undefined ? [] : [text(summary.description, DESCRIPTION_MAX)],
    linksLine(input, version),
    version?.deprecated === undefined ? [] : [`${bold('Deprecated:')} "${text(version.deprecated, DESCRIPTION_MAX)}"`],
    notesLine(input),
    findingsSection(input.findings, version === undefined ? undefined : version.version),
    summary === undefined ? [] : maintainerSection(maintainerRows(summary, version, input.now)),
    summary === undefined ? [] : timelineSection(summary, version?.version),
  ];
  return blocks
    .filter((block) => block.length > 0)
    .map((block) => block.join('\n'))
    .join('\n\n');
}

/** **name@version** · published 3 days ago by x · MIT · locked in package-lock.json */
function titleLine(input: HoverInput, version: VersionSummary | undefined): string {
  const { report, summary } = input;
  const shown = report.version === undefined ? report.package || report.name : `${report.package || report.name}@${report.version}`;
  const parts = [bold(text(shown, 160))];
  if (report.name !== report.package && report.package !== '') parts.push(`as ${text(report.name, 100)}`);
  if (version?.publishedAt !== undefined) {
    const age = input.now.getTime() - parseIsoMs(version.publishedAt);
    const when = age >= 0 ? `${duration(age)} ago` : day(version.publishedAt);
    const by = version.publisher ? ` by ${maintainerLabel(version.publisher.name, version.publisher.trustedPublisher !== undefined)}` : '';
    parts.push(`published ${when}${by}`);
  }
  if (summary?.license !== undefined) parts.push(text(summary.license, 40));
  if (report.section === 'lockfile') parts.push(`entry in ${text(report.file, 80)}`);
  else if (report.locked !== undefined) parts.push(`locked in ${text(report.locked.lockfile, 80)}`);
  return parts.join(' · ');
}

/** npm page and diff (public registry only), repository (http(s) only, without credentials). */
function linksLine(input: HoverInput, version: VersionSummary | undefined): string[] {
  const { report, summary } = input;
  if (summary === undefined) return [];
  const links: string[] = [];
  const isPublic = isPublicRegistry(input.registryUrl);
  if (isPublic) links.push(link('npm', npmPageUrl(summary.name)));
  const repository = version?.repository ?? summary.repository;
  const web = repository === undefined ? undefined : repositoryWebLink(repository);
  if (web !== undefined) links.push(link(text(web.shown, 80), web.url));
  const previous = version === undefined ? undefined : previousRelease(summary, version);
  if (isPublic && previous !== undefined && report.version !== undefined) {
    links.push(link(`diff ${text(previous, 40)} → ${text(report.version, 40)}`, npmDiffUrl(summary.name, previous, report.version)));
  }
  return links.length === 0 ? [] : [links.join(' · ')];
}

/**
 * The release to diff against: the highest version below this one (semver) published before it, so a
 * backport on an old line is compared with that line, not with the newest release.
 */
export function previousRelease(summary: PackageSummary, version: VersionSummary): string | undefined {
  const self = parseVersion(version.version);
  if (self === null) return undefined;
  const at = version.publishedAt === undefined ? Number.POSITIVE_INFINITY : parseIsoMs(version.publishedAt);
  let best: { version: string; parsed: NonNullable<ReturnType<typeof parseVersion>> } | undefined;
  for (const candidate of Object.values(summary.versions)) {
    if (candidate.publishedAt !== undefined && !(parseIsoMs(candidate.publishedAt) < at)) continue;
    const parsed = parseVersion(candidate.version);
    if (parsed === null || parsed.compare(self) >= 0) continue;
    if (best === undefined || parsed.compare(best.parsed) > 0) best = { version: candidate.version, parsed };
  }
  return best?.version;
}

/** Where the data came from, when that changes how far to trust it. */
function notesLine(input: HoverInput): string[] {
  const notes: string[] = [];
  const source = input.report.source;
  if (source?.stale === true) notes.push(`Registry unreachable: cached data${source.fetchedAt ? ` from ${day(source.fetchedAt)}` : ''}.`);
  if (input.summary !== undefined && input.error !== undefined) notes.push(`Registry: ${text(input.error, 200)}`);
  if (input.summary === undefined && input.error === undefined && input.report.status !== 'checked') {
    const why = STATUS_NOTES[input.report.status];
    if (why !== undefined) notes.push(why);
  }
  return notes.length === 0 ? [] : [`*${notes.join(' ')}*`];
}

const STATUS_NOTES: Partial<Record<DependencyReport['status'], string>> = {
  'not-registry': 'Not from the registry: no publish history to show.',
  unresolved: 'No published version satisfies the range.',
  cancelled: 'Not checked yet.',
};
