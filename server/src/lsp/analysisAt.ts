/**
 * What hovers, code actions and the requests behind them read: the analysis already published for a
 * document, never a new one. An analysis describes one text; when the document has moved on since, there
 * is nothing to say about it (no card, no fix) until the next analysis is published, so nothing stale is
 * ever shown or applied.
 */
import { basename, dirname, join } from 'node:path';
import type { DependencyReport } from '../core/analyze';
import type { Finding } from '../core/finding';
import { viewAsOf } from '../core/registry/asOf';
import type { PackageSummary } from '../core/registry/types';
import type { HoverInput } from '../core/hover/card';
import type { Analysis } from './validator';
import { pathToUri, uriToPath } from './workspace';

/** A document's text as the editor holds it (version) or as read from disk (version null). */
export interface TextSource {
  uri: string;
  text: string;
  version: number | null;
}

/** What the features need from the server, injected so tests drive them without a connection. */
export interface FeatureContext {
  latest(uri: string): Analysis | undefined;
  /** The open document's version; undefined when it is not open. */
  openVersion(uri: string): number | undefined;
  /** The open document at `path` (its URI in the editor's spelling), if any. */
  openAt(path: string): TextSource | undefined;
  readFile(path: string): Promise<string>;
  isTrusted(): boolean;
  capabilities: FeatureCapabilities;
}

export interface FeatureCapabilities {
  /** Versioned edits (workspaceEdit.documentChanges). */
  documentChanges: boolean;
  /** CreateFile in workspace edits (a new .vigilrc.json). */
  createFiles: boolean;
  /** Code actions that say why they are not available (codeAction.disabledSupport). */
  disabledActions: boolean;
}

/** The analysis of `uri` if it describes the text the editor has now (or the disk's, for a file not open). */
export function currentAnalysis(ctx: FeatureContext, uri: string): (Analysis & { uri: string; path: string }) | undefined {
  const analysis = ctx.latest(uri);
  const path = uriToPath(uri);
  if (!analysis || path === undefined) return undefined;
  if (ctx.openVersion(uri) !== analysis.source.version) return undefined;
  return { ...analysis, uri, path };
}

export type CurrentAnalysis = NonNullable<ReturnType<typeof currentAnalysis>>;

const inside = (range: { start: number; end: number }, offset: number): boolean => range.start <= offset && offset <= range.end;

/** The dependency whose key or spec (package.json) or entry key (lockfile) holds `offset`. */
export function reportAt(analysis: Analysis, offset: number): DependencyReport | undefined {
  return analysis.result.dependencies.find(
    (report) => report.file === analysis.file && (inside(report.range, offset) || inside(report.specRange, offset)),
  );
}

/** The dependency a finding is on (findings are reported on the key). */
export function reportOf(analysis: Analysis, finding: Finding): DependencyReport | undefined {
  return analysis.result.dependencies.find((report) => report.file === finding.file && report.range.start === finding.range.start);
}

/** A dependency found by its key, section and version (command arguments outlive positions). */
export function reportNamed(analysis: Analysis, name: string, section: string, version?: string): DependencyReport | undefined {
  return analysis.result.dependencies.find(
    (report) => report.file === analysis.file && report.name === name && report.section === section && (version === undefined || report.version === version),
  );
}

/** The findings on a dependency, most decisive first (the analysis sorts them). */
export function findingsOn(analysis: Analysis, report: DependencyReport): Finding[] {
  return analysis.result.findings.filter(
    (finding) => finding.file === report.file && finding.range.start >= report.range.start && finding.range.end <= report.range.end,
  );
}

/** The registry a package comes from (its scope's, if configured). */
export function registryUrlOf(analysis: Analysis, name: string): string {
  return analysis.registry.registryUrlFor?.(name) ?? analysis.registry.registryUrl;
}

/** Whether a dependency has registry data to show at all. */
export function hasRegistryData(report: DependencyReport): boolean {
  return report.kind === 'registry' && report.status !== 'not-registry' && report.package !== '';
}

/**
 * The hover card's input from what memory holds, without I/O: `loading` when the registry's answer is
 * not in memory yet. The summary is viewed as of the analysis instant in a replay, as the analysis saw it.
 */
export function cardInput(analysis: Analysis, report: DependencyReport, answer = memoryAnswer(analysis, report)): HoverInput {
  const base = {
    report,
    findings: findingsOn(analysis, report),
    now: new Date(analysis.result.asOf),
    registryUrl: registryUrlOf(analysis, report.package),
  };
  if (!hasRegistryData(report)) return { ...base, summary: undefined };
  if (answer === undefined) return { ...base, summary: undefined, loading: true };
  if (!answer.ok) return { ...base, summary: undefined, error: answer.error.message };
  const summary = analysis.replay ? viewAsOf(answer.summary, analysis.replay) : answer.summary;
  if (summary === undefined) return { ...base, summary: undefined, error: `not published yet on ${analysis.result.asOf.slice(0, 10)}` };
  return { ...base, summary };
}

type Answer = { ok: true; summary: PackageSummary } | { ok: false; error: { message: string } } | undefined;

function memoryAnswer(analysis: Analysis, report: DependencyReport): Answer {
  return hasRegistryData(report) ? analysis.registry.peek(report.package) : undefined;
}

/** The open document at `path`, else the file on disk; undefined when neither exists. */
export async function readSource(ctx: FeatureContext, path: string): Promise<TextSource | undefined> {
  const open = ctx.openAt(path);
  if (open) return open;
  try {
    return { uri: pathToUri(path), text: await ctx.readFile(path), version: null };
  } catch {
    return undefined;
  }
}

/** The package.json a lockfile belongs to: the one beside it. */
export function manifestBeside(lockfilePath: string): string {
  return join(dirname(lockfilePath), 'package.json');
}

/** The analysis' own name for a file next to it (`package-lock.json`). */
export function fileName(path: string): string {
  return basename(path);
}
