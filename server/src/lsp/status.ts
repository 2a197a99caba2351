/**
 * The state of the whole system, for the client's status item: what is still being fetched, what was found,
 * and whether the registry itself is failing. Problems with the registry are reported here once instead of
 * as a diagnostic on every dependency. Only changes are sent.
 */
import type { Diagnostic } from 'vscode-languageserver';
import type { AnalysisResult } from '../core/analyze';
import type { AnalysisNote, Severity } from '../core/finding';
import type { StatusParams } from '../protocol';
import { isPackageError, severityOf } from './convert';

/** What one validated file contributes to the status. */
export interface FileStatus {
  /** A package.json, or a lockfile document: counted apart. */
  kind: 'manifest' | 'lockfile';
  /** Packages whose registry answers are outstanding. */
  pending: Set<string>;
  /**
   * The package versions checked (`name@version`). A set, counted once over all files: a manifest checks
   * its locked dependencies and the lockfile entries they bring in, and the open lockfile checks them again.
   */
  checked: Set<string>;
  counts: Record<Severity, number>;
  registry: string;
  /** Packages the registry could not be asked about, and the first reason. */
  unreachable: Set<string>;
  unreachableReason?: string;
  asOf?: string;
  /** The analysis's notes (advisories skipped or unavailable). */
  notes: AnalysisNote[];
  /** `vigil.offline` was on for this file. */
  offline?: boolean;
  /** Lockfile entries the analysis checked. */
  lockfileEntries: number;
}

export function zeroCounts(): Record<Severity, number> {
  return { error: 0, warning: 0, information: 0, hint: 0 };
}

export function fileStatus(
  result: AnalysisResult,
  diagnostics: readonly Diagnostic[],
  registry: string,
  asOf?: Date,
  kind: FileStatus['kind'] = 'manifest',
  offline = false,
): FileStatus {
  const status: FileStatus = {
    kind,
    pending: new Set(),
    checked: new Set(),
    counts: zeroCounts(),
    registry,
    unreachable: new Set(),
    notes: result.notes,
    lockfileEntries: 0,
    ...(offline && { offline: true }),
  };
  for (const dependency of result.dependencies) {
    if (dependency.section === 'lockfile') status.lockfileEntries++;
    // In the memory-only pass, 'cancelled' means "not in memory": the full pass is fetching it.
    if (dependency.status === 'cancelled') status.pending.add(dependency.package);
    else if (dependency.status === 'checked') status.checked.add(`${dependency.package}@${dependency.version ?? dependency.spec}`);
  }
  for (const diagnostic of diagnostics) status.counts[severityOf(diagnostic)]++;
  for (const error of result.errors) {
    if (isPackageError(error)) continue;
    status.unreachable.add(error.package);
    status.unreachableReason ??= error.message;
  }
  if (asOf) status.asOf = asOf.toISOString();
  return status;
}

/**
 * A multiset of names over all files, kept up to date as files change: a union recomputed on every change
 * would cost the size of every lockfile in the workspace each time one document is validated.
 */
class Tally {
  private readonly counts = new Map<string, number>();

  add(names: Iterable<string>): void {
    for (const name of names) this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  remove(names: Iterable<string>): void {
    for (const name of names) {
      const count = (this.counts.get(name) ?? 0) - 1;
      if (count > 0) this.counts.set(name, count);
      else this.counts.delete(name);
    }
  }

  get size(): number {
    return this.counts.size;
  }
}

export class StatusReporter {
  private readonly files = new Map<string, FileStatus>();
  private readonly pending = new Tally();
  private readonly checked = new Tally();
  private scans = 0;
  private lastSent = '';
  private started = false;
  private untrusted = false;

  constructor(private readonly send: (params: StatusParams) => void) {}

  /** Workspace trust is about the whole system (which npm config is read), so it is the status item's to say. */
  setTrusted(trusted: boolean): void {
    this.untrusted = !trusted;
    this.flush();
  }

  /** Nothing is sent before the client said `initialized`. */
  start(): void {
    this.started = true;
    this.flush();
  }

  set(uri: string, status: FileStatus): void {
    this.untally(this.files.get(uri));
    this.files.set(uri, status);
    this.pending.add(status.pending);
    this.checked.add(status.checked);
    this.flush();
  }

  delete(uri: string): void {
    const status = this.files.get(uri);
    if (!status) return;
    this.untally(status);
    this.files.delete(uri);
    this.flush();
  }

  /** While the workspace is being scanned the state is 'checking' even before any file is known. */
  async whileScanning<T>(work: () => Promise<T>): Promise<T> {
    this.scans++;
    this.flush();
    try {
      return await work();
    } finally {
      this.scans--;
      this.flush();
    }
  }

  current(): StatusParams {
    const unreachable = new Set<string>();
    const registries = new Set<string>();
    const counts = zeroCounts();
    let lockfiles = 0;
    let reason: string | undefined;
    let asOf: string | undefined;
    let offline = false;
    let largestLockfile = 0;
    // One note per code however many files carry it: a missing advisory endpoint is said once.
    const notes = new Map<string, AnalysisNote>();
    for (const file of this.files.values()) {
      for (const note of file.notes) if (!notes.has(note.code)) notes.set(note.code, note);
      file.unreachable.forEach((name) => unreachable.add(name));
      if (file.registry) registries.add(file.registry);
      for (const severity of Object.keys(counts) as Severity[]) counts[severity] += file.counts[severity];
      if (file.kind === 'lockfile') lockfiles++;
      reason ??= file.unreachableReason;
      asOf ??= file.asOf;
      offline ||= file.offline === true;
      largestLockfile = Math.max(largestLockfile, file.lockfileEntries);
    }
    const pending = this.pending.size;
    const params: StatusParams = {
      state: 'done',
      pending,
      checked: this.checked.size,
      files: this.files.size - lockfiles,
      counts,
      registries: [...registries].sort(),
    };
    if (lockfiles > 0) params.lockfiles = lockfiles;
    if (pending > 0 || this.scans > 0) params.state = 'checking';
    else if (unreachable.size > 0) params.state = 'registry-unreachable';
    else if (this.files.size === 0) params.state = 'idle';
    if (unreachable.size > 0) {
      const packages = unreachable.size === 1 ? '1 package' : `${unreachable.size} packages`;
      params.message = `${packages} could not be checked: ${reason ?? 'the registry did not answer'}`;
    }
    if (asOf) params.asOf = asOf;
    if (this.untrusted) params.untrustedWorkspace = true;
    if (offline) params.offline = true;
    if (largestLockfile > 0) params.largestLockfile = largestLockfile;
    if (notes.size > 0) params.notes = [...notes.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    return params;
  }

  private untally(status: FileStatus | undefined): void {
    if (!status) return;
    this.pending.remove(status.pending);
    this.checked.remove(status.checked);
  }

  private flush(): void {
    if (!this.started) return;
    const params = this.current();
    const key = JSON.stringify(params);
    if (key === this.lastSent) return;
    this.lastSent = key;
    this.send(params);
  }
}
