/**
 * The lockfile integrity signals on single entries: integrity mismatch, untrusted host, name mismatch,
 * insecure URL, missing and weak integrity — positives with exact evidence, the negatives that keep them
 * quiet on ordinary lockfiles (Yarn's registry alias, scoped names, registries under a path, loopback
 * http, several SRI hashes), and the guarantee that no credential, query or fragment is ever echoed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIGNAL_IDS, type Severity, type SignalId } from '../../server/src/core/finding';
import type { LockedPackage, LockfileKind } from '../../server/src/core/lockfile/types';
import { lockfileIntegrityHits, parseSri, type IntegrityContext } from '../../server/src/core/signals/lockfileIntegrity';
import { parseLockUrl, printable, redactUrls, showUrl, tarballPath } from '../../server/src/core/signals/tarballUrl';
import type { SignalHit } from '../../server/src/core/signals/types';

const NPMJS = 'https://registry.npmjs.org/';
const CORP = 'https://npm.corp.example/artifactory/api/npm/npm/';
const digest = (char: string, length: number): string => char.repeat(length - 2) + '==';
const SHA512_A = `sha512-${digest('A', 88)}`;
const SHA512_B = `sha512-${digest('B', 88)}`;
const SHA256_A = `sha256-${'C'.repeat(43)}=`;
const SHA256_B = `sha256-${'D'.repeat(43)}=`;
const SHA1_A = `sha1-${'E'.repeat(27)}=`;
const SHA1_B = `sha1-${'F'.repeat(27)}=`;
const HEX = '0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33';
const HEX_SRI = `sha1-${Buffer.from(HEX, 'hex').toString('base64')}`;
const LODASH = 'https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz';

function entry(overrides: Partial<LockedPackage> = {}): LockedPackage {
  return {
    name: 'lodash',
    version: '4.17.21',
    source: 'registry',
    resolved: LODASH,
    integrity: SHA512_A,
    dependencies: [],
    range: { start: 0, end: 10 },
    key: 'node_modules/lodash',
    ...overrides,
  };
}

interface Case {
  name: string;
  entry?: Partial<LockedPackage>;
  kind?: LockfileKind;
  registry?: string;
  allowed?: string[];
  registryIntegrity?: string;
  /** Exactly the signals expected, in order. */
  hits: SignalId[];
  /** Evidence fields that must match exactly, per signal. */
  evidence?: Partial<Record<SignalId, Record<string, unknown>>>;
  /** Phrases the message must contain, per signal. */
  says?: Partial<Record<SignalId, string[]>>;
}

function contextOf(c: Case): IntegrityContext {
  return {
    entry: entry(c.entry),
    kind: c.kind ?? 'npm',
    registry: c.registry ?? NPMJS,
    allowed: c.allowed ?? [],
    ...(c.registryIntegrity !== undefined && { registryIntegrity: c.registryIntegrity }),
  };
}

