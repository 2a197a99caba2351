/**
 * Settings, pulled per document (`workspace/configuration` with the document as scope, so folder and
 * resource settings apply) and cached as promises, so the many validations of one file share one request.
 * The cache is dropped on `workspace/didChangeConfiguration`. Clients without `workspace/configuration`
 * (some minimal LSP clients) get the settings pushed in that notification, or the defaults.
 *
 * VS Code's `http.proxy`, `http.proxyStrictSSL` and `http.noProxy` are application-wide, so they are
 * pulled once (no scope) per configuration change, and passed to the registry like VS Code's own network
 * stack uses them.
 * Whether the workspace is trusted comes from the client and decides whether the project's .npmrc is read.
 */
import { DEFAULT_CONFIG, type AnalysisConfig } from '../core/config';
import { POLICY_SEVERITIES, POLICY_SIGNALS } from '../core/policy';
import { DEFAULT_SETTINGS, type VigilInitializationOptions, type VigilSettings } from '../protocol';

/** Settings as the analysis uses them. */
export interface EffectiveSettings {
  settings: VigilSettings;
  config: AnalysisConfig;
  /** Explicit registry URL; undefined: let npm's configuration decide. */
  registryUrl?: string;
  /** Where registryUrl came from, for status and log text. */
  registrySource?: string;
  asOf?: Date;
  /** VS Code's `http.proxy`, when set: the proxy for every registry. */
  httpProxy?: string;
  /** VS Code's `http.proxyStrictSSL`, only when false (true leaves npm's strict-ssl in charge). */
  httpProxyStrictSSL?: false;
  /** VS Code's `http.noProxy` (1.86+), when it names any host: reached directly, like npm's noproxy. */
  httpNoProxy?: string[];
  /** The workspace is not trusted: the project's .npmrc is not read. */
  untrustedWorkspace?: boolean;
}

/** The `vigil` section for a document. */
export type ConfigurationSource = (uri: string) => Promise<unknown>;
/** The `http` section (application-wide: no document scope). */
export type HttpConfigurationSource = () => Promise<unknown>;

/** Editor network settings as the registry uses them. */
export interface EditorNetworkSettings {
  httpProxy?: string;
  httpProxyStrictSSL?: false;
  httpNoProxy?: string[];
}

export class SettingsCache {
  private readonly byUri = new Map<string, Promise<EffectiveSettings>>();
  /** Settings pushed by didChangeConfiguration, used when the client cannot be asked. */
  private pushed: unknown = undefined;
  private pushedHttp: unknown = undefined;
  private network: Promise<EditorNetworkSettings> | undefined;
  private trusted: boolean;

  constructor(
    private readonly pull: ConfigurationSource | undefined,
    private readonly init: VigilInitializationOptions,
    private readonly warn: (message: string) => void,
    private readonly pullHttp?: HttpConfigurationSource,
  ) {
    // Editors without a notion of trust (Neovim, Helix) send nothing: the user opened the folder on purpose.
    this.trusted = init.workspaceTrusted !== false;
  }

  /** Whether the workspace is trusted; a change drops cached settings so the next validation uses it. */
  setTrusted(trusted: boolean): void {
    if (trusted === this.trusted) return;
    this.trusted = trusted;
    this.byUri.clear();
  }

  get isTrusted(): boolean {
    return this.trusted;
  }

  get(uri: string): Promise<EffectiveSettings> {
    let settings = this.byUri.get(uri);
    if (!settings) {
      settings = this.load(uri);
      this.byUri.set(uri, settings);
    }
    return settings;
  }

