/**
 * The single place where offsets become zero-based line/character positions (UTF-16 code units, as LSP
 * and JavaScript strings count them). The CLI's JSON and the language server both go through here, so the
 * same input gives the same ranges everywhere.
 */
import type { AnalysisError, Finding } from './finding';

export interface Position {
  line: number;
  character: number;
}

export interface PositionRange {
  start: Position;
  end: Position;
}

export type ReportFinding = Omit<Finding, 'range'> & { range: PositionRange };
export type ReportError = Omit<AnalysisError, 'range'> & { range: PositionRange };

export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      // \r\n counts as one line break; a lone \r is a break too (as in LSP).
      if (ch === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      } else if (ch === 10 /* \n */) {
        this.lineStarts.push(i + 1);
      }
    }
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - (this.lineStarts[low] ?? 0) };
  }

  rangeAt(range: { start: number; end: number }): PositionRange {
    return { start: this.positionAt(range.start), end: this.positionAt(range.end) };
  }
}

export function toReportFinding(finding: Finding, index: LineIndex): ReportFinding {
  return { ...finding, range: index.rangeAt(finding.range) };
}

export function toReportError(error: AnalysisError, index: LineIndex): ReportError {
  return { ...error, range: index.rangeAt(error.range) };
}