const INTEGRITY: Case[] = [
  { name: 'mismatch: the same sha512 as the registry is clean', registryIntegrity: SHA512_A, hits: [] },
  {
    name: 'mismatch: a different sha512',
    registryIntegrity: SHA512_B,
    hits: ['lockfile-integrity-mismatch'],
    evidence: {
      'lockfile-integrity-mismatch': {
        key: 'node_modules/lodash',
        version: '4.17.21',
        algorithm: 'sha512',
        lockfileDigests: [digest('A', 88)],
        registryDigests: [digest('B', 88)],
        resolved: LODASH,
      },
    },
    says: { 'lockfile-integrity-mismatch': ["The lockfile's sha512 hash for lodash@4.17.21 is not the one the registry publishes", 'run `npm install`'] },
  },
  { name: 'mismatch: sha512 agrees, a stale sha1 beside it is not what npm checks', entry: { integrity: `${SHA1_B} ${SHA512_A}` }, registryIntegrity: `${SHA1_A} ${SHA512_A}`, hits: [] },
  {
    name: 'mismatch: sha512 differs while sha1 agrees (the strongest common hash decides)',
    entry: { integrity: `${SHA1_A} ${SHA512_B}` },
    registryIntegrity: `${SHA512_A} ${SHA1_A}`,
    hits: ['lockfile-integrity-mismatch'],
    evidence: { 'lockfile-integrity-mismatch': { algorithm: 'sha512' } },
  },
  { name: 'mismatch: any of several registry hashes of one algorithm matches', registryIntegrity: `${SHA512_B} ${SHA512_A}`, hits: [] },
  { name: 'mismatch: SRI options (?opts) are ignored', registryIntegrity: `${SHA512_A}?foo=bar`, hits: [] },
  { name: 'mismatch: SRI options on a different hash still differ', registryIntegrity: `${SHA512_B}?foo`, hits: ['lockfile-integrity-mismatch'] },
  { name: 'mismatch: algorithm names are case-insensitive', entry: { integrity: SHA512_A.replace('sha512', 'SHA512') }, registryIntegrity: SHA512_A, hits: [] },
  { name: 'mismatch: missing base64 padding is the same digest', entry: { integrity: SHA512_A.replace(/=+$/, '') }, registryIntegrity: SHA512_A, hits: [] },
  {
    name: 'mismatch: sha256 is the only common algorithm',
    entry: { integrity: `${SHA256_A} ${SHA512_A}` },
    registryIntegrity: `${SHA256_B} ${SHA384()}`,
    hits: ['lockfile-integrity-mismatch'],
    evidence: { 'lockfile-integrity-mismatch': { algorithm: 'sha256' } },
  },
  {
    name: 'mismatch: no common algorithm, no finding (sha1 lockfile, sha512 registry)',
    entry: { integrity: SHA1_A },
    registryIntegrity: SHA512_B,
    hits: ['lockfile-weak-integrity'],
    evidence: { 'lockfile-weak-integrity': { algorithms: ['sha1'], registryAlgorithms: ['sha512'], fromUrlFragment: false } },
    says: { 'lockfile-weak-integrity': ['the registry publishes a sha512 hash for this version'] },
  },
  { name: 'mismatch: not for tarball sources (the registry hash is not about them)', entry: { source: 'tarball', resolved: 'https://npm.corp.example/artifactory/api/npm/npm/x.tgz' }, registry: CORP, registryIntegrity: SHA512_B, hits: [] },
  { name: 'mismatch: yarn berry keeps its checksum out of integrity', kind: 'yarn-berry', entry: { integrity: undefined, resolved: 'lodash@npm:4.17.21' }, registryIntegrity: SHA512_B, hits: [] },
  { name: 'mismatch: no registry answer, nothing to compare', hits: [] },
  {
    name: "mismatch: Yarn 1's #sha1 fragment counts as the lockfile's sha1",
    kind: 'yarn-classic',
    entry: { integrity: undefined, resolved: `https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#${HEX}`, key: 'lodash@^4.17.0' },
    registryIntegrity: SHA1_B,
    hits: ['lockfile-integrity-mismatch', 'lockfile-weak-integrity'],
    evidence: {
      'lockfile-integrity-mismatch': { algorithm: 'sha1', lockfileDigests: [HEX_SRI.slice(5)], resolved: 'https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz' },
      'lockfile-weak-integrity': { fromUrlFragment: true },
    },
    says: { 'lockfile-integrity-mismatch': ['`yarn install`'] },
  },
  {
    name: "mismatch: Yarn 1's #sha1 fragment equal to the registry's sha1 is only weak",
    kind: 'yarn-classic',
    entry: { integrity: undefined, resolved: `https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#${HEX}` },
    registryIntegrity: `${HEX_SRI} ${SHA512_A}`,
    hits: ['lockfile-weak-integrity'],
    evidence: { 'lockfile-weak-integrity': { algorithms: ['sha1'], fromUrlFragment: true, registryAlgorithms: ['sha512', 'sha1'] } },
    says: { 'lockfile-weak-integrity': ["in the URL's fragment, as Yarn 1 recorded it before 1.10"] },
  },
];

function SHA384(): string {
  return `sha384-${'G'.repeat(64)}`;
}

