/**
 * Code actions, computed from the analysis already published (the fix in each finding was chosen once,
 * during analysis), as versioned edits: when the document moved on since, there are none, and an edit
 * the client holds from before is rejected by its version (vscode-eslint's rule). Actions:
 * - package.json: "Pin <name> to <version>" (preferred) and "Pin all flagged dependencies"; "Replace
 *   <typo> with <intended>" for a typosquat; overrides for `risky-transitive` (overrideActions.ts);
 * - lockfiles: "Override <name> to <version>" into the package.json beside it;
 * - both: "Suppress <signal> for <name>@<version>…" (trusted workspaces; the client asks why), "Open
 *   <name> on npm" (public registry only) and "Show maintainer history of <name>".
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import type { DependencyReport } from '../core/analyze';
import { pinAllEdits, pinEdit, replaceTyposquatEdits, type TextEdit } from '../core/fixes';
import type { Finding } from '../core/finding';
import { isPublicRegistry, npmPageUrl } from '../core/hover/links';
import { COMMANDS, type OpenOnNpmArgs, type PackageCardParams, type SuppressArgs } from '../protocol';
import {
  currentAnalysis,
  hasRegistryData,
  registryUrlOf,
  reportAt,
  reportOf,
  type CurrentAnalysis,
  type FeatureContext,
} from './analysisAt';
import { offsetAt, toRange, toWorkspaceEdit } from './convert';
import { lockfileTarget, overrideAction, riskyTargets, type OverrideTarget } from './overrideActions';

/** "Pin all" in the Source Action menu (source actions never show in the light bulb). */
export const PIN_ALL_KIND = `${CodeActionKind.Source}.pinAll.vigil`;
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, PIN_ALL_KIND];

export async function codeActions(ctx: FeatureContext, params: CodeActionParams): Promise<CodeAction[]> {
  const analysis = currentAnalysis(ctx, params.textDocument.uri);
  if (!analysis) return [];
  const { text } = analysis.source;
  const start = offsetAt(text, params.range.start);
  const end = offsetAt(text, params.range.end);
  const own = analysis.result.findings.filter((finding) => finding.file === analysis.file);
  const here = own.filter((finding) => finding.range.start <= end && start <= finding.range.end);
  const actions: CodeAction[] = [];
  const overrides: OverrideTarget[] = [];
  for (const finding of here) {
    const diagnostic = diagnosticOf(params.context.diagnostics, finding, text);
    if (analysis.kind === 'manifest') {
      actions.push(...manifestFixes(ctx, analysis, finding, diagnostic));
      if (finding.signal === 'risky-transitive') overrides.push(...riskyTargets(ctx, analysis, finding, diagnostic));
    } else {
      const target = lockfileTarget(analysis, finding, diagnostic);
      if (target) overrides.push(target);
    }
    const suppress = suppressAction(ctx, analysis, finding, diagnostic);
    if (suppress) actions.push(suppress);
  }
  for (const target of overrides) {
    const action = await overrideAction(ctx, analysis, target);
    if (action) actions.push(action);
  }
  if (analysis.kind === 'manifest') {
    const pinAll = pinAllAction(ctx, analysis, own);
    if (pinAll && here.some((finding) => pinnable(finding))) actions.push({ ...pinAll, kind: CodeActionKind.QuickFix });
    if (pinAll) actions.push(pinAll);
  }
  const report = reportAt(analysis, start);
  if (report) actions.push(...packageActions(analysis, report));
  return onlyKinds(unique(actions), params.context.only);
}

/** The published diagnostic a finding became, so the action is tied to it (the light bulb, the Problems view). */
function diagnosticOf(diagnostics: readonly Diagnostic[], finding: Finding, text: string): Diagnostic | undefined {
  const range = toRange(text, finding.range);
  return diagnostics.find(
    (d) =>
      d.code === finding.signal &&
      d.range.start.line === range.start.line &&
      d.range.start.character === range.start.character &&
      d.range.end.line === range.end.line &&
      d.range.end.character === range.end.character,
  );
}

/** A plain pin: the finding's fix without a replacement package. */
function pinnable(finding: Finding): finding is Finding & { fix: { pin: string } } {
  return finding.fix !== undefined && finding.fix.replaceWith === undefined && finding.package !== '';
}

