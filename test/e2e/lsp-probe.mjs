// Asks `node dist/server.js --stdio` for its capabilities (initialize, then shutdown/exit), so the
// end-to-end test can tell "feature not implemented yet" (skip) from "feature broken" (fail). The client
// announces no dynamic registration, so a server that honours that declares everything statically.
import { spawn } from 'node:child_process';

function frame(message) {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export function serverCapabilities(serverJs, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let buffer = Buffer.alloc(0);
    let capabilities;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${serverJs} did not answer initialize within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      if (capabilities) resolve(capabilities);
      else reject(new Error(`${serverJs} exited before answering initialize`));
    });
    child.stdout.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const headerEnd = buffer.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())?.[1]);
        if (buffer.length < headerEnd + 4 + length) return;
        const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
        buffer = buffer.subarray(headerEnd + 4 + length);
        if (message.id === 1) {
          capabilities = message.result?.capabilities ?? {};
          child.stdin.write(frame({ id: 2, method: 'shutdown' }));
        } else if (message.id === 2) {
          child.stdin.end(frame({ method: 'exit' }));
        } else if (message.method && message.id !== undefined) {
          child.stdin.write(frame({ id: message.id, result: null })); // e.g. workspace/configuration
        }
      }
    });
    child.stdin.write(frame({
      id: 1, method: 'initialize',
      params: {
        processId: process.pid, rootUri: null, workspaceFolders: null,
        capabilities: { textDocument: { hover: { dynamicRegistration: false }, codeAction: { dynamicRegistration: false } } },
      },
    }));
  });
}
