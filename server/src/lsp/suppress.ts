/**
 * `vigil/suppressionEdit`: the edit that adds a suppression to the .vigilrc.json beside the document a
 * finding is in (a package.json, or a lockfile: the package.json beside it reads the same file), or that
 * creates the file. The core makes and checks the edit (it must parse back to a policy holding the
 * suppression); this side finds the file, says why when there is no edit, and refuses in an untrusted
 * workspace, whose .vigilrc.json Vigil does not read.
 */
import { dirname, join } from 'node:path';
import { suppressionEdits, suppressionProblem, type SuppressionRequest } from '../core/fixes';
import { SIGNAL_IDS, type SignalId } from '../core/finding';
import { POLICY_FILE } from '../core/parse/policyFile';
import type { SuppressionEditParams, SuppressionEditResult } from '../protocol';
import type { FeatureContext, TextSource } from './analysisAt';
import { toWorkspaceEdit } from './convert';
import { pathToUri, uriToPath } from './workspace';

export async function suppressionEdit(ctx: FeatureContext, params: SuppressionEditParams): Promise<SuppressionEditResult> {
  if (!ctx.isTrusted()) {
    return { message: `Vigil does not write ${POLICY_FILE} in an untrusted workspace (it does not read it there either).` };
  }
  const path = typeof params?.uri === 'string' ? uriToPath(params.uri) : undefined;
  if (path === undefined) return { message: 'Suppressions are written beside a package.json on disk.' };
  if (!(SIGNAL_IDS as readonly string[]).includes(params.signal)) return { message: 'Not a Vigil signal.' };
  const request: SuppressionRequest = {
    entry: params.entry,
    signal: params.signal as SignalId,
    reason: params.reason,
    ...(typeof params.expires === 'string' && params.expires !== '' && { expires: params.expires }),
  };
  const problem = suppressionProblem(request);
  if (problem !== undefined) return { message: problem };

  const policyPath = join(dirname(path), POLICY_FILE);
  const existing = await readPolicy(ctx, policyPath);
  if (existing === 'unreadable') return { message: `${POLICY_FILE} could not be read; nothing was changed.` };
  const edits = suppressionEdits(existing?.text, request);
  if (edits.length === 0) {
    return { message: `${POLICY_FILE} already holds this suppression, or is not valid JSON with a "suppressions" list (see its problems); nothing was changed.` };
  }
  if (!existing && !(ctx.capabilities.documentChanges && ctx.capabilities.createFiles)) {
    return { message: `This editor cannot create files through the language server: create ${POLICY_FILE} first.` };
  }
  const target = existing ?? { uri: pathToUri(policyPath), text: '', version: null };
  return { edit: toWorkspaceEdit([{ ...target, edits, ...(!existing && { create: true }) }], ctx.capabilities.documentChanges), file: target.uri };
}

/** The open document, else the file; undefined when there is none. */
async function readPolicy(ctx: FeatureContext, path: string): Promise<TextSource | undefined | 'unreadable'> {
  const open = ctx.openAt(path);
  if (open) return open;
  try {
    return { uri: pathToUri(path), text: await ctx.readFile(path), version: null };
  } catch (error) {
    return (error as { code?: unknown } | null)?.code === 'ENOENT' ? undefined : 'unreadable';
  }
}
