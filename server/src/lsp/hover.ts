/**
 * Hovers on dependencies (package.json keys and specs, lockfile entry keys): the core's hover card, built
 * from the published analysis and what the registry client holds in memory. A hover never waits on the
 * network: when the package is not in memory yet it says "loading" and asks for it in the background (the
 * registry client shares one fetch with the validation that is already running), so the next hover has
 * it. The card for a command (`vigil/packageCard`) may wait: the user asked for it.
 */
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver';
import { hoverCard } from '../core/hover/card';
import type { AbortSignalLike } from '../core/registry/types';
import type { PackageCardParams, PackageCardResult } from '../protocol';
import { cardInput, currentAnalysis, hasRegistryData, reportAt, reportNamed, type FeatureContext } from './analysisAt';
import { offsetAt, toRange } from './convert';

export function hover(ctx: FeatureContext, params: HoverParams): Hover | null {
  const analysis = currentAnalysis(ctx, params.textDocument.uri);
  if (!analysis) return null;
  const { text } = analysis.source;
  const offset = offsetAt(text, params.position);
  const report = reportAt(analysis, offset);
  if (!report) return null;
  const input = cardInput(analysis, report);
  if (input.loading === true) void analysis.registry.getPackument(report.package).catch(() => undefined);
  const onKey = report.range.start <= offset && offset <= report.range.end;
  return {
    contents: { kind: MarkupKind.Markdown, value: hoverCard(input) },
    range: toRange(text, onKey ? report.range : report.specRange),
  };
}

/**
 * The card for "Show maintainer history": from the newest analysis of the document (whatever its
 * version: the command names the dependency, not a position), fetching the package when memory lacks it.
 */
export async function packageCard(ctx: FeatureContext, params: PackageCardParams, signal?: AbortSignalLike): Promise<PackageCardResult | null> {
  if (typeof params?.uri !== 'string' || typeof params.name !== 'string' || typeof params.section !== 'string') return null;
  const analysis = ctx.latest(params.uri);
  const version = typeof params.version === 'string' ? params.version : undefined;
  const report = analysis && reportNamed(analysis, params.name, params.section, version);
  if (!analysis || !report) return null;
  let input = cardInput(analysis, report);
  if (input.loading === true && hasRegistryData(report)) {
    const answer = await analysis.registry.getPackument(report.package, signal);
    input = cardInput(analysis, report, answer);
  }
  const shown = report.version === undefined ? report.package || report.name : `${report.package || report.name}@${report.version}`;
  return { title: `${shown} — maintainers and releases`, markdown: hoverCard(input) };
}
