/**
 * package-lock.json and npm-shrinkwrap.json (lockfileVersion 1, 2 and 3) → the normalised lockfile
 * graph. v2/v3 are read from `packages` (paths resolved like Node resolves `require`, links followed to
 * their folder entries); v1, and a v2 without `packages`, from the nested `dependencies`. Never throws
 * on user input: a broken file yields one problem where it breaks plus every entry still readable.
 * Messages never quote the file.
 */
import type { OffsetRange } from '../finding';
import type { Lockfile, ParsedLockfile } from '../lockfile/types';
import { isRecord, ProblemList, scanConflict, withoutBom } from './npmLockCommon';
import { parseStrict, readTolerant, type Layout } from './npmLockJson';
import { readLegacyDependencies } from './npmLockLegacy';
import { readPackages } from './npmLockPackages';

const SUPPORTED = new Set([1, 2, 3]);

export function parseNpmLock(text: string): ParsedLockfile {
  const problems = new ProblemList();
  const source = withoutBom(text);
  let document = parseStrict(source);
  if (!document) {
    // Valid JSON has no line that starts with a merge marker: look for them only when parsing failed.
    const conflict = scanConflict(source);
    if (conflict) {
      problems.broken(
        'lockfile-conflict',
        'The lockfile has unresolved merge-conflict markers. npm would read only one side; Vigil checks the entries of "our" side until the conflict is resolved (run npm install to regenerate the lockfile).',
        conflict.first,
      );
    }
    const readable = conflict?.ours ?? source;
    document = (conflict && parseStrict(readable)) || readTolerant(readable, problems);
  }
  const value: Lockfile = { kind: 'npm', version: '', packages: [], importers: [] };
  const root = document.root;
  if (!isRecord(root)) {
    if (root !== undefined && !problems.isBroken) {
      problems.broken('lockfile-syntax', 'The lockfile must contain a JSON object; npm cannot read this file, so no locked package was checked.', document.rootRange);
    }
    return { value, problems: problems.items };
  }
  const lockfileVersion = root.lockfileVersion;
  if (typeof lockfileVersion === 'number' || typeof lockfileVersion === 'string') value.version = String(lockfileVersion);
  const layout = chooseLayout(root, lockfileVersion);
  const { topKeys, entries } = document.scan(layout);
  checkVersion(lockfileVersion, topKeys.get('lockfileVersion') ?? startOf(document.rootRange), problems);
  if (!layout) return { value, problems: problems.items };
  const sectionRange = topKeys.get(layout) ?? startOf(document.rootRange);
  const section = root[layout];
  if (!isRecord(section)) {
    problems.entry(`"${layout}" must be an object of entries; npm cannot read the lockfile as written.`, sectionRange);
    return { value, problems: problems.items };
  }
  const read = layout === 'packages' ? readPackages(section, entries, problems) : readLegacyDependencies(section, entries, problems);
  value.packages = read.packages;
  value.importers = read.importers;
  return { value, problems: problems.items };
}

/** v2/v3 read `packages`; v1 (and a v2 that lost it) the nested `dependencies`; unknown: whatever is there. */
function chooseLayout(root: Record<string, unknown>, lockfileVersion: unknown): Layout | undefined {
  const hasPackages = root.packages !== undefined;
  const hasDependencies = root.dependencies !== undefined;
  if (lockfileVersion === 1) return hasDependencies || !hasPackages ? 'dependencies' : 'packages';
  if (hasPackages) return 'packages';
  return hasDependencies ? 'dependencies' : undefined;
}

function checkVersion(lockfileVersion: unknown, range: OffsetRange, problems: ProblemList): void {
  if (typeof lockfileVersion === 'number' && SUPPORTED.has(lockfileVersion)) return;
  if (lockfileVersion === undefined) {
    problems.version('The lockfile has no "lockfileVersion": it was not written by npm 5 or later, or was edited by hand. Vigil reads the entries it recognises.', range);
    return;
  }
  if (typeof lockfileVersion === 'number' && Number.isInteger(lockfileVersion) && lockfileVersion > 3) {
    problems.version('This lockfile was written by a newer npm than Vigil knows (lockfileVersion above 3). Vigil reads the entries it recognises; some may be missed.', range);
    return;
  }
  problems.version('"lockfileVersion" must be 1, 2 or 3; npm will not trust this lockfile as written. Vigil reads the entries it recognises.', range);
}

function startOf(range: OffsetRange): OffsetRange {
  return { start: range.start, end: Math.min(range.start + 1, range.end) };
}
