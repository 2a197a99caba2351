/**
 * dist/server.js: the Vigil language server. The transport comes from the command line (`--stdio`,
 * `--node-ipc`, `--socket=N`), as vscode-languageserver reads it; everything else lives in lsp/server.ts.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/server';
import { nodeRuntime } from './node/runtime';

startServer(createConnection(ProposedFeatures.all), nodeRuntime());
