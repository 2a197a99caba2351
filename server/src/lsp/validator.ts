/**
 * Validation of one document at a time, a package.json or a lockfile (lockfiles.ts), in two passes: first
 * with what the registry client already holds in memory (no I/O, so results for known packages appear at
 * once and typing never waits on the network), then with the full registry once its fetches finish. Edits
 * are debounced; a newer version of a document aborts the analysis of the older one (its fetches
 * included), and stale results are never published. A validation whose inputs are those of the last
 * complete one (a rewritten lockfile that did not change, a save) can be skipped: a 5,000-entry lockfile
 * is not analysed again for nothing, unless time has changed its answer since (a cooldown ended, a warning
 * faded: core/elapsed.ts says when). At that instant an open document is validated again by itself, so a
 * warning does not outlive its reason while nobody types.
 */
import { basename, dirname } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { analyze, type AnalysisDeps, type AnalysisInput, type AnalysisResult, type ProjectFile } from '../core/analyze';
import { ReusableAnalysis, type TimedResult } from '../node/cachedAnalysis';
import { inputDigest } from '../node/resultCache';
import type { CachingRegistry, Runtime } from '../node/runtime';
import { toDiagnostics } from './convert';
import { fillMemory, memoryOnly, memoryOnlyAdvisories, memoryOnlyPublic, yielding } from './memoryViews';
import { dataOnly, documentKind, type DocumentKind } from './lockfiles';
import { describeError } from './runSafe';
import type { EffectiveSettings, SettingsCache } from './settings';
import { fileStatus, type StatusReporter } from './status';
import { TimeRefresh } from './timeRefresh';
import { uriToPath } from './workspace';

/** Runs `callback` after `ms`; returns a function that cancels it. Injected so tests control time. */
export type Schedule = (callback: () => void, ms: number) => () => void;

export const realSchedule: Schedule = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
};

export interface DocumentSource {
  text: string;
  /** The open document's version; undefined for a file read from disk. */
  version?: number;
}

export interface ValidatorDeps {
  runtime: Runtime;
  settings: SettingsCache;
  /** Disk cache for registry summaries (initializationOptions.cacheDir); undefined: the runtime's default. */
  cacheDir?: string;
  schedule: Schedule;
  debounceMs: number;
  /** The open document's text, or the file on disk; undefined when it no longer exists. */
  read(uri: string): Promise<DocumentSource | undefined>;
  /**
   * The project's own settings files beside the manifest and at its workspace root (.vigilrc.json,
   * pnpm-workspace.yaml, …), named relative to the manifest's folder. Absent: none.
   */
  projectFiles?(uri: string): Promise<ProjectFile[]>;
  /**
   * What the document's analysis reads as data, whatever the workspace's trust (lockfiles.ts dataFiles):
   * a manifest's lockfiles, a lockfile's package.json; named relative to the document's folder. Only
   * manifests and lockfiles are taken from it. Absent: none.
   */
  dataFiles?(uri: string): Promise<ProjectFile[]>;
  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void;
  status: StatusReporter;
  log: { info(message: string): void; error(message: string): void };
}

export interface ValidateOptions {
  /**
   * Skip the analysis when the text, the files read with it and the settings are those of the last
   * complete analysis: its results are published again (under the document's current version).
   */
  ifChanged?: boolean;
}

/** What the analysis sees the document as. */
interface Subject {
  /** Its name in the analysis, relative to its own folder (the base folder of every companion). */
  file: string;
  kind: DocumentKind;
  /** A lockfile is what is being looked at: every entry. A manifest sees what it brings in. */
  entries: 'reachable' | 'all';
}

function subjectOf(path: string): Subject | undefined {
  const kind = documentKind(path);
  return kind && { file: basename(path), kind, entries: kind === 'lockfile' ? 'all' : 'reachable' };
}

interface Gathered {
  path: string;
  subject: Subject;
  source: DocumentSource;
  settings: EffectiveSettings;
  input: AnalysisInput;
}

/** A published analysis with what hovers and code actions need to read it. */
export interface Analysis {
  /** The text (and version) the analysis describes. */
  source: DocumentSource;
  result: AnalysisResult;
  /** The document's name in the analysis: findings and dependencies of the document itself have this `file`. */
  file: string;
  kind: DocumentKind;
  /** The registry client the analysis asked: what it holds in memory is what the analysis saw. */
  registry: CachingRegistry;
  /** The replayed instant (`vigil.asOf`), when the analysis was a replay. */
  replay?: Date;
}

