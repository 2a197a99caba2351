/**
 * trust-downgrade: the releases before this one were built with provenance (`dist.attestations`) or
 * published by a trusted publisher (CI through OIDC), and this one is neither. A stolen token can publish,
 * but it cannot forge the CI's provenance: dropping it is how the nx (2025) and axios (2026) releases
 * looked. Provenance on the earlier releases is not proof they are safe; it only makes its absence here
 * a change worth explaining.
 */
import { day } from '../format';
import { publisherLabel } from '../registry/history';
import type { VersionSummary } from '../registry/types';
import type { Signal } from './types';
import { fadesWithTime } from './vetting';

export function isAttested(version: VersionSummary): boolean {
  return version.provenance || version.publisher?.trustedPublisher !== undefined;
}

function how(version: VersionSummary): string {
  const parts: string[] = [];
  if (version.publisher?.trustedPublisher) parts.push(`trusted publishing (${version.publisher.trustedPublisher})`);
  if (version.provenance) parts.push('provenance');
  return parts.join(' and ');
}

export const trustDowngrade: Signal = fadesWithTime(({ summary, version, earlier }) => {
  const previous = earlier[0];
  if (isAttested(version) || !previous || !isAttested(previous)) return undefined;
  let since = previous;
  let run = 0;
  for (const release of earlier) {
    if (!isAttested(release)) break;
    since = release;
    run++;
  }
  return {
    signal: 'trust-downgrade',
    severity: 'error',
    message:
      `${summary.name}@${version.version} was published by ${publisherLabel(version)} without provenance or trusted publishing, ` +
      `while ${previous.version} (${day(previous.publishedAt)}) and the ${run === 1 ? 'release' : `${run} releases`} since ` +
      `${since.version} (${day(since.publishedAt)}) came with ${how(previous)}. A stolen token can publish but cannot forge ` +
      `the CI's provenance: this is how the nx (2025) and axios (2026) malicious releases looked.`,
    evidence: {
      version: version.version,
      publishedAt: version.publishedAt ?? null,
      publisher: version.publisher?.name ?? null,
      previousVersion: previous.version,
      previousPublishedAt: previous.publishedAt ?? null,
      previousPublisher: previous.publisher?.name ?? null,
      previousProvenance: previous.provenance,
      previousTrustedPublisher: previous.publisher?.trustedPublisher ?? null,
      attestedSince: since.version,
      attestedReleases: run,
    },
  };
});