const HOSTS: Case[] = [
  { name: 'host: yarn 1 writes registry.yarnpkg.com, the public registry too', kind: 'yarn-classic', entry: { resolved: 'https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz' }, hits: [] },
  { name: 'host: registry.yarnpkg.com in a package-lock', entry: { resolved: 'https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz' }, hits: [] },
  { name: 'host: registry.npmjs.com is the same service', entry: { resolved: 'https://registry.npmjs.com/lodash/-/lodash-4.17.21.tgz' }, hits: [] },
  { name: 'host: yarnpkg configured, npmjs written', kind: 'yarn-classic', registry: 'https://registry.yarnpkg.com', hits: [] },
  { name: 'host: upper-case host and the default port', entry: { resolved: 'https://REGISTRY.npmjs.org:443/lodash/-/lodash-4.17.21.tgz' }, hits: [] },
  {
    name: 'host: another server',
    entry: { resolved: 'https://evil.example/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-untrusted-host'],
    evidence: {
      'lockfile-untrusted-host': {
        key: 'node_modules/lodash',
        source: 'registry',
        resolved: 'https://evil.example/lodash/-/lodash-4.17.21.tgz',
        host: 'evil.example',
        registry: NPMJS,
        allowedRegistries: [],
        credentials: false,
      },
    },
    says: { 'lockfile-untrusted-host': ['lodash@4.17.21 is downloaded from https://evil.example/lodash/-/lodash-4.17.21.tgz', 'Liran Tal, 2019', '"allowedRegistries"'] },
  },
  { name: 'host: a registry under a path', registry: CORP, entry: { resolved: `${CORP}lodash/-/lodash-4.17.21.tgz` }, hits: [] },
  {
    name: 'host: the same server, another repository path',
    registry: CORP,
    entry: { resolved: 'https://npm.corp.example/artifactory/api/npm/npm-untrusted/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-untrusted-host'],
    evidence: { 'lockfile-untrusted-host': { host: 'npm.corp.example', registry: CORP } },
  },
  {
    name: 'host: a registry path without its trailing slash does not take in its neighbours',
    registry: 'https://npm.corp.example/npm',
    entry: { resolved: 'https://npm.corp.example/npm-evil/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-untrusted-host'],
    evidence: { 'lockfile-untrusted-host': { registry: 'https://npm.corp.example/npm' } },
  },
  {
    name: 'host: .. walks out of the registry path (and is no plain tarball path)',
    registry: CORP,
    entry: { resolved: `${CORP}../npm-untrusted/lodash/-/lodash-4.17.21.tgz` },
    hits: ['lockfile-untrusted-host', 'lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { problem: 'path', pathProblem: 'a dot segment', tarballName: null } },
  },
  {
    name: 'host: %2e%2e walks out too',
    registry: CORP,
    entry: { resolved: `${CORP}%2E%2e/npm-untrusted/lodash/-/lodash-4.17.21.tgz` },
    hits: ['lockfile-untrusted-host', 'lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { pathProblem: 'a dot segment' } },
  },
  { name: 'host: an allowed registry', allowed: [CORP], entry: { resolved: `${CORP}lodash/-/lodash-4.17.21.tgz` }, hits: [] },
  {
    name: 'host: another port on the allowed host',
    allowed: ['https://npm.corp.example:8443/'],
    entry: { resolved: 'https://npm.corp.example:9443/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-untrusted-host'],
    evidence: { 'lockfile-untrusted-host': { host: 'npm.corp.example:9443', allowedRegistries: ['https://npm.corp.example:8443/'] } },
  },
  {
    name: 'host: userinfo that looks like the registry (the host is after the last @)',
    entry: { resolved: 'https://registry.npmjs.org@evil.example/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-untrusted-host'],
    evidence: { 'lockfile-untrusted-host': { host: 'evil.example', resolved: 'https://evil.example/lodash/-/lodash-4.17.21.tgz', credentials: true } },
  },
  {
    name: 'host: a backslash ends the host in https, so the request goes to the registry (but the path is unsafe)',
    entry: { resolved: 'https://registry.npmjs.org\\@evil.example/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { problem: 'path', pathProblem: 'a backslash' } },
  },
  {
    name: 'host: https:host without slashes is still that host',
    entry: { resolved: 'https:evil.example/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-untrusted-host'],
    evidence: { 'lockfile-untrusted-host': { host: 'evil.example', resolved: 'https://evil.example/lodash/-/lodash-4.17.21.tgz' } },
  },
  {
    name: 'host: a percent-encoded host is decoded like a browser would',
    entry: { resolved: 'https://evil%2Eexample/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-untrusted-host'],
    evidence: { 'lockfile-untrusted-host': { host: 'evil.example' } },
  },
  { name: 'host: npm fetches registry.npmjs.org URLs from the configured registry', registry: CORP, hits: [] },
  {
    name: 'host: yarn 1 does not, so registry.npmjs.org outside the configured registry is reported',
    kind: 'yarn-classic',
    registry: CORP,
    hits: ['lockfile-untrusted-host'],
    evidence: { 'lockfile-untrusted-host': { host: 'registry.npmjs.org', registry: CORP } },
    says: { 'lockfile-untrusted-host': ['`yarn install`'] },
  },
  { name: 'host: no configured registry known, no judgement', registry: '', entry: { resolved: 'https://evil.example/lodash/-/lodash-4.17.21.tgz' }, hits: [] },
  {
    name: 'host: an unparsable https URL is reported without echoing it',
    entry: { resolved: 'https://ev il.example/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-untrusted-host'],
    evidence: { 'lockfile-untrusted-host': { resolved: 'an unparsable URL', host: null } },
  },
  {
    name: 'host: a port that is not a number makes the URL unparsable',
    entry: { resolved: 'https://registry.npmjs.org:evil/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-untrusted-host'],
    evidence: { 'lockfile-untrusted-host': { resolved: 'an unparsable URL' } },
  },
  {
    name: 'host: a tarball dependency from elsewhere',
    entry: { source: 'tarball', name: 'tool', version: '1.0.0', resolved: 'https://codeload.example/acme/tool/tar.gz/v1.0.0', key: 'node_modules/tool' },
    hits: ['lockfile-untrusted-host'],
    evidence: { 'lockfile-untrusted-host': { source: 'tarball', host: 'codeload.example' } },
    says: { 'lockfile-untrusted-host': ['tool@1.0.0 is a tarball downloaded from https://codeload.example/acme/tool/tar.gz/v1.0.0', 'no publish history'] },
  },
  { name: 'host: git sources are not this signal\'s business', entry: { source: 'git', resolved: 'git+https://github.com/acme/tool.git#0123456789abcdef0123456789abcdef01234567', integrity: undefined }, hits: [] },
  { name: 'host: a pnpm registry entry records no URL', kind: 'pnpm', entry: { resolved: undefined }, hits: [] },
  { name: 'host: yarn berry npm: resolutions are not URLs', kind: 'yarn-berry', entry: { resolved: 'lodash@npm:4.17.21', integrity: undefined }, hits: [] },
  {
    name: 'host: yarn berry __archiveUrl is the real download URL',
    kind: 'yarn-berry',
    entry: { resolved: `lodash@npm:4.17.21::__archiveUrl=${encodeURIComponent('https://evil.example/lodash-4.17.21.tgz')}`, integrity: undefined },
    hits: ['lockfile-untrusted-host'],
    evidence: { 'lockfile-untrusted-host': { resolved: 'https://evil.example/lodash-4.17.21.tgz' } },
  },
  {
    name: 'host: yarn berry tarball resolution',
    kind: 'yarn-berry',
    entry: { source: 'tarball', name: 'tool', resolved: 'tool@https://evil.example/tool.tgz', integrity: undefined },
    hits: ['lockfile-untrusted-host'],
    evidence: { 'lockfile-untrusted-host': { host: 'evil.example' } },
  },
  {
    name: 'host: a scoped yarn berry tarball resolution',
    kind: 'yarn-berry',
    entry: { source: 'tarball', name: '@acme/tool', resolved: '@acme/tool@https://evil.example/tool.tgz', integrity: undefined },
    hits: ['lockfile-untrusted-host'],
  },
  { name: 'host: numeric IPv4 is the allowed loopback registry', allowed: ['http://127.0.0.1:4873/'], entry: { resolved: 'http://2130706433:4873/lodash/-/lodash-4.17.21.tgz' }, hits: [] },
];

const NAMES: Case[] = [
  {
    name: 'name: the URL names another package',
    entry: { resolved: 'https://registry.npmjs.org/evil/-/evil-1.0.0.tgz' },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { name: 'lodash', version: '4.17.21', problem: 'name', tarballName: 'evil', tarballVersion: null, pathProblem: null } },
    says: { 'lockfile-name-mismatch': ['the tarball of another package (evil)', '--validate-package-names', 'delete it and run `npm install`'] },
  },
  {
    name: 'name: the file names another package',
    entry: { resolved: 'https://registry.npmjs.org/lodash/-/evil-4.17.21.tgz' },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { problem: 'name', tarballName: 'lodash' } },
    says: { 'lockfile-name-mismatch': ['(evil-4.17.21.tgz)'] },
  },
  {
    name: 'name: another version',
    entry: { resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz' },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { problem: 'version', tarballName: 'lodash', tarballVersion: '4.17.20' } },
    says: { 'lockfile-name-mismatch': ['the tarball of version 4.17.20'] },
  },
  { name: 'name: scoped', entry: { name: '@babel/core', version: '7.24.0', resolved: 'https://registry.npmjs.org/@babel/core/-/core-7.24.0.tgz' }, hits: [] },
  { name: 'name: scoped with %2f', entry: { name: '@babel/core', version: '7.24.0', resolved: 'https://registry.npmjs.org/@babel%2fcore/-/core-7.24.0.tgz' }, hits: [] },
  { name: 'name: scoped with %2F', entry: { name: '@babel/core', version: '7.24.0', resolved: 'https://registry.yarnpkg.com/@babel%2Fcore/-/core-7.24.0.tgz' }, hits: [] },
  { name: 'name: %40 for the scope sign', entry: { name: '@babel/core', version: '7.24.0', resolved: 'https://registry.npmjs.org/%40babel%2fcore/-/core-7.24.0.tgz' }, hits: [] },
  {
    name: 'name: another scope, encoded',
    entry: { name: '@babel/core', version: '7.24.0', resolved: 'https://registry.npmjs.org/@evil%2fcore/-/core-7.24.0.tgz' },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { problem: 'name', tarballName: '@evil/core' } },
  },
  {
    name: 'name: the unscoped package of the same basename',
    entry: { name: '@babel/core', version: '7.24.0', resolved: 'https://registry.npmjs.org/core/-/core-7.24.0.tgz' },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { tarballName: 'core' } },
  },
  {
    name: 'name: an encoded slash outside the scope separator',
    entry: { resolved: 'https://registry.npmjs.org/lodash%2f..%2f..%2fevil/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { problem: 'path', pathProblem: 'an encoded slash' } },
  },
  {
    name: 'name: an encoded slash in the file name',
    entry: { resolved: 'https://registry.npmjs.org/lodash/-/..%2F..%2Fevil%2F-%2Fevil-1.0.0.tgz' },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { pathProblem: 'an encoded slash' } },
  },
  {
    name: 'name: an encoded backslash',
    entry: { resolved: 'https://registry.npmjs.org/lodash/-/..%5cevil-1.0.0.tgz' },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { pathProblem: 'a backslash' } },
  },
  { name: 'name: another layout on a private registry says nothing', registry: 'https://npm.pkg.github.com/', entry: { name: '@acme/tool', version: '1.2.3', resolved: 'https://npm.pkg.github.com/download/@acme/tool/1.2.3/0123456789abcdef' }, hits: [] },
  { name: "name: Artifactory's scoped file name", registry: CORP, entry: { name: '@acme/tool', version: '1.2.3', resolved: `${CORP}@acme/tool/-/@acme/tool-1.2.3.tgz` }, hits: [] },
  {
    name: "name: Artifactory's scoped file name of another package",
    registry: CORP,
    entry: { name: '@acme/tool', version: '1.2.3', resolved: `${CORP}@acme/tool/-/@evil/tool-1.2.3.tgz` },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { problem: 'name', tarballName: '@acme/tool' } },
  },
  { name: 'name: under a registry path', registry: CORP, entry: { resolved: `${CORP}lodash/-/lodash-4.17.21.tgz` }, hits: [] },
  { name: 'name: under a registry path, a deeper layout is not the registry layout', registry: CORP, entry: { resolved: `${CORP}mirror/evil/-/evil-1.0.0.tgz` }, hits: [] },
  {
    name: 'name: under a registry path, another package',
    registry: CORP,
    entry: { resolved: `${CORP}evil/-/evil-1.0.0.tgz` },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { tarballName: 'evil' } },
  },
  { name: 'name: a prerelease version', entry: { name: 'left-pad', version: '2.0.0-beta.1', resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-2.0.0-beta.1.tgz' }, hits: [] },
  { name: 'name: build metadata is not in the file name', entry: { name: 'tool', version: '1.0.0+build.7', resolved: 'https://registry.npmjs.org/tool/-/tool-1.0.0.tgz' }, hits: [] },
  { name: 'name: a legacy capitalised name', entry: { name: 'JSONStream', version: '1.3.5', resolved: 'https://registry.npmjs.org/JSONStream/-/JSONStream-1.3.5.tgz' }, hits: [] },
  {
    name: 'name: names are case-sensitive',
    entry: { name: 'JSONStream', version: '1.3.5', resolved: 'https://registry.npmjs.org/jsonstream/-/jsonstream-1.3.5.tgz' },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { tarballName: 'jsonstream' } },
  },
  { name: 'name: a yarn 1 fragment is not part of the file name', kind: 'yarn-classic', entry: { resolved: `https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#${HEX}` }, hits: [] },
  {
    name: 'name: a query naming the right file does not hide the path',
    entry: { resolved: 'https://registry.npmjs.org/evil/-/evil-1.0.0.tgz?lodash-4.17.21.tgz' },
    hits: ['lockfile-name-mismatch'],
    evidence: { 'lockfile-name-mismatch': { resolved: 'https://registry.npmjs.org/evil/-/evil-1.0.0.tgz', tarballName: 'evil' } },
  },
  {
    name: 'name: a foreign host in the registry layout is read too',
    entry: { resolved: 'https://evil.example/evil/-/evil-1.0.0.tgz' },
    hits: ['lockfile-untrusted-host', 'lockfile-name-mismatch'],
  },
  { name: 'name: a tarball dependency may be called anything', allowed: ['https://files.example/'], entry: { source: 'tarball', resolved: 'https://files.example/evil/-/evil-1.0.0.tgz' }, hits: [] },
  { name: 'name: a URL that is not a tarball (.tar.gz) is another layout', registry: 'https://files.example/', entry: { resolved: 'https://files.example/evil/-/evil-1.0.0.tar.gz' }, hits: [] },
];

