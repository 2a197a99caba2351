/**
 * Validation of one package.json at a time, in two passes: first with what the registry client already
 * holds in memory (no I/O, so results for known packages appear at once and typing never waits on the
 * network), then with the full registry once its fetches finish. Edits are debounced; a newer version of a
 * document aborts the analysis of the older one (its fetches included), and stale results are never published.
 */
import { dirname } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { analyze, type AnalysisDeps, type AnalysisResult, type ProjectFile } from '../core/analyze';
import type { AdvisorySource } from '../core/advisories/types';
import type { PublicRegistry, Registry, RegistryResult } from '../core/registry/types';
import type { CachingPublicRegistry } from '../node/publicRegistry';
import type { CachingAdvisorySource, CachingRegistry, Runtime } from '../node/runtime';
import { toDiagnostics } from './convert';
import { describeError } from './runSafe';
import type { SettingsCache } from './settings';
import { fileStatus, type StatusReporter } from './status';
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
  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void;
  status: StatusReporter;
  log: { info(message: string): void; error(message: string): void };
}

/** The analysis sees one manifest at a time, under this project-relative name. */
const FILE = 'package.json';

const PENDING: RegistryResult = {
  ok: false,
  error: { kind: 'cancelled', message: 'Not in memory yet: being fetched.' },
};

/** The registry as memory alone knows it. Misses answer 'cancelled', which the analysis counts as not checked. */
export function memoryOnly(registry: CachingRegistry): Registry {
  return { getPackument: (name) => Promise.resolve(registry.peek(name) ?? PENDING) };
}

/** The public registry as memory alone knows it (registry-shadowing); misses count as not asked yet. */
export function memoryOnlyPublic(publicRegistry: CachingPublicRegistry): PublicRegistry {
  return { url: publicRegistry.url, privateSourceOf: (name) => publicRegistry.privateSourceOf(name), getPackument: (name) => Promise.resolve(publicRegistry.peek(name) ?? PENDING) };
}

/** Advisories as memory alone knows them; the rest count as not checked yet, which adds no note. */
export function memoryOnlyAdvisories(advisories: CachingAdvisorySource): AdvisorySource {
  return { bulk: (query) => Promise.resolve(advisories.peek(query)) };
}

export class Validator {
  private readonly runs = new Map<string, AbortController>();
  private readonly timers = new Map<string, () => void>();
  /** Last published diagnostics per URI, to skip re-sending identical results after the second pass. */
  private readonly published = new Map<string, string>();
  /** The newest analysis per URI with the text it describes: what hovers and code actions will read. */
  private readonly results = new Map<string, { source: DocumentSource; result: AnalysisResult }>();

  constructor(private readonly deps: ValidatorDeps) {}

  /** Validates after the debounce delay; each call restarts the delay (typing). */
  schedule(uri: string): void {
    this.cancelTimer(uri);
    const cancel = this.deps.schedule(() => {
      this.timers.delete(uri);
      void this.validate(uri);
    }, this.deps.debounceMs);
    this.timers.set(uri, cancel);
  }

  /** Validates now, superseding any run in progress. Never rejects. */
  async validate(uri: string): Promise<void> {
    this.cancelTimer(uri);
    this.runs.get(uri)?.abort();
    const controller = new AbortController();
    this.runs.set(uri, controller);
    try {
      await this.run(uri, controller.signal);
    } catch (error) {
      if (!controller.signal.aborted) this.deps.log.error(`Validating ${uri} failed: ${describeError(error)}`);
    } finally {
      if (this.runs.get(uri) === controller) this.runs.delete(uri);
    }
  }

