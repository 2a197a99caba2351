// @npmcli/config ships no types. Only the members Vigil uses are declared, so a change in any of them
// shows up as a type error here rather than as `any` flowing through the runtime.

declare module '@npmcli/config' {
  type Where = 'default' | 'builtin' | 'project' | 'user' | 'global' | 'env' | 'cli';

  interface ConfigData {
    readonly source: string | null;
    readonly loadError?: NodeJS.ErrnoException;
    readonly data: Record<string, unknown>;
  }

  interface ConfigOptions {
    definitions: Record<string, unknown>;
    shorthands: Record<string, string[]>;
    flatten: (obj: Record<string, unknown>, flat?: Record<string, unknown>) => Record<string, unknown>;
    nerfDarts?: string[];
    npmPath: string;
    env?: Record<string, string | undefined>;
    argv?: string[];
    platform?: NodeJS.Platform;
    execPath?: string;
    cwd?: string;
    excludeNpmCwd?: boolean;
  }

  class Config {
    constructor(options: ConfigOptions);
    load(): Promise<void>;
    get(key: string, where?: Where): unknown;
    find(key: string): Where | null;
    delete(key: string, where?: Where): void;
    /** Every layer flattened, lowest priority first (throws when a cafile exists but cannot be read). */
    readonly flat: Record<string, unknown>;
    readonly data: ReadonlyMap<Where, ConfigData>;
    readonly localPrefix: string | null;
  }

  export = Config;
}

declare module '@npmcli/config/lib/definitions' {
  export const definitions: Record<string, unknown>;
  export const shorthands: Record<string, string[]>;
  export const nerfDarts: string[];
  export function flatten(obj: Record<string, unknown>, flat?: Record<string, unknown>): Record<string, unknown>;
}
