/**
 * Handler wrappers. An exception escaping a handler would either kill a notification silently or send an
 * internal error the editor shows as a pop-up; neither helps the user. So: cancellation is honoured before
 * and after the work (as LSP asks: a cancelled request answers RequestCancelled), failures are logged and
 * answered with a harmless default.
 */
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';

export interface ErrorLog {
  error(message: string): void;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled');
}

/** The token as an AbortSignal, which is what the analysis and the registry client understand. */
export function tokenToSignal(token: CancellationToken | undefined): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (!token) return { signal: controller.signal, dispose: () => undefined };
  if (token.isCancellationRequested) controller.abort();
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => listener.dispose() };
}

/** For request handlers: the result, `fallback` on failure, or RequestCancelled when the client gave up. */
export async function runSafeAsync<T>(
  log: ErrorLog,
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
  fallback: T,
  token?: CancellationToken,
): Promise<T | ResponseError<void>> {
  if (token?.isCancellationRequested) return cancelled();
  const { signal, dispose } = tokenToSignal(token);
  try {
    const result = await work(signal);
    return token?.isCancellationRequested ? cancelled() : result;
  } catch (error) {
    if (token?.isCancellationRequested) return cancelled();
    log.error(`${what} failed: ${describeError(error)}`);
    return fallback;
  } finally {
    dispose();
  }
}

/**
 * For notification handlers (no answer to give): runs the work, sync or async, and logs whatever it
 * throws. Never rejects, so callers may drop the promise.
 */
export function runSafeNotification(log: ErrorLog, what: string, work: () => void | Promise<void>): void {
  try {
    const pending = work();
    if (pending) void pending.catch((error: unknown) => log.error(`${what} failed: ${describeError(error)}`));
  } catch (error) {
    log.error(`${what} failed: ${describeError(error)}`);
  }
}
