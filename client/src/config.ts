/**
 * Client-side configuration: which documents Vigil handles, and the workspace-trust rule for settings.
 * The server pulls settings itself (workspace/configuration); this file only filters what it is told.
 */
import * as vscode from 'vscode';
import type { ConfigurationRequest } from 'vscode-languageclient/node';
import { SETTINGS_SECTION } from '../../server/src/protocol';

/** package.json files on disk. Any language id: users sometimes associate package.json with jsonc. */
/** Typed as the intersection of VS Code's and LSP's filter shapes, so both APIs accept it. */
export const PACKAGE_JSON_SELECTOR: Array<{ scheme: string; pattern: string }> = [{ scheme: 'file', pattern: '**/package.json' }];

/** What the server is sent: manifests, and the project's .vigilrc.json (validated, and read unsaved). */
export const DOCUMENT_SELECTOR: Array<{ scheme: string; pattern: string }> = [
  ...PACKAGE_JSON_SELECTOR,
  { scheme: 'file', pattern: '**/.vigilrc.json' },
];

/**
 * Settings an untrusted workspace must not choose, because they decide what Vigil believes: a cloned
 * repository could point `registry` at a server that hides the history, set `asOf` to a time before
 * the malicious release, or turn a signal `off` in `severity`. In an untrusted workspace only the user's
 * own value counts.
 */
const RESTRICTED = ['registry', 'asOf', 'severity'] as const;

export const configurationMiddleware: ConfigurationRequest.MiddlewareSignature = async (params, token, next) => {
  const result = await next(params, token);
  if (vscode.workspace.isTrusted || !Array.isArray(result)) return result;
  return result.map((value: unknown, index) => {
    const item = params.items[index];
    if (item?.section !== SETTINGS_SECTION || typeof value !== 'object' || value === null) return value;
    const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
    return userValuesOnly(value as Record<string, unknown>, vscode.workspace.getConfiguration(SETTINGS_SECTION, scope));
  });
};

function userValuesOnly(settings: Record<string, unknown>, configuration: vscode.WorkspaceConfiguration): Record<string, unknown> {
  const filtered = { ...settings };
  for (const key of RESTRICTED) {
    const inspected = configuration.inspect(key);
    filtered[key] = inspected?.globalValue ?? inspected?.defaultValue;
  }
  return filtered;
}