  /** Validates many files, a few at a time, so a large workspace does not start hundreds of analyses at once. */
  async validateAll(uris: readonly string[], concurrency = 4): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let uri = uris[next++]; uri !== undefined; uri = uris[next++]) await this.validate(uri);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, uris.length) }, worker));
  }

  /** The newest published analysis of `uri` and the text (and version) it was computed from. */
  latest(uri: string): { source: DocumentSource; result: AnalysisResult } | undefined {
    return this.results.get(uri);
  }

  /** Stops any work on `uri` and removes its diagnostics and status. */
  forget(uri: string): void {
    this.cancelTimer(uri);
    this.results.delete(uri);
    this.runs.get(uri)?.abort();
    this.runs.delete(uri);
    this.deps.status.delete(uri);
    if (this.published.delete(uri)) this.deps.publish(uri, undefined, []);
  }

  dispose(): void {
    for (const uri of [...this.timers.keys()]) this.cancelTimer(uri);
    for (const controller of this.runs.values()) controller.abort();
    this.runs.clear();
  }

  private cancelTimer(uri: string): void {
    const cancel = this.timers.get(uri);
    if (cancel) {
      cancel();
      this.timers.delete(uri);
    }
  }

  private async run(uri: string, signal: AbortSignal): Promise<void> {
    const path = uriToPath(uri);
    if (path === undefined) return;
    const source = await this.deps.read(uri);
    if (signal.aborted) return;
    if (!source) return this.forget(uri);
    const settings = await this.deps.settings.get(uri);
    if (signal.aborted) return;
    const registrySettings = {
      projectDir: dirname(path),
      ...(settings.registryUrl !== undefined && { registryUrl: settings.registryUrl }),
      ...(settings.registrySource !== undefined && { registrySource: settings.registrySource }),
      ...(this.deps.cacheDir !== undefined && { cacheDir: this.deps.cacheDir }),
      ...(settings.httpProxy !== undefined && { httpProxy: settings.httpProxy }),
      ...(settings.httpProxyStrictSSL !== undefined && { httpProxyStrictSSL: settings.httpProxyStrictSSL }),
      ...(settings.untrustedWorkspace && { untrustedWorkspace: true }),
    };
    const registry = await this.deps.runtime.registry(registrySettings);
    if (signal.aborted) return;
    const advisories = await this.deps.runtime.advisories(registrySettings);
    if (signal.aborted) return;

    // An untrusted workspace's files must not silence Vigil (suppressions, severity off, a zero cooldown).
    const companions = settings.untrustedWorkspace ? [] : ((await this.deps.projectFiles?.(uri)) ?? []);
    if (signal.aborted) return;
    const input = { files: [{ path: FILE, text: source.text }, ...companions] };
    const highImpact = await this.deps.runtime.highImpact?.();
    if (signal.aborted) return;
    const base: Omit<AnalysisDeps, 'registry'> = { now: this.deps.runtime.now(), config: settings.config, signal, ...(highImpact && { highImpact }) };
    if (settings.asOf) base.asOf = settings.asOf;

    const publicRegistry = registry.publicRegistry;
    const quick = await analyze(input, {
      ...base,
      registry: memoryOnly(registry),
      advisories: memoryOnlyAdvisories(advisories),
      ...(publicRegistry && { publicRegistry: memoryOnlyPublic(publicRegistry) }),
    });
    if (signal.aborted) return;
    this.report(uri, source, quick, registry, settings.asOf);

    const full = await analyze(input, { ...base, registry, advisories, ...(publicRegistry && { publicRegistry }) });
    if (signal.aborted) return;
    this.report(uri, source, full, registry, settings.asOf);
  }

  private report(uri: string, source: DocumentSource, result: AnalysisResult, registry: CachingRegistry, asOf?: Date): void {
    const findings = result.findings.filter((finding) => finding.file === FILE);
    const errors = result.errors.filter((error) => error.file === FILE);
    const diagnostics = toDiagnostics(source.text, findings, errors);
    this.results.set(uri, { source, result });
    this.deps.status.set(uri, fileStatus(result, diagnostics, registry.registryUrl, asOf));
    const key = `${source.version ?? ''}\u0000${JSON.stringify(diagnostics)}`;
    if (this.published.get(uri) === key) return;
    this.published.set(uri, key);
    this.deps.publish(uri, source.version, diagnostics);
  }
}
