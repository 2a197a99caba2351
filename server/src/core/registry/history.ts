/** A package's publish history ordered by time: what signals compare a version against. */
import type { PackageSummary, VersionSummary } from './types';

/** Dated versions, oldest first. Undated versions cannot be placed in time and are left out. */
export function publishHistory(summary: PackageSummary): VersionSummary[] {
  return Object.values(summary.versions)
    .filter((v) => v.publishedAt !== undefined)
    .sort((a, b) => Date.parse(a.publishedAt as string) - Date.parse(b.publishedAt as string));
}

/** Versions published strictly before `version`, newest first. Empty when `version` is undated. */
export function publishedBefore(history: VersionSummary[], version: VersionSummary): VersionSummary[] {
  if (version.publishedAt === undefined) return [];
  const at = Date.parse(version.publishedAt);
  return history.filter((v) => Date.parse(v.publishedAt as string) < at).reverse();
}

export function runsAtInstall(version: VersionSummary): boolean {
  return version.gypfile || Object.keys(version.installScripts).length > 0;
}

/** "preinstall", "install (node-gyp rebuild)", ... for messages. */
export function installHooks(version: VersionSummary): string[] {
  const hooks = Object.keys(version.installScripts);
  if (version.gypfile && !version.installScripts.install) hooks.push('install (implicit node-gyp rebuild)');
  return hooks;
}

export function publisherLabel(version: VersionSummary): string {
  const who = version.publisher;
  if (!who) return 'an unrecorded account';
  return who.trustedPublisher ? `${who.name} (trusted publishing)` : who.name;
}
