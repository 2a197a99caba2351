/**
 * The lockfile's part of the analysis. With a lockfile, the versions a project installs are the locked
 * ones, so declared dependencies are checked at their locked version, every registry package the
 * lockfile installs is checked on its own entry, entries get the integrity checks, and each declared
 * dependency says which risky packages it brings in (risky-transitive), with the path.
 */
import type { DependencyReport, ProjectFile } from './analyze';
import { SEVERITY_RANK, type Finding, type Severity } from './finding';
import { pathTo, reach } from './lockfile/graph';
import { bindManifest, loadLockfiles, lockedIndex, type Binding, type LoadedLockfile } from './lockfile/load';
import type { LockedPackage } from './lockfile/types';
import type { PackageSummary } from './registry/types';
import { own } from './registry/records';
import { lockfileIntegrityHits } from './signals/lockfileIntegrity';

/** A locked registry package to check, once per name@version per lockfile; `entries` are all its keys. */
export interface LockedTarget {
  report: DependencyReport;
  lockfile: LoadedLockfile;
  entries: number[];
}

/** Where a declared dependency is locked. */
export interface LockedAt {
  binding: Binding;
  index: number;
  entry: LockedPackage;
}

export class LockedProject {
  readonly lockfiles: LoadedLockfile[];
  readonly #bindings = new Map<string, Binding | undefined>();
  /** Per lockfile, the packages the analysed manifests' locked dependencies are (the roots of what they bring in). */
  readonly #roots = new Map<LoadedLockfile, Set<number>>();
  /** Declared dependencies bound to a locked package, for risky-transitive. */
  readonly #direct: Array<{ report: DependencyReport; at: LockedAt }> = [];
  /** Entries `targets` met that come from outside the registry (tarball URLs, git): only their URLs are checked. */
  readonly #remote: Array<{ lockfile: LoadedLockfile; index: number }> = [];

  constructor(files: readonly ProjectFile[]) {
    this.lockfiles = loadLockfiles(files);
  }

  /** Problems in the lockfiles, as findings at the place each breaks. */
  problemFindings(): Finding[] {
    return this.lockfiles.flatMap((lockfile) =>
      lockfile.problems.map((problem) => ({
        file: lockfile.path,
        range: problem.range,
        package: '',
        spec: '',
        signal: 'invalid-lockfile' as const,
        severity: problem.severity,
        message: problem.message,
        evidence: { code: problem.code, lockfile: lockfile.lock.kind, lockfileVersion: lockfile.lock.version },
      })),
    );
  }

