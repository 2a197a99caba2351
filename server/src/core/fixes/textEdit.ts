/**
 * Edits as offsets into the text they were computed against, the form every quick-fix here returns. The
 * language server turns them into versioned LSP edits (its convert.ts is the one place offsets become
 * positions); the CLI and the tests apply them with `applyEdits`.
 */
import type { OffsetRange } from '../finding';

export interface TextEdit {
  range: OffsetRange;
  newText: string;
}

/**
 * The text with the edits applied. Edits are against the original text, in any order, and must not
 * overlap (two insertions at one offset apply in the order given); edits breaking that are a bug in
 * whoever made them, so this throws a RangeError rather than guess.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = sortEdits(edits);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    const { start, end } = edit.range;
    if (start < at || end < start || end > text.length) throw new RangeError(`overlapping or out-of-range edit at ${start}-${end}`);
    out += text.slice(at, start) + edit.newText;
    at = end;
  }
  return out + text.slice(at);
}

/** By start offset; stable, so insertions at one offset keep their order. */
export function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => a.edit.range.start - b.edit.range.start || a.edit.range.end - b.edit.range.end || a.index - b.index)
    .map(({ edit }) => edit);
}

/** Drops edits that would write what is already there. */
export function withoutNoOps(text: string, edits: readonly TextEdit[]): TextEdit[] {
  return edits.filter((edit) => text.slice(edit.range.start, edit.range.end) !== edit.newText);
}

export function replace(start: number, end: number, newText: string): TextEdit {
  return { range: { start, end }, newText };
}
