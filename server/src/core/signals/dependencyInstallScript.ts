/**
 * install-script-added, through a new dependency: the version depends on a package the release before it
 * did not, and the version of that package its spec gave when this release was published runs install
 * scripts. Installing the release then runs code at install that the previous one did not, exactly as if
 * it had added the script itself: axios 1.14.1 (2026) added plain-crypto-js, whose newest version had a
 * `postinstall`. The dependency is resolved the way npm would have resolved it at that instant (the same
 * resolveVersion on the registry as it was then), since that is the release the attacker prepared.
 *
 * Like the package's own install scripts, this is code, not circumstance: it never fades with time.
 */
import { day, list } from '../format';
import type { LookupFn } from '../lookups';
import { viewAsOf } from '../registry/asOf';
import { installHooks, publisherLabel, runsAtInstall } from '../registry/history';
import { own } from '../registry/records';
import type { VersionSummary } from '../registry/types';
import { resolveVersion } from '../resolve';
import { addedRegistryDependencies, type DependencyChange } from './dependencyChanges';
import type { SignalContext, SignalHit } from './types';
import { MAX_ADDED_LOOKUPS } from './youngDependencyAdded';

interface Scripted {
  change: DependencyChange;
  version: VersionSummary;
}

export function dependencyInstallScript({ summary, version, earlier }: SignalContext, lookup: LookupFn): SignalHit | undefined {
  const previous = earlier[0];
  if (!previous || version.publishedAt === undefined) return undefined;
  const publishedAt = new Date(version.publishedAt);
  const scripted: Scripted[] = [];
  for (const change of addedRegistryDependencies(version, previous).slice(0, MAX_ADDED_LOOKUPS)) {
    const answer = lookup(change.package);
    const then = answer?.ok ? viewAsOf(answer.summary, publishedAt) : undefined;
    if (!then) continue;
    const resolution = resolveVersion(then, change.range);
    const resolved = resolution.ok ? own(then.versions, resolution.version) : undefined;
    if (resolved && runsAtInstall(resolved)) scripted.push({ change, version: resolved });
  }
  if (scripted.length === 0) return undefined;
  const named = scripted.map(({ change, version: dep }) => {
    const scripts = scriptLines(dep).map((line) => `\`${line.slice(0, 80)}\``);
    return `${change.package} (${change.spec.slice(0, 100)}), whose ${dep.version} — what that spec gave at the time — runs ${list(scripts)} at install`;
  });
  return {
    signal: 'install-script-added',
    severity: 'error',
    message:
      `${summary.name}@${version.version} (${day(version.publishedAt)}, by ${publisherLabel(version)}) adds the ` +
      `${scripted.length === 1 ? 'dependency' : 'dependencies'} ${list(named)}; ${previous.version} did not depend on ` +
      `${scripted.length === 1 ? 'it' : 'them'}. Installing ${summary.name}@${version.version} runs that code with your rights: the axios 2026 release ` +
      `delivered its payload exactly this way (plain-crypto-js and its postinstall).`,
    evidence: {
      version: version.version,
      publishedAt: version.publishedAt,
      publisher: version.publisher?.name ?? null,
      previousVersion: previous.version,
      dependencies: scripted.map(({ change, version: dep }) => ({
        name: change.package,
        spec: change.spec.slice(0, 200),
        optional: change.optional,
        version: dep.version,
        publishedAt: dep.publishedAt ?? null,
        publisher: dep.publisher?.name ?? null,
        scripts: scriptLines(dep),
      })),
    },
  };
}

function scriptLines(version: VersionSummary): string[] {
  const lines = Object.entries(version.installScripts).map(([hook, line]) => `${hook}: ${line.slice(0, 120)}`);
  return lines.length > 0 ? lines : installHooks(version);
}