  binding(manifestPath: string): Binding | undefined {
    if (!this.#bindings.has(manifestPath)) this.#bindings.set(manifestPath, bindManifest(manifestPath, this.lockfiles));
    return this.#bindings.get(manifestPath);
  }

  /** Where the lockfile bound to the report's manifest locks it; undefined when it is not locked as a registry package. */
  locate(report: DependencyReport): LockedAt | undefined {
    const binding = this.binding(report.file);
    if (!binding) return undefined;
    const index = lockedIndex(binding, report.name, report.spec);
    const entry = index === undefined ? undefined : binding.lockfile.lock.packages[index];
    if (index === undefined || !entry) return undefined;
    let roots = this.#roots.get(binding.lockfile);
    if (!roots) this.#roots.set(binding.lockfile, (roots = new Set()));
    roots.add(index);
    const at = { binding, index, entry };
    this.#direct.push({ report, at });
    return at;
  }

  /**
   * The registry packages to check on their lockfile entries: with `all`, every one the lockfiles list;
   * otherwise those the analysed manifests bring in. One target per name@version per lockfile.
   */
  targets(all: boolean): LockedTarget[] {
    const targets: LockedTarget[] = [];
    for (const lockfile of this.lockfiles) {
      const roots = this.#roots.get(lockfile);
      if (!all && !roots) continue;
      const packages = lockfile.lock.packages;
      const indices = all ? packages.map((_, i) => i) : [...reach(lockfile.lock, roots ?? []).keys()].sort((a, b) => a - b);
      const byId = new Map<string, LockedTarget>();
      for (const index of indices) {
        const entry = packages[index] as LockedPackage;
        if (entry.source !== 'registry') {
          if (entry.source === 'tarball' || entry.source === 'git') this.#remote.push({ lockfile, index });
          continue;
        }
        const id = `${entry.name}@${entry.version}`;
        const known = byId.get(id);
        if (known) {
          known.entries.push(index);
          continue;
        }
        const target = { report: entryReport(lockfile, entry), lockfile, entries: [index] };
        byId.set(id, target);
        targets.push(target);
      }
    }
    return targets;
  }

  /** The integrity checks of every entry `targets` covers, plus remote non-registry entries. */
  integrityFindings(
    targets: readonly LockedTarget[],
    summaries: ReadonlyMap<DependencyReport, PackageSummary>,
    registryUrlFor: ((name: string) => string) | undefined,
    allowed: readonly string[],
  ): Finding[] {
    const findings: Finding[] = [];
    const checks = [
      ...targets.map(({ report, lockfile, entries }) => ({ report, lockfile, entries })),
      ...this.#remote.map(({ lockfile, index }) => ({ report: undefined, lockfile, entries: [index] })),
    ];
    for (const { report, lockfile, entries } of checks) {
      const summary = report && summaries.get(report);
      const registryIntegrity = report && summary ? own(summary.versions, report.spec)?.integrity : undefined;
      for (const index of entries) {
        const entry = lockfile.lock.packages[index] as LockedPackage;
        // Without a registry URL ('') the signal has nothing to hold the host against and says nothing of it.
        const hits = lockfileIntegrityHits({
          entry,
          kind: lockfile.lock.kind,
          registry: registryUrlFor?.(entry.name) ?? '',
          allowed,
          ...(registryIntegrity !== undefined && { registryIntegrity }),
        });
        for (const hit of hits) {
          findings.push({
            file: lockfile.path,
            range: entry.range,
            package: entry.name,
            spec: entry.version,
            version: entry.version,
            signal: hit.signal,
            severity: hit.severity,
            message: hit.message,
            evidence: hit.evidence,
          });
        }
      }
    }
    return findings;
  }

  /**
   * risky-transitive on each declared dependency: the packages below it in the lockfile that have a
   * warning or an error of their own (after the policy), each with the shortest path to it.
   */
  riskyTransitive(findings: readonly Finding[]): Finding[] {
    const risky = new Map<string, Finding[]>();
    for (const finding of findings) {
      if (SEVERITY_RANK[finding.severity] < SEVERITY_RANK.warning || finding.signal === 'risky-transitive') continue;
      const key = `${finding.file}\u0000${finding.range.start}`;
      const list = risky.get(key);
      if (list) list.push(finding);
      else risky.set(key, [finding]);
    }
    if (risky.size === 0) return [];
    const out: Finding[] = [];
    for (const { report, at } of this.#direct) {
      const { lockfile } = at.binding;
      const parents = reach(lockfile.lock, [at.index]);
      const below: RiskyPackage[] = [];
      for (const index of parents.keys()) {
        if (index === at.index) continue;
        const entry = lockfile.lock.packages[index] as LockedPackage;
        const hits = risky.get(`${lockfile.path}\u0000${entry.range.start}`);
        if (!hits) continue;
        const path = pathTo(parents, index).map((i) => (lockfile.lock.packages[i] as LockedPackage).name);
        below.push({ entry, hits, path: [report.name, ...path.slice(1)] });
      }
      if (below.length > 0) out.push(riskyTransitiveFinding(report, lockfile, below));
    }
    return out;
  }
}

interface RiskyPackage {
  entry: LockedPackage;
  hits: Finding[];
  path: string[];
}

const SHOWN = 3;

function riskyTransitiveFinding(report: DependencyReport, lockfile: LoadedLockfile, below: RiskyPackage[]): Finding {
  const severityOf = (p: RiskyPackage): Severity =>
    p.hits.reduce<Severity>((max, hit) => (SEVERITY_RANK[hit.severity] > SEVERITY_RANK[max] ? hit.severity : max), 'hint');
  below.sort((a, b) => SEVERITY_RANK[severityOf(b)] - SEVERITY_RANK[severityOf(a)] || a.path.length - b.path.length || (a.entry.name < b.entry.name ? -1 : 1));
  const severity = severityOf(below[0] as RiskyPackage);
  const signals = (p: RiskyPackage): string[] => [...new Set(p.hits.map((hit) => hit.signal))];
  const described = below.slice(0, SHOWN).map((p) => `${p.entry.name}@${p.entry.version} (${signals(p).join(', ')}; via ${p.path.join(' → ')})`);
  const more = below.length > SHOWN ? `, and ${below.length - SHOWN} more` : '';
  const count = below.length === 1 ? '1 risky package' : `${below.length} risky packages`;
  return {
    file: report.file,
    range: report.range,
    package: report.package,
    spec: report.spec,
    ...(report.version !== undefined && { version: report.version }),
    signal: 'risky-transitive',
    severity,
    message:
      `${report.name} brings in ${count} that ${lockfile.path} installs: ${described.join('; ')}${more}. ` +
      `Most risk sits in packages nobody chose by name; see each one's warning in ${lockfile.path}, and override or ` +
      `update the dependency that pulls it in.`,
    evidence: {
      lockfile: lockfile.path,
      packages: below.map((p) => ({ package: p.entry.name, version: p.entry.version, severity: severityOf(p), signals: signals(p), path: p.path, key: p.entry.key })),
    },
  };
}

function entryReport(lockfile: LoadedLockfile, entry: LockedPackage): DependencyReport {
  return {
    file: lockfile.path,
    name: entry.name,
    package: entry.name,
    spec: entry.version,
    section: 'lockfile',
    kind: 'registry',
    range: entry.range,
    specRange: entry.range,
    status: 'cancelled',
  };
}

/** Copies of the findings of a target's first entry onto its other entries (the same name@version elsewhere in the tree). */
export function onEveryEntry(targets: readonly LockedTarget[], findings: readonly Finding[]): Finding[] {
  const byReport = new Map<string, LockedTarget>();
  for (const target of targets) if (target.entries.length > 1) byReport.set(`${target.report.file}\u0000${target.report.range.start}`, target);
  if (byReport.size === 0) return [];
  const copies: Finding[] = [];
  for (const finding of findings) {
    const target = byReport.get(`${finding.file}\u0000${finding.range.start}`);
    if (!target) continue;
    for (const index of target.entries.slice(1)) {
      const entry = target.lockfile.lock.packages[index] as LockedPackage;
      copies.push({ ...finding, range: entry.range, evidence: { ...finding.evidence, lockfileKey: entry.key } });
    }
  }
  return copies;
}