function manifestFixes(ctx: FeatureContext, analysis: CurrentAnalysis, finding: Finding, diagnostic: Diagnostic | undefined): CodeAction[] {
  const report = reportOf(analysis, finding);
  if (!report || report.section === 'lockfile' || !finding.fix) return [];
  const { fix } = finding;
  if (fix.replaceWith === undefined) {
    const edits = pinEdit(analysis.source.text, report, fix.pin);
    return edits.length === 0 ? [] : [edit(ctx, analysis, `Pin ${report.name} to ${fix.pin}`, edits, diagnostic, true)];
  }
  if (finding.signal !== 'typosquat') return [];
  const edits = replaceTyposquatEdits(analysis.source.text, report, fix.replaceWith, fix.pin);
  return edits.length === 0 ? [] : [edit(ctx, analysis, `Replace ${report.name} with ${fix.replaceWith}`, edits, diagnostic, true)];
}

/** Every flagged dependency of the file pinned at once, when there are at least two. */
function pinAllAction(ctx: FeatureContext, analysis: CurrentAnalysis, own: readonly Finding[]): CodeAction | undefined {
  const items: Array<{ report: DependencyReport; version: string }> = [];
  const seen = new Set<DependencyReport>();
  for (const finding of own) {
    const report = pinnable(finding) ? reportOf(analysis, finding) : undefined;
    // Findings come most decisive first: the first pin per dependency is the one its quick-fix offers.
    if (!report || report.section === 'lockfile' || seen.has(report) || !finding.fix) continue;
    seen.add(report);
    if (pinEdit(analysis.source.text, report, finding.fix.pin).length > 0) items.push({ report, version: finding.fix.pin });
  }
  if (items.length < 2) return undefined;
  const edits = pinAllEdits(analysis.source.text, items);
  const action = edit(ctx, analysis, `Pin all flagged dependencies (${items.length})`, edits, undefined, false);
  return { ...action, kind: PIN_ALL_KIND };
}

function edit(ctx: FeatureContext, analysis: CurrentAnalysis, title: string, edits: TextEdit[], diagnostic: Diagnostic | undefined, isPreferred: boolean): CodeAction {
  const version = analysis.source.version ?? null;
  return {
    title,
    kind: CodeActionKind.QuickFix,
    ...(diagnostic && { diagnostics: [diagnostic] }),
    ...(isPreferred && { isPreferred: true }),
    edit: toWorkspaceEdit([{ uri: analysis.uri, version, text: analysis.source.text, edits }], ctx.capabilities.documentChanges),
  };
}

/**
 * The client asks for the reason (and an expiry), then for the edit (vigil/suppressionEdit). Not offered
 * in an untrusted workspace, whose .vigilrc.json Vigil does not read.
 */
function suppressAction(ctx: FeatureContext, analysis: CurrentAnalysis, finding: Finding, diagnostic: Diagnostic | undefined): CodeAction | undefined {
  if (!ctx.isTrusted() || finding.package === '') return undefined;
  const shown = finding.version === undefined ? finding.package : `${finding.package}@${finding.version}`;
  const args: SuppressArgs = { uri: analysis.uri, signal: finding.signal, package: finding.package, ...(finding.version !== undefined && { version: finding.version }) };
  return {
    title: `Suppress ${finding.signal} for ${shown}…`,
    kind: CodeActionKind.QuickFix,
    ...(diagnostic && { diagnostics: [diagnostic] }),
    command: { title: 'Suppress', command: COMMANDS.suppress, arguments: [args] },
  };
}

/** About the dependency under the cursor, flagged or not: its npm page and its maintainer history. */
function packageActions(analysis: CurrentAnalysis, report: DependencyReport): CodeAction[] {
  if (!hasRegistryData(report)) return [];
  const name = report.package;
  const actions: CodeAction[] = [];
  if (isPublicRegistry(registryUrlOf(analysis, name))) {
    const args: OpenOnNpmArgs = { url: npmPageUrl(name) };
    actions.push({ title: `Open ${name} on npm`, command: { title: 'Open on npm', command: COMMANDS.openOnNpm, arguments: [args] } });
  }
  const card: PackageCardParams = { uri: analysis.uri, name: report.name, section: report.section, ...(report.version !== undefined && { version: report.version }) };
  actions.push({
    title: `Show maintainer history of ${name}`,
    command: { title: 'Show maintainer history', command: COMMANDS.showMaintainerHistory, arguments: [card] },
  });
  return actions;
}

function unique(actions: CodeAction[]): CodeAction[] {
  const seen = new Set<string>();
  return actions.filter((action) => {
    const key = `${action.kind ?? ''}\u0000${action.title}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `context.only`: kinds asked for (a prefix matches its sub-kinds); actions without a kind only when nothing was asked. */
function onlyKinds(actions: CodeAction[], only: readonly string[] | undefined): CodeAction[] {
  if (!only || only.length === 0) return actions;
  return actions.filter((action) => action.kind !== undefined && only.some((kind) => action.kind === kind || action.kind?.startsWith(`${kind}.`)));
}
