/**
 * The editor features over published analyses — hover, code actions — and the requests the client's
 * commands send: the workspace report, a package's card, a suppression's edit, clearing the cache. Each
 * handler goes through runSafe (cancellation honoured, failures logged and answered with a default).
 */
import { RequestType, RequestType0, type ClientCapabilities, type CodeAction, type Connection, type Hover } from 'vscode-languageserver';
import {
  CLEAR_CACHE_REQUEST,
  PACKAGE_CARD_REQUEST,
  REPORT_REQUEST,
  SUPPRESSION_EDIT_REQUEST,
  type ClearCacheResult,
  type PackageCardParams,
  type PackageCardResult,
  type ReportResult,
  type SuppressionEditParams,
  type SuppressionEditResult,
} from '../protocol';
import type { FeatureCapabilities, FeatureContext } from './analysisAt';
import { codeActions } from './codeActions';
import { hover, packageCard } from './hover';
import { runSafeAsync, type ErrorLog } from './runSafe';
import { suppressionEdit } from './suppress';

/** What the features need from the session. */
export interface FeatureHost {
  context: FeatureContext;
  report(): ReportResult;
  clearCache(): Promise<ClearCacheResult>;
}

const ReportRequest = new RequestType0<ReportResult, void>(REPORT_REQUEST);
const ClearCacheRequest = new RequestType0<ClearCacheResult, void>(CLEAR_CACHE_REQUEST);
const PackageCardRequest = new RequestType<PackageCardParams, PackageCardResult | null, void>(PACKAGE_CARD_REQUEST);
const SuppressionEditRequest = new RequestType<SuppressionEditParams, SuppressionEditResult, void>(SUPPRESSION_EDIT_REQUEST);

const NO_REPORT: ReportResult = { markdown: '# Vigil report\n\nThe language server is not ready yet.\n', findings: 0 };

/** `host()` is undefined until `initialize`. */
export function registerFeatures(connection: Connection, log: ErrorLog, host: () => FeatureHost | undefined): void {
  connection.onHover((params, token) =>
    runSafeAsync<Hover | null>(log, 'hover', async () => {
      const features = host();
      return features ? hover(features.context, params) : null;
    }, null, token),
  );
  connection.onCodeAction((params, token) =>
    runSafeAsync<CodeAction[]>(log, 'codeAction', async () => {
      const features = host();
      return features ? codeActions(features.context, params) : [];
    }, [], token),
  );
  connection.onRequest(ReportRequest, (token) =>
    runSafeAsync<ReportResult>(log, 'report', async () => host()?.report() ?? NO_REPORT, NO_REPORT, token),
  );
  connection.onRequest(ClearCacheRequest, (token) =>
    runSafeAsync<ClearCacheResult>(log, 'clearCache', async () => (await host()?.clearCache()) ?? { files: 0, cleared: false }, { files: 0, cleared: false }, token),
  );
  connection.onRequest(PackageCardRequest, (params, token) =>
    runSafeAsync<PackageCardResult | null>(log, 'packageCard', async (signal) => {
      const features = host();
      return features ? packageCard(features.context, params, signal) : null;
    }, null, token),
  );
  connection.onRequest(SuppressionEditRequest, (params, token) =>
    runSafeAsync<SuppressionEditResult>(log, 'suppressionEdit', async () => {
      const features = host();
      return features ? suppressionEdit(features.context, params) : { message: 'The language server is not ready yet.' };
    }, { message: 'Vigil could not make the edit; see the output.' }, token),
  );
}

export function featureCapabilities(capabilities: ClientCapabilities): FeatureCapabilities {
  const workspaceEdit = capabilities.workspace?.workspaceEdit;
  return {
    documentChanges: workspaceEdit?.documentChanges === true,
    createFiles: workspaceEdit?.resourceOperations?.includes('create') === true,
    disabledActions: capabilities.textDocument?.codeAction?.disabledSupport === true,
  };
}
