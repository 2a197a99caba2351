/**
 * new-bin: the version installs an executable the release before it did not. Package executables are
 * linked into node_modules/.bin, which npm scripts put first on PATH: a new one can shadow a command your
 * scripts run. Often harmless (a new CLI), so this is information.
 */
import { list } from '../format';
import type { Signal } from './types';

export const newBin: Signal = ({ summary, version, earlier }) => {
  const previous = earlier[0];
  if (!previous || version.bin.length === 0) return undefined;
  const added = version.bin.filter((name) => !previous.bin.includes(name));
  if (added.length === 0) return undefined;
  return {
    signal: 'new-bin',
    severity: 'information',
    message:
      `${summary.name}@${version.version} adds the executable${added.length === 1 ? '' : 's'} ${list(added.map((b) => `\`${b}\``))}, ` +
      `which ${previous.version} did not install. Executables land in node_modules/.bin, first on PATH for npm scripts, where ` +
      `a new one can shadow a command you run.`,
    evidence: { version: version.version, added, previousVersion: previous.version, previousBin: previous.bin },
  };
};