const INSECURE: Case[] = [
  {
    name: 'insecure: the public registry over http',
    entry: { resolved: 'http://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-insecure-url'],
    evidence: { 'lockfile-insecure-url': { scheme: 'http', host: 'registry.npmjs.org', resolved: 'http://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz', credentials: false } },
    says: { 'lockfile-insecure-url': ['downloaded over plain http://', 'only the lockfile hash stands in the way', 'Change the URL to https'] },
  },
  {
    name: 'insecure: http without a strong hash',
    entry: { resolved: 'http://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz', integrity: undefined },
    hits: ['lockfile-insecure-url', 'lockfile-missing-integrity'],
    says: { 'lockfile-insecure-url': ['the lockfile has no strong hash to notice'] },
  },
  { name: 'insecure: localhost', allowed: ['http://localhost:4873/'], entry: { resolved: 'http://localhost:4873/lodash/-/lodash-4.17.21.tgz' }, hits: [] },
  { name: 'insecure: 127.0.0.0/8', allowed: ['http://127.0.0.5:4873/'], entry: { resolved: 'http://127.0.0.5:4873/lodash/-/lodash-4.17.21.tgz' }, hits: [] },
  { name: 'insecure: ::1', allowed: ['http://[::1]:4873/'], entry: { resolved: 'http://[0:0:0:0:0:0:0:1]:4873/lodash/-/lodash-4.17.21.tgz' }, hits: [] },
  {
    name: 'insecure: a name that starts like loopback is not loopback',
    allowed: ['http://127.0.0.1.evil.example/'],
    entry: { resolved: 'http://127.0.0.1.evil.example/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-insecure-url'],
    evidence: { 'lockfile-insecure-url': { host: '127.0.0.1.evil.example' } },
  },
  {
    name: 'insecure: git://',
    entry: { source: 'git', resolved: 'git://github.com/acme/tool.git#0123456789abcdef0123456789abcdef01234567', integrity: undefined },
    hits: ['lockfile-insecure-url'],
    evidence: { 'lockfile-insecure-url': { scheme: 'git', source: 'git', resolved: 'git://github.com/acme/tool.git' } },
    says: { 'lockfile-insecure-url': ['git+https or git+ssh'] },
  },
  { name: 'insecure: git+http://', entry: { source: 'git', resolved: 'git+http://git.example/tool.git', integrity: undefined }, hits: ['lockfile-insecure-url'] },
  { name: 'insecure: git+ssh scp-style is fine', entry: { source: 'git', resolved: 'git+ssh://git@github.com:acme/tool.git', integrity: undefined }, hits: [] },
  { name: 'insecure: git+https is fine', entry: { source: 'git', resolved: 'git+https://github.com/acme/tool.git', integrity: undefined }, hits: [] },
  {
    name: 'insecure: credentials over http are called out, never shown',
    allowed: ['http://npm.corp.example/'],
    entry: { resolved: 'http://ci:s3cr3t-t0ken@npm.corp.example/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-insecure-url'],
    evidence: { 'lockfile-insecure-url': { credentials: true, resolved: 'http://npm.corp.example/lodash/-/lodash-4.17.21.tgz' } },
    says: { 'lockfile-insecure-url': ['carries credentials (not shown here)'] },
  },
  {
    name: 'insecure: an unparsable http URL is still plain http',
    entry: { resolved: 'http://exa mple/lodash/-/lodash-4.17.21.tgz' },
    hits: ['lockfile-untrusted-host', 'lockfile-insecure-url'],
    evidence: { 'lockfile-insecure-url': { resolved: 'an unparsable URL', host: null } },
  },
  {
    name: 'insecure: yarn berry git resolution',
    kind: 'yarn-berry',
    entry: { source: 'git', name: 'tool', resolved: 'tool@git://github.com/acme/tool.git#commit=0123456789abcdef', integrity: undefined },
    hits: ['lockfile-insecure-url'],
  },
];

