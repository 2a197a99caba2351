/**
 * A minimal LSP client for protocol tests: spawns `node dist/server.js --stdio`, answers the server's
 * requests (configuration, registration), records every notification, and lets a test wait for the one it
 * expects. Waiting is event-driven: a waiter is resolved by the message that satisfies it, and rejected if
 * the server exits first; there are no sleeps (node:test's per-test timeout bounds a hung server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  ConfigurationRequest,
  createProtocolConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ConfigurationItem,
  type InitializeParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { STATUS_NOTIFICATION, type StatusParams } from '../../server/src/protocol';

interface Waiter {
  /** Resolves the waiter and returns true when its message has arrived. */
  settle(): boolean;
  reject(error: Error): void;
}

export class LspTestClient {
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly statuses: StatusParams[] = [];
  readonly logs: string[] = [];
  readonly configurationRequests: ConfigurationItem[] = [];
  private readonly waiters = new Set<Waiter>();
  private exitError: Error | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** `settings(item)` answers workspace/configuration for each requested item; `env`: the server's environment. */
  static spawn(serverPath: string, settings: (item: ConfigurationItem) => unknown, env?: NodeJS.ProcessEnv): LspTestClient {
    const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], ...(env && { env }) });
    if (!child.stdout || !child.stdin) throw new Error('server stdio is not piped');
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspTestClient(child, connection);
    child.stderr?.on('data', (chunk: Buffer) => client.logs.push(`stderr: ${chunk.toString()}`));
    child.on('exit', (code, signal) => {
      client.failAll(new Error(`server exited (code ${code}, signal ${signal})`));
      // Rejects requests still waiting for an answer (a crashed server never sends one).
      connection.dispose();
    });
    connection.onRequest(ConfigurationRequest.type, (params) => {
      client.configurationRequests.push(...params.items);
      return params.items.map(settings);
    });
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onNotification(LogMessageNotification.type, (params) => client.logs.push(params.message));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => client.record(client.diagnostics, params));
    connection.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => client.record(client.statuses, params));
    connection.listen();
    return client;
  }

  async initialize(params: InitializeParams): Promise<void> {
    await this.connection.sendRequest(InitializeRequest.type, params);
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  /** The first diagnostics publication (past or future) that satisfies `predicate`. */
  waitForDiagnostics(predicate: (params: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams> {
    return this.waitFor(this.diagnostics, predicate, 'diagnostics');
  }

  waitForStatus(predicate: (params: StatusParams) => boolean): Promise<StatusParams> {
    return this.waitFor(this.statuses, predicate, 'status');
  }

  /** Whether the server process is still running. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Polite shutdown (shutdown + exit); a server that does not exit within a grace period is killed. */
  async stop(): Promise<void> {
    if (this.alive) {
      try {
        await this.connection.sendRequest(ShutdownRequest.type);
        await this.connection.sendNotification(ExitNotification.type);
      } catch {
        // Already gone: nothing to shut down.
      }
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise<void>((resolve) => (grace = setTimeout(resolve, 5_000)))]);
      clearTimeout(grace);
      if (this.alive) this.child.kill();
      await this.exited;
    }
    this.connection.dispose();
  }

  private record<T>(list: T[], value: T): void {
    list.push(value);
    for (const waiter of [...this.waiters]) if (waiter.settle()) this.waiters.delete(waiter);
  }

  private waitFor<T>(list: readonly T[], predicate: (value: T) => boolean, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        settle: () => {
          const value = list.find(predicate);
          if (value === undefined) return false;
          resolve(value);
          return true;
        },
        reject: (error) => reject(this.failure(what, error)),
      };
      if (waiter.settle()) return;
      if (this.exitError) return waiter.reject(this.exitError);
      this.waiters.add(waiter);
    });
  }

  private failAll(error: Error): void {
    this.exitError = error;
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
  }

  private failure(what: string, cause: Error): Error {
    return new Error(`while waiting for ${what}: ${cause.message}\nserver log:\n${this.logs.join('\n')}`);
  }
}
