/**
 * repository-changed: the version points at another source repository than the release before it. A
 * package's repository link is what people follow to review its code; a takeover that moves it points
 * reviewers at the attacker's fork (or away from the code that was really published).
 */
import { day } from '../format';
import type { VersionSummary } from '../registry/types';
import type { Signal } from './types';
import { fadesWithTime } from './vetting';

/** host/owner/repo, lower-cased, whatever URL form npm recorded (git+https, git://, ssh, shorthand). */
export function normalizeRepository(url: string): string {
  let text = url.trim().toLowerCase();
  const shorthand = /^(github|gitlab|bitbucket):(.+)$/.exec(text);
  if (shorthand) text = `${shorthand[1] === 'bitbucket' ? 'bitbucket.org' : `${shorthand[1]}.com`}/${shorthand[2]}`;
  else if (/^[^:/@\s]+\/[^/\s]+$/.test(text)) text = `github.com/${text}`;
  text = text
    .replace(/^git\+/, '')
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^[^@/]+@/, '')
    .replace(/^www\./, '')
    .replace(/^([^/:]+):(?!\d)/, '$1/')
    .replace(/#.*$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  return text;
}

export const repositoryChanged: Signal = fadesWithTime(({ summary, version, earlier }) => {
  if (!version.repository) return undefined;
  const previous = earlier.find((v: VersionSummary) => v.repository !== undefined);
  if (!previous?.repository) return undefined;
  const now = normalizeRepository(version.repository);
  const before = normalizeRepository(previous.repository);
  if (now === before) return undefined;
  return {
    signal: 'repository-changed',
    severity: 'warning',
    message:
      `${summary.name}@${version.version} names another source repository (${now}) than ${previous.version} did ` +
      `(${before}, ${day(previous.publishedAt)}). Reviewers follow that link to read the code; a takeover that moves it ` +
      `sends them to the wrong place. Make sure the move is announced by the project.`,
    evidence: {
      version: version.version,
      repository: now,
      previousVersion: previous.version,
      previousRepository: before,
      previousPublishedAt: previous.publishedAt ?? null,
    },
  };
});