const MISSING: Case[] = [
  {
    name: 'missing: a registry entry without integrity',
    entry: { integrity: undefined },
    hits: ['lockfile-missing-integrity'],
    evidence: { 'lockfile-missing-integrity': { key: 'node_modules/lodash', source: 'registry', resolved: LODASH, integrity: 'absent' } },
    says: { 'lockfile-missing-integrity': ['records no integrity hash for lodash@4.17.21', 'whatever registry.npmjs.org sends'] },
  },
  { name: 'missing: blank integrity is absent', entry: { integrity: '  ' }, hits: ['lockfile-missing-integrity'], evidence: { 'lockfile-missing-integrity': { integrity: 'absent' } } },
  {
    name: 'missing: an integrity that is no SRI hash is not echoed',
    entry: { integrity: 'md5-c2VjcmV0LWxvb2tpbmc=' },
    hits: ['lockfile-missing-integrity'],
    evidence: { 'lockfile-missing-integrity': { integrity: 'unparsable' } },
    says: { 'lockfile-missing-integrity': ['not a sha1/sha256/sha384/sha512 SRI hash'] },
  },
  { name: 'missing: a pnpm entry with neither URL nor integrity', kind: 'pnpm', entry: { resolved: undefined, integrity: undefined }, hits: ['lockfile-missing-integrity'], says: { 'lockfile-missing-integrity': ['whatever the server sends', '`pnpm install`'] } },
  { name: 'missing: a tarball entry', allowed: ['https://files.example/'], entry: { source: 'tarball', resolved: 'https://files.example/t.tgz', integrity: undefined }, hits: ['lockfile-missing-integrity'] },
  { name: 'missing: not for yarn berry', kind: 'yarn-berry', entry: { resolved: 'lodash@npm:4.17.21', integrity: undefined }, hits: [] },
  { name: 'missing: not for git', entry: { source: 'git', resolved: 'git+https://github.com/acme/tool.git', integrity: undefined }, hits: [] },
  { name: 'missing: not for file', entry: { source: 'file', resolved: 'file:../tool', integrity: undefined }, hits: [] },
  { name: 'missing: not for link', entry: { source: 'link', resolved: undefined, integrity: undefined }, hits: [] },
  { name: 'missing: not for workspace', entry: { source: 'workspace', resolved: undefined, integrity: undefined }, hits: [] },
  { name: 'missing: not for unknown sources', entry: { source: 'unknown', resolved: undefined, integrity: undefined }, hits: [] },
  {
    name: 'weak: sha1 only',
    entry: { integrity: SHA1_A },
    hits: ['lockfile-weak-integrity'],
    evidence: { 'lockfile-weak-integrity': { key: 'node_modules/lodash', algorithms: ['sha1'], fromUrlFragment: false, registryAlgorithms: null } },
    says: { 'lockfile-weak-integrity': ['lodash@4.17.21 is locked with only a sha1 hash', 'SHAttered'] },
  },
  { name: 'weak: sha1 beside sha512 is fine', entry: { integrity: `${SHA1_A} ${SHA512_A}` }, hits: [] },
  { name: 'weak: sha256 is strong enough', entry: { integrity: SHA256_A }, hits: [] },
  { name: 'weak: not for yarn berry', kind: 'yarn-berry', entry: { resolved: 'lodash@npm:4.17.21', integrity: SHA1_A }, hits: [] },
];

