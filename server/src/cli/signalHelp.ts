/**
 * One-line descriptions of every signal, for SARIF rules and the Markdown report: a compact digest of
 * docs/signals.md (the reference), kept here as data so nothing parses Markdown at run time. The type
 * makes a new signal id without an entry a compile error; test/cli/sarif.test.ts checks that every id
 * with a section in docs/signals.md points at it.
 */
import type { Severity, SignalId } from '../core/finding';

export interface SignalHelp {
  /** The severity a finding of this signal usually has (the rule's default level). */
  severity: Severity;
  /** One line: what the finding says. */
  short: string;
  /** What is detected and why it matters: two or three sentences. */
  full: string;
  /** What to do about it. */
  action: string;
  /** The heading in docs/signals.md that explains it, when there is one. */
  anchor?: string;
  /** What it is about: `package` (a release or name), `lockfile` (how it is installed), `project` (the project's own files). */
  kind: 'package' | 'lockfile' | 'project';
}

const FILE_PROBLEMS = 'invalid-json-invalid-dependency';
const SETTINGS = 'invalid-policy-invalid-cooldown-suppression-expired';

export const SIGNAL_HELP: Readonly<Record<SignalId, SignalHelp>> = {
  'invalid-json': {
    severity: 'error',
    kind: 'project',
    anchor: FILE_PROBLEMS,
    short: 'package.json cannot be read as npm reads it',
    full: 'package.json is not valid JSON at this point. The finding sits where it breaks; the rest of the file is still checked.',
    action: 'Fix the file. This finding cannot be silenced.',
  },
  'invalid-lockfile': {
    severity: 'error',
    kind: 'lockfile',
    anchor: 'invalid-lockfile',
    short: 'the lockfile cannot be read',
    full: 'The lockfile has a syntax error, a merge conflict, an unsupported format version, or an entry that is not what the package manager writes. Entries after the problem may not have been checked.',
    action: 'Regenerate the lockfile with the package manager. This finding cannot be silenced.',
  },
  'invalid-dependency': {
    severity: 'error',
    kind: 'project',
    anchor: FILE_PROBLEMS,
    short: 'a dependency entry is not what npm accepts',
    full: 'A dependency entry in package.json is not a string, or names an invalid package: npm would refuse it.',
    action: 'Fix the entry. This finding cannot be silenced.',
  },
  'invalid-policy': {
    severity: 'error',
    kind: 'project',
    anchor: SETTINGS,
    short: '.vigilrc.json has something Vigil cannot use',
    full: '.vigilrc.json is invalid JSON or names an unknown signal or severity, a bad range or a bad date; that part of the policy is ignored.',
    action: 'Fix or remove the entry. This finding cannot be silenced.',
  },
  'invalid-cooldown': {
    severity: 'warning',
    kind: 'project',
    anchor: SETTINGS,
    short: "a package manager's cooldown setting cannot be read",
    full: "A cooldown setting of pnpm, npm, Yarn, Bun or Renovate cannot be read, so Vigil falls back to its own cooldown for recent-release.",
    action: 'Fix the setting. This finding cannot be silenced.',
  },
  'suppression-expired': {
    severity: 'information',
    kind: 'project',
    anchor: SETTINGS,
    short: 'a suppression in .vigilrc.json has expired',
    full: "A suppression's expires date has passed, so it no longer hides anything: the finding it covered is reported again.",
    action: 'Review the finding again, then extend or remove the suppression.',
  },
  'known-malware': {
    severity: 'error',
    kind: 'package',
    anchor: 'known-malware',
    short: 'the release is a known attack',
    full: "The registry's advisory database has a malware advisory for the resolved version. The release is the attack: a machine that installed it should be treated as compromised.",
    action: 'Pin the suggested known-good version, remove the installed copy, and rotate credentials the machine held.',
  },
  'lockfile-integrity-mismatch': {
    severity: 'error',
    kind: 'lockfile',
    anchor: 'lockfile-integrity-mismatch',
    short: "the lockfile's hash is not the registry's for that version",
    full: "The lockfile's integrity hash differs from the one the registry publishes for the same version. Versions cannot be republished on npm's registry, so most likely the lockfile was edited to install another file.",
    action: 'Regenerate the lockfile entry from the registry and review who changed it.',
  },
  'unclaimed-name': {
    severity: 'error',
    kind: 'package',
    anchor: 'unclaimed-name',
    short: 'the name does not exist: anyone can claim it',
    full: 'A declared registry dependency does not exist on the registry it is installed from. Whoever publishes the name first decides what the next install runs (dependency confusion).',
    action: 'Install private packages from your own registry under a scope you own, or remove the dependency.',
  },
  unpublished: {
    severity: 'error',
    kind: 'package',
    anchor: 'unpublished',
    short: 'the requested release was removed',
    full: 'The version the project asks for was published and is gone. Registries remove releases mostly because they were malicious or broken; npm cannot install it.',
    action: 'Pin the suggested known-good version.',
  },
  typosquat: {
    severity: 'warning',
    kind: 'package',
    anchor: 'typosquat',
    short: 'the name imitates a high-impact package',
    full: 'The declared name imitates one of the most depended-upon npm packages (separators, scope, look-alike characters, affixes or edits) without being it. Typosquats wait for a slip of the keyboard: crossenv stole the npm tokens of everyone who installed it.',
    action: 'Depend on the package the name imitates, or suppress the finding if the name is deliberate.',
  },
  'install-script-added': {
    severity: 'error',
    kind: 'package',
    anchor: 'install-script-added',
    short: 'install code appeared',
    full: 'The resolved version runs an install script (or adds a dependency that does) and the release before it did not. Install scripts run with your rights before anyone reviews the code: ua-parser-js, coa and rc delivered their payload this way.',
    action: 'Pin the suggested known-good version, or read the script and suppress the finding for this version.',
  },
  'lockfile-untrusted-host': {
    severity: 'warning',
    kind: 'lockfile',
    anchor: 'lockfile-untrusted-host',
    short: 'the lockfile downloads from a host outside your registries',
    full: 'The lockfile downloads the package from a host that is neither the registry it comes from nor one the project allows. A changed host in a long lockfile diff is how lockfile injection gets another tarball past review.',
    action: 'Regenerate the entry from your registry, or add the host to allowedRegistries in .vigilrc.json if it is yours.',
  },
  'lockfile-name-mismatch': {
    severity: 'error',
    kind: 'lockfile',
    anchor: 'lockfile-name-mismatch',
    short: 'the lockfile downloads another package or version than it names',
    full: 'A registry tarball URL in the lockfile names another package or version than the entry (or hides its path): whatever it contains installs under the familiar name.',
    action: 'Regenerate the lockfile entry from the registry and review who changed it.',
  },
  'young-dependency-added': {
    severity: 'error',
    kind: 'package',
    anchor: 'young-dependency-added',
    short: 'a brand-new package became a dependency',
    full: 'The version depends on a package the release before it did not, created days before this release. A takeover hides its payload in a brand-new dependency: event-stream added flatmap-stream.',
    action: 'Pin the suggested known-good version until the new dependency is reviewed.',
  },
  'git-dependency-added': {
    severity: 'error',
    kind: 'package',
    anchor: 'git-dependency-added',
    short: 'a dependency from outside the registry appeared',
    full: 'The version depends on a git repository or tarball URL that the release before it did not. Such code bypasses the registry, and an unpinned spec installs whatever is pushed next.',
    action: 'Pin the suggested known-good version.',
  },
  'trust-downgrade': {
    severity: 'error',
    kind: 'package',
    anchor: 'trust-downgrade',
    short: 'provenance or trusted publishing stopped',
    full: 'The releases before this one were published with provenance or by a trusted publisher, and this one with neither. A stolen token can publish but cannot forge the CI provenance.',
    action: 'Pin the suggested known-good version until the maintainers confirm the release.',
  },
  'registry-shadowing': {
    severity: 'warning',
    kind: 'package',
    anchor: 'registry-shadowing',
    short: 'a private package also exists publicly',
    full: 'A package the project gets from a private registry also exists on the public registry. A machine without the routing, or a registry merging both sources, installs the public one: dependency confusion.',
    action: 'Claim the name publicly, or make sure every install routes the scope to your registry.',
  },
  'new-publisher': {
    severity: 'warning',
    kind: 'package',
    anchor: 'new-publisher',
    short: 'an account that never published the package did',
    full: 'The version was published by an account that never published this package before, or by hand after a run of trusted-publishing releases. A stolen or handed-over account is the root of event-stream, eslint-scope and nx.',
    action: 'Read the evidence; pin the suggested known-good version until the release is vetted.',
  },
  'ownership-change': {
    severity: 'warning',
    kind: 'package',
    anchor: 'ownership-change',
    short: 'everyone who published the package has left',
    full: 'Every account that ever published the package has left its maintainers, replaced by accounts that had not published it. The people whose releases earned the package its users no longer control it.',
    action: 'Review the new maintainers and their releases before updating.',
  },
  'maintainer-added': {
    severity: 'warning',
    kind: 'package',
    anchor: 'maintainer-added',
    short: 'a newcomer got publish rights',
    full: 'An account joined the maintainers recently and has not published the package yet. The xz-utils backdoor and the event-stream handover began this way: their first release is the one to watch.',
    action: 'Watch the next release; no action needed until then.',
  },
  'publish-burst': {
    severity: 'warning',
    kind: 'package',
    anchor: 'publish-burst',
    short: 'one account released several of your dependencies at once',
    full: 'The resolved version is one of releases of several of the project\'s dependencies published by one account within hours. A phished account publishes everything it can reach at once (chalk and debug, September 2025).',
    action: 'Pin the suggested known-good versions until the releases are vetted.',
  },
  'release-line-burst': {
    severity: 'warning',
    kind: 'package',
    anchor: 'release-line-burst',
    short: 'releases on many lines within hours',
    full: 'The version is one of releases on three or more major/minor lines published within hours. A stolen token publishes on every line so every range picks the payload up.',
    action: 'Pin the suggested known-good version until the releases are vetted.',
  },
  'dormant-release': {
    severity: 'warning',
    kind: 'package',
    anchor: 'dormant-release',
    short: 'a release after a year of silence',
    full: 'The version came after a year or more without any release. Quiet packages are what attackers ask to take over.',
    action: 'Read the evidence; pin the suggested known-good version until the release is vetted.',
  },
  'repository-changed': {
    severity: 'warning',
    kind: 'package',
    anchor: 'repository-changed',
    short: 'the source repository moved',
    full: "The version's repository URL differs from the previous release's. Reviewers follow that link; a takeover that moves it points them at the wrong code.",
    action: 'Check that the new repository belongs to the same maintainers.',
  },
  'risky-transitive': {
    severity: 'warning',
    kind: 'package',
    anchor: 'risky-transitive',
    short: 'the dependency brings in risky packages',
    full: 'The dependency installs, through the lockfile, packages that have findings of their own. Most risk sits in packages nobody chose by name.',
    action: "See each package's finding in the lockfile; override or update the dependency that pulls it in.",
  },
  'lockfile-insecure-url': {
    severity: 'warning',
    kind: 'lockfile',
    anchor: 'lockfile-insecure-url',
    short: 'the lockfile downloads over plain http or git',
    full: 'The lockfile downloads the package over plain http:// or git://: anyone on the network path can swap what arrives.',
    action: 'Change the URL to https (or git+https / git+ssh) and reinstall.',
  },
  vulnerability: {
    severity: 'warning',
    kind: 'package',
    anchor: 'vulnerability',
    short: 'a known vulnerability',
    full: "An advisory covers the resolved version: a known flaw with a known fix. The finding's severity follows the advisory's (critical: error, high: warning, moderate: information, low: hint).",
    action: 'Update to the first fixed release the message names.',
  },
  deprecated: {
    severity: 'warning',
    kind: 'package',
    anchor: 'deprecated',
    short: 'the release is deprecated',
    full: 'The resolved version is deprecated. Deprecated releases get no fixes, and deprecation is how maintainers warn about broken or compromised versions.',
    action: "Read the deprecation message and move to the version it recommends.",
  },
  'lockfile-missing-integrity': {
    severity: 'information',
    kind: 'lockfile',
    anchor: 'lockfile-missing-integrity',
    short: 'the lockfile has no hash to verify the download',
    full: 'The lockfile records no integrity hash for the package, so the package manager installs whatever the server sends without checking it.',
    action: 'Regenerate the lockfile so every entry has an integrity hash.',
  },
  'lockfile-weak-integrity': {
    severity: 'information',
    kind: 'lockfile',
    anchor: 'lockfile-weak-integrity',
    short: 'the lockfile verifies the download with sha1 only',
    full: 'The lockfile verifies the package only with sha1: SHA-1 collisions can be computed, so a tampered file can pass the check.',
    action: 'Regenerate the lockfile to record sha512 hashes.',
  },
  'lockfile-out-of-sync': {
    severity: 'information',
    kind: 'lockfile',
    anchor: 'lockfile-out-of-sync',
    short: 'the lockfile disagrees with package.json',
    full: 'package.json asks for a version the lockfile does not lock, or the lockfile lacks the dependency: npm ci refuses such a lockfile and npm install replaces the version.',
    action: 'Run the package manager to update the lockfile, and review the change.',
  },
  'recent-release': {
    severity: 'warning',
    kind: 'package',
    anchor: 'recent-release',
    short: 'younger than the cooldown',
    full: 'The resolved version is younger than the cooldown (the project\'s own setting, or 3 days). Malicious releases are usually caught and removed within hours or days; waiting costs almost nothing.',
    action: 'Pin the suggested known-good version until the release is older than the cooldown.',
  },
  'new-bin': {
    severity: 'information',
    kind: 'package',
    anchor: 'new-bin',
    short: 'a new executable',
    full: 'The version installs an executable the release before it did not. Executables are linked first on PATH for npm scripts: a new one can shadow a command your scripts run.',
    action: 'Check the new executable; turn the signal off in .vigilrc.json if it does not matter to you.',
  },
  'non-registry-source': {
    severity: 'warning',
    kind: 'package',
    anchor: 'non-registry-source',
    short: 'a git, URL or local dependency',
    full: 'The project depends on a git, GitHub or tarball-URL source, a local path, or another protocol. There is no publish history to check, and an unpinned git spec installs whatever is pushed next.',
    action: 'Pin git dependencies to a full commit hash, or depend on a registry release.',
  },
  'unresolved-version': {
    severity: 'warning',
    kind: 'package',
    anchor: 'unresolved-version',
    short: 'nothing satisfies the range',
    full: 'No published version satisfies the declared range: npm would fail to install it. Often a typo or an unpublished release.',
    action: 'Fix the range.',
  },
};