/** The last complete analysis of a document, and a digest of what it read. */
interface Complete {
  key: string;
  result: AnalysisResult;
  registry: CachingRegistry;
  /** The instant (ms) from which time changes the result: an unchanged document is analysed again then. */
  until: number;
}

export class Validator {
  private readonly runs = new Map<string, AbortController>();
  /** Pending debounced validations; `ifChanged` only while every request for it said so. */
  private readonly timers = new Map<string, { cancel: () => void; ifChanged: boolean }>();
  /** Per URI, the validation due when time changes its result (see Complete.until). */
  private readonly timeRefresh: TimeRefresh;
  /** Validations and batches in progress, for whenIdle. */
  private readonly inflight = new Set<Promise<unknown>>();
  /** scheduleAll's pending batch: URI → `ifChanged`. */
  private readonly batch = new Map<string, boolean>();
  private cancelBatch: (() => void) | undefined;
  /** The last complete (full-pass) analysis per URI, with a digest of its inputs: what `ifChanged` compares with. */
  private readonly complete = new Map<string, Complete>();
  /** Settings objects are replaced on every configuration or trust change: their identity is part of the inputs. */
  private readonly settingsIds = new WeakMap<EffectiveSettings, number>();
  private nextSettingsId = 0;
  /** Last published diagnostics per URI, to skip re-sending identical results after the second pass. */
  private readonly published = new Map<string, string>();
  /** The newest analysis per URI with the text it describes: what hovers and code actions will read. */
  private readonly results = new Map<string, Analysis>();

  constructor(private readonly deps: ValidatorDeps) {
    this.timeRefresh = new TimeRefresh(deps.schedule, (uri) => this.schedule(uri, { ifChanged: true }));
  }

  /** Validates after the debounce delay; each call restarts the delay (typing, a burst of file events). */
  schedule(uri: string, options: ValidateOptions = {}): void {
    const ifChanged = this.pendingIfChanged(uri) && options.ifChanged === true;
    this.batch.delete(uri);
    this.cancelTimer(uri);
    const cancel = this.deps.schedule(() => {
      this.timers.delete(uri);
      void this.validate(uri, { ifChanged });
    }, this.deps.debounceMs);
    this.timers.set(uri, { cancel, ifChanged });
  }

  /** Validates now, superseding any run in progress. Never rejects. */
  async validate(uri: string, options: ValidateOptions = {}): Promise<void> {
    this.cancelTimer(uri);
    this.batch.delete(uri);
    this.runs.get(uri)?.abort();
    const controller = new AbortController();
    this.runs.set(uri, controller);
    try {
      await this.track(this.run(uri, controller.signal, options.ifChanged === true));
    } catch (error) {
      if (!controller.signal.aborted) this.deps.log.error(`Validating ${uri} failed: ${describeError(error)}`);
    } finally {
      if (this.runs.get(uri) === controller) this.runs.delete(uri);
    }
  }

