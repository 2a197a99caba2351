/**
 * registry-shadowing: a package the project gets from a private registry (a scope routed with
 * `@scope:registry=`, or a private default registry) also exists on the public default registry. A
 * machine without the routing, or a registry that merges both sources, installs the public one, and
 * whoever published that decides what runs: dependency confusion (Birsan 2021). A public version higher
 * than any private one is what such a setup picks, so that is an error; a lower one is a warning, since
 * its owner can publish a higher one at any moment.
 *
 * A mirror is not a shadow: when the public registry has the resolved version with the same contents
 * (integrity), the private registry serves the public package and there is nothing to report.
 */
import * as semver from 'semver';
import { day, list } from '../format';
import { own } from '../registry/records';
import type { PackageSummary, VersionSummary } from '../registry/types';
import type { SignalHit } from './types';

export interface ShadowingInput {
  /** The package as the private registry serves it (the analysis's view). */
  summary: PackageSummary;
  resolved: string;
  /** Where the project gets it from. */
  registry: string;
  publicRegistry: string;
  /** The public registry's package of the same name (the analysis's view); undefined when it has none. */
  publicSummary: PackageSummary | undefined;
}

export function registryShadowing(input: ShadowingInput): SignalHit | undefined {
  const { summary, resolved, publicSummary } = input;
  if (!publicSummary || Object.keys(publicSummary.versions).length === 0) return undefined;
  const mine = own(summary.versions, resolved);
  const theirs = own(publicSummary.versions, resolved);
  if (mine && theirs && (mine.integrity === undefined || theirs.integrity === undefined || mine.integrity === theirs.integrity)) return undefined;

  const privateHighest = highest(Object.keys(summary.versions));
  const publicHighest = highest(Object.keys(publicSummary.versions));
  const higher = publicHighest !== undefined && (privateHighest === undefined || semver.gt(publicHighest, privateHighest, { loose: true }));
  const top = publicHighest === undefined ? undefined : own(publicSummary.versions, publicHighest);
  const publishers = [...new Set(Object.values(publicSummary.versions).map((v) => v.publisher?.name).filter((n): n is string => n !== undefined))];
  const contentsDiffer = mine !== undefined && theirs !== undefined;
  return {
    signal: 'registry-shadowing',
    severity: higher ? 'error' : 'warning',
    message: message(input, top, higher, privateHighest, publishers, contentsDiffer),
    evidence: {
      version: resolved,
      registry: input.registry,
      publicRegistry: input.publicRegistry,
      privateHighest: privateHighest ?? null,
      publicHighest: publicHighest ?? null,
      publicLatest: own(publicSummary.distTags, 'latest') ?? null,
      publicVersions: Object.keys(publicSummary.versions).length,
      publicCreated: publicSummary.created ?? null,
      publicPublishers: publishers.slice(0, 10),
      sameVersionDiffers: contentsDiffer,
    },
  };
}

function message(
  input: ShadowingInput,
  top: VersionSummary | undefined,
  higher: boolean,
  privateHighest: string | undefined,
  publishers: string[],
  contentsDiffer: boolean,
): string {
  const name = input.summary.name;
  const what = top
    ? `${top.version} (published ${day(top.publishedAt)} by ${top.publisher?.name ?? 'an unrecorded account'})`
    : 'versions of its own';
  const by = publishers.length > 0 ? ` Its publishers there: ${list(publishers)}.` : '';
  const differ = contentsDiffer ? ` Even ${input.resolved} exists there, with other contents than yours.` : '';
  const risk = higher
    ? ` That is higher than anything ${input.registry} has (${privateHighest ?? 'none'}): a machine without your registry routing, or a registry that merges both, installs it.`
    : ' It is not higher than yours today, but its owner can publish a higher one at any moment.';
  return (
    `${name} comes from ${input.registry}, but ${input.publicRegistry} also has a package of that name, up to ${what}.${risk}${differ}${by} ` +
    `This is dependency confusion. Claim the name (or scope) on ${input.publicRegistry} if it is yours, route its scope ` +
    `explicitly, and install from a lockfile with integrity hashes.`
  );
}

function highest(versions: string[]): string | undefined {
  const valid = versions.filter((v) => semver.valid(v, { loose: true }) !== null);
  return valid.sort((a, b) => semver.rcompare(a, b, { loose: true }))[0];
}
