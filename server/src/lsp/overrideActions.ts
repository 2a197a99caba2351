/**
 * "Override <name> to <version>": forcing a transitive package's version from the package.json that
 * governs the lockfile (the one beside it), in the package manager's own section (npm `overrides`, Yarn
 * `resolutions`, pnpm `pnpm.overrides`), then offering to run its install so the lockfile follows. Offered
 * on a lockfile entry's finding, and on package.json's `risky-transitive` for each risky package it
 * names whose pin is known (from the lockfile's findings in the same analysis, else in the lockfile
 * document's own analysis).
 */
import { dirname, resolve } from 'node:path';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { installCommand, managerOf, overrideEdits, type PackageManager } from '../core/fixes';
import type { Finding } from '../core/finding';
import { COMMANDS, type RunInstallArgs } from '../protocol';
import { fileName, manifestBeside, readSource, type CurrentAnalysis, type FeatureContext, type TextSource } from './analysisAt';
import { toWorkspaceEdit } from './convert';
import { pathToUri } from './workspace';

const SECTION_LABEL: Record<PackageManager, string> = {
  npm: 'npm overrides',
  yarn: 'Yarn resolutions',
  pnpm: 'pnpm.overrides',
};

export interface OverrideTarget {
  /** The lockfile whose entry is overridden (absolute path). */
  lockfilePath: string;
  name: string;
  version: string;
  /** From a direct dependency down to the package's parent (npm nests overrides of direct dependencies' names). */
  path?: readonly string[];
  diagnostic?: Diagnostic;
}

/** The override action for one package of one lockfile; undefined when there is no package.json to write to. */
export async function overrideAction(ctx: FeatureContext, analysis: CurrentAnalysis, target: OverrideTarget): Promise<CodeAction | undefined> {
  const manifestPath = manifestBeside(target.lockfilePath);
  const manifest = manifestPath === analysis.path ? ownSource(analysis) : await readSource(ctx, manifestPath);
  if (!manifest) return undefined;
  const manager = managerOf([fileName(target.lockfilePath)], manifest.text);
  const title = `Override ${target.name} to ${target.version} (${SECTION_LABEL[manager]})`;
  const { edits, note } = overrideEdits(manifest.text, manager, target.name, target.version, target.path);
  if (edits.length === 0) {
    return ctx.capabilities.disabledActions ? { title, kind: CodeActionKind.QuickFix, disabled: { reason: note ?? 'package.json already says so.' } } : undefined;
  }
  const args: RunInstallArgs = { folder: pathToUri(dirname(manifestPath)), manager, ...(note !== undefined && { note }) };
  return {
    title,
    kind: CodeActionKind.QuickFix,
    ...(target.diagnostic && { diagnostics: [target.diagnostic] }),
    edit: toWorkspaceEdit([{ ...manifest, edits }], ctx.capabilities.documentChanges),
    // Run after the edit is applied: offers the install that makes the lockfile follow (trusted workspaces only).
    command: { title: `Run ${installCommand(manager)}`, command: COMMANDS.runInstall, arguments: [args] },
  };
}

/** On a lockfile document: the finding's own entry, to its pin. */
export function lockfileTarget(analysis: CurrentAnalysis, finding: Finding, diagnostic?: Diagnostic): OverrideTarget | undefined {
  if (!finding.fix || finding.fix.replaceWith !== undefined || finding.package === '') return undefined;
  return { lockfilePath: analysis.path, name: finding.package, version: finding.fix.pin, ...(diagnostic && { diagnostic }) };
}

interface RiskyPackage {
  package: string;
  version: string;
  path: string[];
}

/** On package.json's `risky-transitive`: each risky package it names that has a pin. */
export function riskyTargets(ctx: FeatureContext, analysis: CurrentAnalysis, finding: Finding, diagnostic?: Diagnostic): OverrideTarget[] {
  const lockfile = finding.evidence['lockfile'];
  const packages = finding.evidence['packages'];
  if (typeof lockfile !== 'string' || !Array.isArray(packages)) return [];
  const lockfilePath = resolve(dirname(analysis.path), lockfile);
  const targets: OverrideTarget[] = [];
  for (const item of packages) {
    const risky = riskyPackage(item);
    if (!risky) continue;
    const pin = pinIn(analysis.result.findings, lockfile, risky) ?? pinInLockfileDocument(ctx, lockfilePath, risky);
    if (pin === undefined) continue;
    // The path runs from the direct dependency to the risky package: its parent is the one before it.
    targets.push({ lockfilePath, name: risky.package, version: pin, path: risky.path.slice(0, -1), ...(diagnostic && { diagnostic }) });
  }
  return targets;
}

function riskyPackage(item: unknown): RiskyPackage | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const { package: name, version, path } = item as Record<string, unknown>;
  if (typeof name !== 'string' || typeof version !== 'string') return undefined;
  return { package: name, version, path: Array.isArray(path) ? path.filter((p): p is string => typeof p === 'string') : [] };
}

/** The pin of a finding on `risky` in `file` (the lockfile, as the analysis names it). */
function pinIn(findings: readonly Finding[], file: string, risky: RiskyPackage): string | undefined {
  const found = findings.find(
    (f) => f.file === file && f.package === risky.package && f.version === risky.version && f.fix !== undefined && f.fix.replaceWith === undefined,
  );
  return found?.fix?.pin;
}

function pinInLockfileDocument(ctx: FeatureContext, lockfilePath: string, risky: RiskyPackage): string | undefined {
  const uri = ctx.openAt(lockfilePath)?.uri ?? pathToUri(lockfilePath);
  const lockfile = ctx.latest(uri);
  return lockfile ? pinIn(lockfile.result.findings, lockfile.file, risky) : undefined;
}

function ownSource(analysis: CurrentAnalysis): TextSource {
  return { uri: analysis.uri, text: analysis.source.text, version: analysis.source.version ?? null };
}
