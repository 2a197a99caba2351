/**
 * The lockfiles the client syncs to the server as documents (each is validated while open) and shows the
 * status item on. Pure, so a test checks it names the server's lockfiles (core/lockfile/load.ts).
 */

/** package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml and yarn.lock anywhere in the workspace. */
export const LOCKFILE_PATTERN = '**/{package-lock.json,npm-shrinkwrap.json,pnpm-lock.yaml,yarn.lock}';

/** Files on disk only, whatever language id the editor gives them (json, jsonc, yaml, a yarn.lock language). */
export const LOCKFILE_SELECTOR: Array<{ scheme: string; pattern: string }> = [{ scheme: 'file', pattern: LOCKFILE_PATTERN }];