  /** Validates many files, a few at a time, so a large workspace does not start hundreds of analyses at once. */
  async validateAll(uris: readonly string[], options: ValidateOptions = {}, concurrency = 4): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let uri = uris[next++]; uri !== undefined; uri = uris[next++]) await this.validate(uri, options);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, uris.length) }, worker));
  }

  /**
   * Validates `uris` after the debounce delay, a few at a time (validateAll): what a lockfile or settings
   * file change affects can be every manifest of a monorepo. Requests arriving meanwhile join the batch.
   */
  scheduleAll(uris: Iterable<string>, options: ValidateOptions = {}): void {
    for (const uri of uris) {
      this.batch.set(uri, this.pendingIfChanged(uri) && options.ifChanged === true);
      this.cancelTimer(uri);
    }
    if (this.batch.size === 0) return;
    this.cancelBatch?.();
    this.cancelBatch = this.deps.schedule(() => {
      const batch = [...this.batch];
      this.batch.clear();
      this.cancelBatch = undefined;
      const ifChanged = batch.filter(([, only]) => only).map(([uri]) => uri);
      const always = batch.filter(([, only]) => !only).map(([uri]) => uri);
      void this.track(Promise.all([this.validateAll(always), this.validateAll(ifChanged, { ifChanged: true })]));
    }, this.deps.debounceMs);
  }

  /** Resolves once no validation is running (timers still pending do not count): what tests wait on instead of time. */
  async whenIdle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work)).catch(() => undefined);
    return work;
  }

  /** The newest published analysis of `uri` and the text (and version) it was computed from. */
  latest(uri: string): Analysis | undefined {
    return this.results.get(uri);
  }

  /** Every published analysis, by URI (the workspace report). */
  all(): Array<[string, Analysis]> {
    return [...this.results];
  }

  /** Stops every validation in progress (clearing the cache); the caller validates again. */
  abortAll(): void {
    for (const controller of this.runs.values()) controller.abort();
    this.runs.clear();
    this.complete.clear();
  }

  /** Stops any work on `uri` and removes its diagnostics and status. */
  forget(uri: string): void {
    this.cancelTimer(uri);
    this.timeRefresh.cancel(uri);
    this.batch.delete(uri);
    this.results.delete(uri);
    this.complete.delete(uri);
    this.runs.get(uri)?.abort();
    this.runs.delete(uri);
    this.deps.status.delete(uri);
    if (this.published.delete(uri)) this.deps.publish(uri, undefined, []);
  }

  dispose(): void {
    this.cancelBatch?.();
    this.batch.clear();
    for (const uri of [...this.timers.keys()]) this.cancelTimer(uri);
    this.timeRefresh.dispose();
    for (const controller of this.runs.values()) controller.abort();
    this.runs.clear();
  }

  /** Whether every validation still pending for `uri` (debounced, or in the batch) may be skipped when nothing changed. */
  private pendingIfChanged(uri: string): boolean {
    return (this.timers.get(uri)?.ifChanged ?? true) && (this.batch.get(uri) ?? true);
  }

  private cancelTimer(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer) {
      timer.cancel();
      this.timers.delete(uri);
    }
  }

  private async run(uri: string, signal: AbortSignal, ifChanged: boolean): Promise<void> {
    const gathered = await this.gather(uri, signal);
    if (!gathered || signal.aborted) return;
    const { path, subject, source, settings, input } = gathered;
    const digest = inputDigest(input);
    const key = `${this.settingsId(settings)}:${digest}`;
    const last = this.complete.get(uri);
    const nowMs = this.deps.runtime.now().getTime();
    if (ifChanged && last?.key === key && nowMs < last.until) {
      this.timeRefresh.at(uri, last.until, nowMs);
      return this.report(uri, subject, source, last.result, last.registry, settings);
    }

    const registrySettings = {
      projectDir: dirname(path),
      ...(settings.registryUrl !== undefined && { registryUrl: settings.registryUrl }),
      ...(settings.registrySource !== undefined && { registrySource: settings.registrySource }),
      ...(this.deps.cacheDir !== undefined && { cacheDir: this.deps.cacheDir }),
      ...(settings.httpProxy !== undefined && { httpProxy: settings.httpProxy }),
      ...(settings.httpProxyStrictSSL !== undefined && { httpProxyStrictSSL: settings.httpProxyStrictSSL }),
      ...(settings.httpNoProxy !== undefined && { httpNoProxy: settings.httpNoProxy }),
      ...(settings.untrustedWorkspace && { untrustedWorkspace: true }),
      ...(settings.settings.offline && { offline: true }),
    };
    const registry = await this.deps.runtime.registry(registrySettings);
    if (signal.aborted) return;
    const advisories = await this.deps.runtime.advisories(registrySettings);
    if (signal.aborted) return;
    const highImpact = await this.deps.runtime.highImpact?.();
    if (signal.aborted) return;
    const urlFor = registryUrlFor(registry);
    const base: Omit<AnalysisDeps, 'registry' | 'advisories' | 'publicRegistry'> = {
      now: new Date(nowMs),
      config: settings.config,
      signal,
      ...(highImpact && { highImpact }),
      ...(urlFor && { registryUrlFor: urlFor }),
    };
    if (settings.asOf) base.asOf = settings.asOf;

    const publicRegistry = registry.publicRegistry;
    const reusable = new ReusableAnalysis(
      this.deps.runtime.resultCache?.(registrySettings),
      input,
      { ...base, registry, advisories, ...(publicRegistry && { publicRegistry }) },
      registrySettings,
      digest,
    );
    // An unchanged project whose result is stored (an editor restarted within the data's freshness): shown at once.
    const stored = reusable.stored();
    if (stored) {
      this.finish(uri, subject, source, key, stored, registry, settings, nowMs);
      // In the background: the validation (and the workspace scan's "checking") is over once the result is shown.
      void this.track(fillMemory(registry, stored.result, signal));
      return;
    }

    const quick = await analyze(input, {
      ...base,
      registry: memoryOnly(registry),
      advisories: memoryOnlyAdvisories(advisories),
      ...(publicRegistry && { publicRegistry: memoryOnlyPublic(publicRegistry) }),
    });
    if (signal.aborted) return;
    this.report(uri, subject, source, quick, registry, settings);

    // The full pass notes when time changes its answer, and is stored for the next session when it can be.
    const full = await reusable.run(yielding);
    if (signal.aborted) return;
    this.finish(uri, subject, source, key, full, registry, settings, nowMs);
  }

  /** The document, its settings and the files read with it; undefined when it is gone (or the run was superseded). */
  private async gather(uri: string, signal: AbortSignal): Promise<Gathered | undefined> {
    const path = uriToPath(uri);
    const subject = path === undefined ? undefined : subjectOf(path);
    if (path === undefined || !subject) return undefined;
    const source = await this.deps.read(uri);
    if (signal.aborted) return undefined;
    if (!source) {
      this.forget(uri);
      return undefined;
    }
    const settings = await this.deps.settings.get(uri);
    if (signal.aborted) return undefined;
    if (!isEnabled(settings, subject.kind)) {
      // Turned off for this kind of file: whatever was published for it goes.
      this.forget(uri);
      return undefined;
    }
    // An untrusted workspace's settings files must not silence Vigil (suppressions, severity off, a zero
    // cooldown). Its lockfiles are read: they are data, and only the runtime's npm config picks registries.
    const companions = settings.untrustedWorkspace ? [] : ((await this.deps.projectFiles?.(uri)) ?? []);
    if (signal.aborted) return undefined;
    const data = dataOnly((await this.deps.dataFiles?.(uri)) ?? []).filter((file) => file.path !== subject.file);
    const input: AnalysisInput = { files: [{ path: subject.file, text: source.text }, ...data, ...companions], lockfileEntries: subject.entries };
    return { path, subject, source, settings, input };
  }

  /** Publishes a complete analysis and keeps it for unchanged validations until time changes it, re-checking then. */
  private finish(uri: string, subject: Subject, source: DocumentSource, key: string, timed: TimedResult, registry: CachingRegistry, settings: EffectiveSettings, nowMs: number): void {
    this.report(uri, subject, source, timed.result, registry, settings);
    this.complete.set(uri, { key, result: timed.result, registry, until: timed.changesAt });
    if (timed.changesAt > nowMs) this.timeRefresh.at(uri, timed.changesAt, nowMs);
    else this.timeRefresh.cancel(uri);
  }

  /** Settings objects are replaced on every change, so their identity stands for them in the input key. */
  private settingsId(settings: EffectiveSettings): number {
    let id = this.settingsIds.get(settings);
    if (id === undefined) this.settingsIds.set(settings, (id = this.nextSettingsId++));
    return id;
  }

  private report(uri: string, subject: Subject, source: DocumentSource, result: AnalysisResult, registry: CachingRegistry, settings: EffectiveSettings): void {
    const findings = result.findings.filter((finding) => finding.file === subject.file);
    const errors = result.errors.filter((error) => error.file === subject.file);
    const diagnostics = toDiagnostics(source.text, findings, errors);
    const { asOf } = settings;
    this.results.set(uri, { source, result, file: subject.file, kind: subject.kind, registry, ...(asOf && { replay: asOf }) });
    this.deps.status.set(uri, fileStatus(result, diagnostics, registry.registryUrl, asOf, subject.kind, settings.settings.offline));
    const key = `${source.version ?? ''}\u0000${JSON.stringify(diagnostics)}`;
    if (this.published.get(uri) === key) return;
    this.published.set(uri, key);
    this.deps.publish(uri, source.version, diagnostics);
  }
}

/** `vigil.enable.packageJson` / `vigil.enable.lockfiles`. */
function isEnabled(settings: EffectiveSettings, kind: DocumentKind): boolean {
  const enable = settings.settings.enable ?? { packageJson: true, lockfiles: true };
  return kind === 'lockfile' ? enable.lockfiles !== false : enable.packageJson !== false;
}

/**
 * The registry each package installs from, for the lockfile's host checks, when the runtime's client can
 * say (scoped registries applied). Read from the runtime's npm config only, never from the lockfile.
 */
function registryUrlFor(registry: CachingRegistry): ((name: string) => string) | undefined {
  if (!registry.registryUrlFor) return undefined;
  return (name) => registry.registryUrlFor?.(name) ?? registry.registryUrl;
}
