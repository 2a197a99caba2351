/**
 * What the terminal allows: colours only when stdout is a terminal, NO_COLOR (https://no-color.org) is
 * unset or empty and TERM is not "dumb"; a progress line only when stderr is a terminal. CI logs, pipes
 * and files get plain text and no progress.
 */
export interface TerminalFeatures {
  color: boolean;
  progress: boolean;
}

export function terminalFeatures(env: Record<string, string | undefined>, stdoutIsTTY: boolean, stderrIsTTY: boolean): TerminalFeatures {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const dumb = env.TERM === 'dumb';
  return { color: stdoutIsTTY && !noColor && !dumb, progress: stderrIsTTY && !dumb };
}