const CASES = [...INTEGRITY, ...HOSTS, ...NAMES, ...INSECURE, ...MISSING];
const SEVERITY: Partial<Record<SignalId, Severity>> = {
  'lockfile-integrity-mismatch': 'error',
  'lockfile-untrusted-host': 'warning',
  'lockfile-name-mismatch': 'error',
  'lockfile-insecure-url': 'warning',
  'lockfile-missing-integrity': 'information',
  'lockfile-weak-integrity': 'information',
};

const hitsOf = (c: Case): SignalHit[] => lockfileIntegrityHits(contextOf(c));

for (const c of CASES) {
  test(c.name, () => {
    const hits = hitsOf(c);
    assert.deepEqual(
      hits.map((hit) => hit.signal),
      c.hits,
      hits.map((hit) => hit.message).join('\n'),
    );
    for (const hit of hits) {
      assert.equal(hit.severity, SEVERITY[hit.signal]);
      for (const [field, value] of Object.entries(c.evidence?.[hit.signal] ?? {})) {
        assert.deepEqual(hit.evidence[field], value, `${hit.signal} evidence.${field}`);
      }
      for (const phrase of c.says?.[hit.signal] ?? []) assert.ok(hit.message.includes(phrase), `${hit.signal} says ${JSON.stringify(phrase)}: ${hit.message}`);
    }
  });
}

