/** Whole-file writes: a temp file next to the target, then a rename, so readers see the old file or the new one. */
import * as fs from 'node:fs';
import { dirname } from 'node:path';

/**
 * A file's text for a write on another thread: `pieces` are posted as they are, so the calling thread
 * never builds (and holds until the write is done) a joined copy; `remake` gives the same text again
 * should that thread stop before writing it, so the pieces need not be kept meanwhile either. In a cold
 * run those held copies, promoted to the old generation while they waited, were some 7 MB of garbage.
 */
export interface FileText {
  pieces: readonly string[];
  remake(): string;
}

/** Undefined once written, or the error code when the file could not be written. */
export type WriteOutcome = string | undefined;

/** Writes `data` to `file` whole, through `temp` (a name next to it no one else uses), making the folder if needed. */
export function writeFileNow(file: string, temp: string, data: string | Uint8Array): WriteOutcome {
  try {
    try {
      fs.writeFileSync(temp, data);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
      fs.mkdirSync(dirname(file), { recursive: true });
      fs.writeFileSync(temp, data);
    }
    fs.renameSync(temp, file);
    return undefined;
  } catch (error) {
    try {
      fs.unlinkSync(temp);
    } catch {
      // Never made.
    }
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : 'unknown error';
  }
}
