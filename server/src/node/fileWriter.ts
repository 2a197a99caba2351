/**
 * Whole-file writes (temp file + rename) off the main thread. Creating a file can stall for a long time
 * when the disk is busy (a journal commit, other writers): measured at up to 0.35 ms per entry on a cold
 * run right after a large write, against 0.05 ms on a quiet disk. On the main thread that stall is the
 * CLI's (and the language server's) to wait out; the fs thread pool avoids it but costs four round trips
 * per file (open, write, close, rename), each a wake-up of another thread that a 2-core machine pays in
 * main-thread time. The summary thread (summaryThread.ts) takes one message per file and writes it
 * synchronously there; whatever the disk does only delays the acknowledgement. It is the same thread that
 * summarises packuments, so a cold run keeps one extra thread, not two (each holds a heap of its own).
 *
 * Where no worker can run, writes happen synchronously on the calling thread.
 */
import { sharedSummaryThread } from './summaryThread';
import { writeFileNow, type FileText, type WriteOutcome } from './wholeFile';

export { writeFileNow, type FileText, type WriteOutcome };

/** Writes `text` to `file` whole (through `temp`, a name next to it no one else uses). */
export function writeFileOffThread(file: string, temp: string, text: FileText): Promise<WriteOutcome> {
  const thread = sharedSummaryThread();
  return thread ? thread.writeFile(file, temp, text) : Promise.resolve(writeFileNow(file, temp, text.pieces.join('')));
}
