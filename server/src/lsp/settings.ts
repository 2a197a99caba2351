/**
 * Settings, pulled per document (`workspace/configuration` with the document as scope, so folder and
 * resource settings apply) and cached as promises, so the many validations of one file share one request.
 * The cache is dropped on `workspace/didChangeConfiguration`. Clients without `workspace/configuration`
 * (some minimal LSP clients) get the settings pushed in that notification, or the defaults.
 */
import { DEFAULT_CONFIG, type AnalysisConfig } from '../core/config';
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
}

export type ConfigurationSource = (uri: string) => Promise<unknown>;

export class SettingsCache {
  private readonly byUri = new Map<string, Promise<EffectiveSettings>>();
  /** Settings pushed by didChangeConfiguration, used when the client cannot be asked. */
  private pushed: unknown = undefined;

  constructor(
    private readonly pull: ConfigurationSource | undefined,
    private readonly init: VigilInitializationOptions,
    private readonly warn: (message: string) => void,
  ) {}

  get(uri: string): Promise<EffectiveSettings> {
    let settings = this.byUri.get(uri);
    if (!settings) {
      settings = this.load(uri);
      this.byUri.set(uri, settings);
    }
    return settings;
  }

  /** A configuration change: forget everything; `pushed` is the notification's `settings.vigil`, if any. */
  reset(pushed?: unknown): void {
    this.byUri.clear();
    if (pushed !== undefined) this.pushed = pushed;
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
    return effectiveSettings(normalizeSettings(raw, this.init), this.init, this.warn);
  }
}

/** Accepts whatever the client sent; anything of the wrong type falls back to the default. */
export function normalizeSettings(raw: unknown, init: VigilInitializationOptions): VigilSettings {
  const value = isRecord(raw) ? raw : {};
  const registry = stringOr(value['registry'], '');
  const cooldown = value['cooldownDays'];
  const cooldownDays =
    typeof cooldown === 'number' && Number.isFinite(cooldown) && cooldown >= 0 ? cooldown : DEFAULT_SETTINGS.cooldownDays;
  const asOf = stringOr(value['asOf'], '') || stringOr(init.asOf, '');
  return { registry, cooldownDays, asOf };
}

export function effectiveSettings(
  settings: VigilSettings,
  init: VigilInitializationOptions,
  warn: (message: string) => void,
): EffectiveSettings {
  const effective: EffectiveSettings = { settings, config: { ...DEFAULT_CONFIG, cooldownDays: settings.cooldownDays } };
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
