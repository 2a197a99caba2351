/**
 * dist/server.js: the Vigil language server. The transport comes from the command line (`--stdio`,
 * `--node-ipc`, `--socket=N`), as vscode-languageserver reads it; everything else lives in lsp/server.ts.
 */
// First, before any other module is evaluated (see the module).
import './node/youngGeneration';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/server';
import { nodeRuntime } from './node/runtime';

startServer(createConnection(ProposedFeatures.all), nodeRuntime());