  /** A configuration change: forget everything; `pushed` is the notification's `settings.vigil` (and `.http`), if any. */
  reset(pushed?: unknown, pushedHttp?: unknown): void {
    this.byUri.clear();
    this.network = undefined;
    if (pushed !== undefined) this.pushed = pushed;
    if (pushedHttp !== undefined) this.pushedHttp = pushedHttp;
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  private async load(uri: string): Promise<EffectiveSettings> {
    let raw: unknown = this.pushed;
    if (this.pull) {
      try {
        raw = await this.pull(uri);
      } catch (error) {
        // A client that cannot answer is not a reason to stop validating: fall back to defaults, and ask
        // again next time rather than caching the failure.
        this.byUri.delete(uri);
        this.warn(`Could not read settings for ${uri}; using defaults (${String(error)}).`);
      }
    }
    const effective = effectiveSettings(normalizeSettings(raw, this.init), this.init, this.warn);
    const network = await this.editorNetwork();
    return { ...effective, ...network, ...(!this.trusted && { untrustedWorkspace: true }) };
  }

  private editorNetwork(): Promise<EditorNetworkSettings> {
    this.network ??= (async () => {
      let raw: unknown = this.pushedHttp;
      if (this.pullHttp) {
        try {
          raw = await this.pullHttp();
        } catch (error) {
          this.network = undefined;
          this.warn(`Could not read the http settings; using npm's proxy settings (${String(error)}).`);
        }
      }
      return normalizeHttpSettings(raw);
    })();
    return this.network;
  }
}

/**
 * `http.proxy` (a non-empty string), `http.proxyStrictSSL` (only `false` matters) and `http.noProxy` (its
 * non-empty strings; a hand-written comma-separated string, the wrong type but a clear intent, is split);
 * anything else is ignored.
 */
export function normalizeHttpSettings(raw: unknown): EditorNetworkSettings {
  const value = isRecord(raw) ? raw : {};
  const proxy = stringOr(value['proxy'], '');
  const noProxy = hostList(value['noProxy']);
  return {
    ...(proxy !== '' && { httpProxy: proxy }),
    ...(value['proxyStrictSSL'] === false && { httpProxyStrictSSL: false }),
    ...(noProxy.length > 0 && { httpNoProxy: noProxy }),
  };
}

function hostList(raw: unknown): string[] {
  const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : [];
  return items.filter((item): item is string => typeof item === 'string').map((item) => item.trim()).filter(Boolean);
}

/** Accepts whatever the client sent; anything of the wrong type falls back to the default. */
export function normalizeSettings(raw: unknown, init: VigilInitializationOptions): VigilSettings {
  const value = isRecord(raw) ? raw : {};
  const registry = stringOr(value['registry'], '');
  const cooldown = value['cooldownDays'];
  const cooldownDays =
    typeof cooldown === 'number' && Number.isFinite(cooldown) && cooldown >= 0 ? cooldown : DEFAULT_SETTINGS.cooldownDays;
  const asOf = stringOr(value['asOf'], '') || stringOr(init.asOf, '');
  const severity = severitySettings(value['severity']);
  const offline = value['offline'] === true;
  const enable = isRecord(value['enable']) ? value['enable'] : {};
  return {
    registry,
    cooldownDays,
    asOf,
    ...(severity && { severity }),
    offline,
    // Only an explicit false turns a kind off: a half-written setting must not silence Vigil.
    enable: { packageJson: enable['packageJson'] !== false, lockfiles: enable['lockfiles'] !== false },
  };
}

/** `vigil.severity`: entries with a known signal id and severity; the rest is ignored, like any wrong type. */
function severitySettings(raw: unknown): VigilSettings['severity'] {
  if (!isRecord(raw)) return undefined;
  const entries = Object.entries(raw).filter(
    ([signal, level]) => (POLICY_SIGNALS as readonly string[]).includes(signal) && (POLICY_SEVERITIES as readonly unknown[]).includes(level),
  );
  return entries.length > 0 ? (Object.fromEntries(entries) as VigilSettings['severity']) : undefined;
}

export function effectiveSettings(
  settings: VigilSettings,
  init: VigilInitializationOptions,
  warn: (message: string) => void,
): EffectiveSettings {
  const config: AnalysisConfig = { ...DEFAULT_CONFIG, cooldownDays: settings.cooldownDays, ...(settings.severity && { severity: settings.severity }) };
  const effective: EffectiveSettings = { settings, config };
  if (settings.registry) {
    effective.registryUrl = settings.registry;
    effective.registrySource = 'vigil.registry';
  } else if (init.registry) {
    effective.registryUrl = init.registry;
    effective.registrySource = 'initializationOptions.registry';
  }
  if (settings.asOf) {
    const asOf = new Date(settings.asOf);
    if (Number.isNaN(asOf.getTime())) warn(`Ignoring vigil.asOf "${settings.asOf}": not an ISO-8601 time.`);
    else effective.asOf = asOf;
  }
  return effective;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value.trim() : fallback;
}
