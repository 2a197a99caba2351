/**
 * Client-side configuration: which documents Vigil handles, and the workspace-trust rule for settings.
 * The server pulls settings itself (workspace/configuration); this file only filters what it is told.
 *
 * The `http` section (`http.proxy`, `http.proxyStrictSSL`, `http.noProxy`) is pulled the same way and
 * passes through untouched: VS Code registers those settings as `restricted` and application-wide, so a
 * workspace, trusted or not, cannot set them; the user's values are the only ones there are.
 */
import * as vscode from 'vscode';
import type { ConfigurationRequest } from 'vscode-languageclient/node';
import { SETTINGS_SECTION } from '../../server/src/protocol';
import { RESTRICTED, withValue } from './decisions';

/** package.json files on disk. Any language id: users sometimes associate package.json with jsonc. */
/** Typed as the intersection of VS Code's and LSP's filter shapes, so both APIs accept it. */
export const PACKAGE_JSON_SELECTOR: Array<{ scheme: string; pattern: string }> = [{ scheme: 'file', pattern: '**/package.json' }];

/** What the server is sent: manifests, and the project's .vigilrc.json (validated, and read unsaved). */
export const DOCUMENT_SELECTOR: Array<{ scheme: string; pattern: string }> = [
  ...PACKAGE_JSON_SELECTOR,
  { scheme: 'file', pattern: '**/.vigilrc.json' },
];

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
  let filtered = { ...settings };
  for (const key of RESTRICTED) {
    const inspected = configuration.inspect(key);
    filtered = withValue(filtered, key, inspected?.globalValue ?? inspected?.defaultValue);
  }
  return filtered;
}