test('every hit is a known signal with its own severity, a sentence and no hint of the file beyond the allowed', () => {
  let count = 0;
  for (const c of CASES) {
    for (const hit of hitsOf(c)) {
      count++;
      assert.ok((SIGNAL_IDS as readonly string[]).includes(hit.signal), hit.signal);
      assert.ok(hit.message.endsWith('.'), hit.message);
      assert.ok(!/[\u0000-\u001f]/.test(JSON.stringify(hit)), c.name);
    }
  }
  assert.ok(count > 50, `only ${count} hits`);
});

const SECRET = /s3cr3t|QUERYSECRET|FRAGSECRET|t0ken/;

const CREDENTIALED: Case[] = [
  { name: 'userinfo and query on a foreign host', entry: { resolved: 'https://user:s3cr3t@evil.example/evil/-/evil-1.0.0.tgz?token=QUERYSECRET#FRAGSECRET', integrity: undefined }, hits: [] },
  { name: 'token only as user name, over http', entry: { resolved: 'http://s3cr3t-t0ken@evil.example/lodash/-/lodash-4.17.20.tgz', integrity: SHA1_A }, hits: [] },
  { name: 'empty user, password only', entry: { resolved: 'https://:s3cr3t@registry.npmjs.org/evil/-/evil-1.0.0.tgz' }, registryIntegrity: SHA512_B, hits: [] },
  { name: 'unparsable with a token', entry: { resolved: 'https://user:s3cr3t@exa mple/x.tgz?QUERYSECRET' }, hits: [] },
  { name: 'unparsable port with a token', entry: { resolved: 'http://user:s3cr3t@host:QUERYSECRET/x.tgz' }, hits: [] },
  { name: 'credentials in the registry and the allowed list', registry: 'https://ci:s3cr3t@npm.corp.example/npm/?QUERYSECRET', allowed: ['https://ci:s3cr3t@mirror.example/#FRAGSECRET'], entry: { resolved: 'http://other.example/lodash/-/lodash-4.17.21.tgz' }, hits: [] },
  { name: 'a yarn 1 key with a credentialed tarball URL', kind: 'yarn-classic', entry: { source: 'tarball', key: '"tool@https://ci:s3cr3t@files.example/tool.tgz?QUERYSECRET", tool@^1.0.0', resolved: 'https://ci:s3cr3t@files.example/tool.tgz?QUERYSECRET#FRAGSECRET', integrity: undefined }, hits: [] },
  { name: 'yarn berry archive URL with credentials', kind: 'yarn-berry', entry: { resolved: `lodash@npm:4.17.21::__archiveUrl=${encodeURIComponent('https://ci:s3cr3t@evil.example/l.tgz?QUERYSECRET')}` }, hits: [] },
  { name: 'yarn berry key with an encoded archive URL', kind: 'yarn-berry', entry: { key: `"lodash@npm:4.17.21::__archiveUrl=${encodeURIComponent('https://ci:s3cr3t@evil.example/l.tgz?QUERYSECRET')}"`, resolved: `lodash@npm:4.17.21::__archiveUrl=${encodeURIComponent('https://evil.example/l.tgz')}` }, hits: [] },
  { name: 'git URL with a token', entry: { source: 'git', resolved: 'git://s3cr3t-t0ken@github.com/acme/tool.git#FRAGSECRET', integrity: undefined }, hits: [] },
];

for (const c of CREDENTIALED) {
  test(`credentials never appear in hits: ${c.name}`, () => {
    const hits = hitsOf(c);
    assert.ok(hits.length > 0, 'the case should raise something');
    const text = JSON.stringify(hits);
    assert.ok(!SECRET.test(text), text);
    assert.ok(!text.includes('@evil.example') && !text.includes('@npm.corp') && !text.includes('@files.example'), text);
  });
}

