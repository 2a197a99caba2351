/**
 * What kind of thing a dependency spec points at, following npm-package-arg's order of checks, so that
 * git, URL, file and workspace specs are named as such and never looked up on the registry.
 */
import { isValidPackageName } from './names';

export type SpecKind = 'registry' | 'git' | 'github' | 'tarball-url' | 'file' | 'link' | 'workspace' | 'other';

export interface ClassifiedSpec {
  kind: SpecKind;
  /** The package the registry would be asked for (alias target for `npm:`), or the declared key. */
  packageName: string;
  /** For registry specs: the semver range or dist-tag ("" means latest). */
  range: string;
  /** True for `npm:` aliases: the key names something else than the package installed. */
  alias: boolean;
}

const GIT_PREFIX = /^(git\+[a-z]+:|git:|git@|github:|gitlab:|bitbucket:|gist:)/i;
/** hosted-git-info recognises plain https URLs of a repository on these hosts as git, not tarballs. */
const HOSTED_REPO_URL = /^https?:\/\/(www\.)?(github\.com|gitlab\.com|bitbucket\.org)\/[^/#?]+\/[^/#?]+?(\.git)?\/?(#.*)?$/i;
const URL_PREFIX = /^https?:\/\//i;
const FILE_PATH = /^(file:|\.\.?(\/|\\|$)|\/|~\/|[a-zA-Z]:[\\/])/;
const TARBALL_FILE = /\.(tgz|tar\.gz|tar)$/i;
/** `user/repo` or `user/repo#ref`: npm treats it as a GitHub repository. */
const GITHUB_SHORTHAND = /^[^@%/\s.:][^/\s:]*\/[^/\s:]+?(#.*)?$/;

export function classifySpec(declaredName: string, rawSpec: string): ClassifiedSpec {
  const spec = rawSpec.trim();
  const base = { packageName: declaredName, range: spec, alias: false };
  if (spec.startsWith('npm:')) return classifyAlias(declaredName, spec.slice(4));
  if (spec.startsWith('workspace:')) return { ...base, kind: 'workspace' };
  if (spec.startsWith('link:')) return { ...base, kind: 'link' };
  if (/^(portal|patch|exec):/.test(spec)) return { ...base, kind: 'other' };
  if (GIT_PREFIX.test(spec)) return { ...base, kind: 'git' };
  if (URL_PREFIX.test(spec)) return { ...base, kind: isGitUrl(spec) || HOSTED_REPO_URL.test(spec) ? 'git' : 'tarball-url' };
  if (FILE_PATH.test(spec) || TARBALL_FILE.test(spec)) return { ...base, kind: 'file' };
  if (GITHUB_SHORTHAND.test(spec)) return { ...base, kind: 'github' };
  // npm-package-arg: any other spec with a slash is a directory on disk, never a registry range.
  if (spec.includes('/') || spec.includes('\\')) return { ...base, kind: 'file' };
  return { ...base, kind: 'registry' };
}

function isGitUrl(spec: string): boolean {
  return /\.git(#.*)?$/i.test(spec);
}

/** `npm:real-name@range`; a scoped target keeps its leading `@`. */
function classifyAlias(declaredName: string, target: string): ClassifiedSpec {
  const at = target.indexOf('@', target.startsWith('@') ? 1 : 0);
  const name = at === -1 ? target : target.slice(0, at);
  const range = at === -1 ? '' : target.slice(at + 1);
  if (!isValidPackageName(name)) return { kind: 'other', packageName: declaredName, range: target, alias: true };
  return { kind: 'registry', packageName: name, range, alias: true };
}

export function describeSpecKind(kind: SpecKind): string {
  switch (kind) {
    case 'git':
      return 'a git repository';
    case 'github':
      return 'a GitHub repository';
    case 'tarball-url':
      return 'a tarball URL';
    case 'file':
      return 'a local path';
    case 'link':
      return 'a symlinked local folder';
    case 'workspace':
      return 'a workspace package';
    case 'other':
      return 'a non-registry source';
    case 'registry':
      return 'the registry';
  }
}