// [input, expected host, port, path, credentials] or undefined for unparsable.
const URLS: Array<[string, [string, string, string, boolean] | undefined]> = [
  ['https://registry.npmjs.org/lodash', ['registry.npmjs.org', '', '/lodash', false]],
  ['HTTPS://Registry.NPMJS.org:443/a/b/../c', ['registry.npmjs.org', '', '/a/c', false]],
  ['https://registry.npmjs.org./x', ['registry.npmjs.org', '', '/x', false]],
  ['http://host:080/x', ['host', '', '/x', false]],
  ['http://host:8080', ['host', '8080', '/', false]],
  ['https://a:b@c@host/x?q#f', ['host', '', '/x', true]],
  ['https:\\\\host\\a\\..\\b', ['host', '', '/b', false]],
  ['http://0x7f.1/', ['127.0.0.1', '', '/', false]],
  ['http://0177.0.0.1/', ['127.0.0.1', '', '/', false]],
  ['http://[::FFFF:127.0.0.1]/', ['[::ffff:7f00:1]', '', '/', false]],
  ['http://[2001:db8:0:0:0:0:2:1]:8080/', ['[2001:db8::2:1]', '8080', '/', false]],
  ['git://github.com/a/b.git', ['github.com', '', '/a/b.git', false]],
  ['git+ssh://git@github.com/a/b.git', ['github.com', '', '/a/b.git', true]],
  ['https://host:65536/', undefined],
  ['http://256.0.0.1/', undefined],
  ['http://[::1/', undefined],
  ['http://[1:2:3]/', undefined],
  ['https:///', undefined],
  ['https://hoｓt/', undefined],
  ['https://host/a b', undefined],
  ['git+ssh://git@github.com:acme/tool.git', undefined],
  ['github:acme/tool', undefined],
  ['npm:4.17.21', undefined],
  ['lodash-4.17.21.tgz', undefined],
];

for (const [input, expected] of URLS) {
  test(`parseLockUrl ${JSON.stringify(input)}`, () => {
    const url = parseLockUrl(input);
    assert.deepEqual(url && [url.host, url.port, url.path, url.credentials], expected);
  });
}

test('showUrl prints scheme, host, port and path only, printable and bounded', () => {
  assert.equal(showUrl(parseLockUrl('https://u:p@Host:8443/a/%2e%2e/b?q=1#f')), 'https://host:8443/a/%2e%2e/b');
  assert.equal(showUrl(parseLockUrl('https://host/caf\u00e9\u202e/x')), 'https://host/caf%C3%A9%E2%80%AE/x');
  assert.equal(showUrl(undefined), 'an unparsable URL');
  const long = showUrl(parseLockUrl(`https://host/${'a'.repeat(500)}`));
  assert.equal(long.length, 201);
  assert.ok(long.endsWith('…'));
  assert.equal(printable('a\u0000b c\u200b'), 'a%00b c%E2%80%8B');
  assert.equal(redactUrls('"tool@https://ci:tok@files.example/t.tgz?x=1", tool@^1'), '"tool@https://files.example/t.tgz", tool@^1');
  assert.equal(redactUrls('a@npm:1.0.0::__archiveUrl=https%3A%2F%2Fci%3Atok%40h.example%2Fa.tgz%3Fx'), 'a@npm:1.0.0::__archiveUrl=https://h.example/a.tgz');
  assert.equal(redactUrls('a@npm:1.0.0::__archiveUrl=%zz'), 'a@npm:1.0.0::__archiveUrl=an unparsable URL');
});

test('parseSri: several items, options, unknown algorithms and junk', () => {
  const parsed = parseSri(`  ${SHA512_A}?x  md5-AAAA ${SHA1_A} junk sha512-${digest('B', 88)}\n`);
  assert.deepEqual([...parsed.keys()], ['sha512', 'sha1']);
  assert.deepEqual(parsed.get('sha512'), [digest('A', 88), digest('B', 88)]);
  assert.equal(parseSri(undefined).size, 0);
  assert.equal(parseSri('sha512-not*base64').size, 0);
});

test('tarballPath: layouts, prefixes and unsafe paths', () => {
  assert.deepEqual(tarballPath('/lodash/-/lodash-1.0.0.tgz', 0), { layout: 'tarball', name: 'lodash', file: 'lodash-1.0.0.tgz' });
  assert.deepEqual(tarballPath('/a/b/@s/n/-/n-1.tgz', 2), { layout: 'tarball', name: '@s/n', file: 'n-1.tgz' });
  assert.equal(tarballPath('/a/b/@s/n/-/n-1.tgz', 1), undefined);
  assert.deepEqual(tarballPath('/x/@s%2fn/-/n-1.tgz', undefined), { layout: 'tarball', name: '@s/n', file: 'n-1.tgz' });
  assert.deepEqual(tarballPath('/@s%2fn%2fx/-/n-1.tgz', 0), { layout: 'unsafe', problem: 'an encoded slash' });
  assert.deepEqual(tarballPath('/a/./-/a-1.tgz', 0), { layout: 'unsafe', problem: 'a dot segment' });
  assert.equal(tarballPath('/a/-/b/c/d.tgz', 0), undefined);
  assert.equal(tarballPath('/a/-/%zz.tgz', 0), undefined);
  assert.equal(tarballPath('/-/a-1.tgz', undefined), undefined);
});
