/**
 * Durations as the package managers write them. Each tool has its own grammar, and reading one with
 * another's rules would silently change a project's cooldown, so each gets its own reader here.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DURATION_MS = { second: SECOND, minute: MINUTE, hour: HOUR, day: DAY } as const;

/**
 * Yarn's DURATION settings (`npmMinimalAgeGate`: `type: SettingsType.DURATION, unit: DurationUnit.MINUTES`
 * in @yarnpkg/plugin-npm): a number with an optional unit suffix `ms`, `s`, `m`, `h`, `d` or `w`; a number
 * without one (a YAML number, or a numeric string) is in the setting's unit, minutes.
 */
const YARN_UNITS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };

export function parseYarnDuration(text: string, defaultUnitMs: number): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = match[2] === undefined ? defaultUnitMs : YARN_UNITS[match[2]];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

/**
 * Renovate's time strings (lib/util/pretty-time.ts `toMs`): one or more `<number> <unit>` parts ("3 days",
 * "1 week 2 days"), each read by the `ms` package, with "month(s)" as 30 days. As in `ms`, a number with
 * no unit is milliseconds and years are 365.25 days.
 */
const MS_UNITS: Array<[RegExp, number]> = [
  [/^(milliseconds?|msecs?|ms)$/, 1],
  [/^(seconds?|secs?|s)$/, SECOND],
  [/^(minutes?|mins?|m)$/, MINUTE],
  [/^(hours?|hrs?|h)$/, HOUR],
  [/^(days?|d)$/, DAY],
  [/^(weeks?|w)$/, 7 * DAY],
  [/^(months?)$/, 30 * DAY],
  [/^(years?|yrs?|y)$/, 365.25 * DAY],
];

export function parseRenovateDuration(text: string): number | undefined {
  // Renovate splits after each run of letters: "1 week 2 days" → "1 week", "2 days".
  const parts = text.split(/(.*?[a-z]+)/i).map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0) return undefined;
  let total = 0;
  for (const part of parts) {
    const match = /^(-?(?:\d+)?\.?\d+)\s*([a-z]*)$/i.exec(part);
    if (!match) return undefined;
    const unit = (match[2] ?? '').toLowerCase();
    const factor = unit === '' ? 1 : MS_UNITS.find(([pattern]) => pattern.test(unit))?.[1];
    if (factor === undefined) return undefined;
    total += Number(match[1]) * factor;
  }
  return total;
}

/** "3 days", "12 hours", "90 minutes", "45 seconds": the largest whole unit, for messages. */
export function describeDuration(ms: number): string {
  for (const [unit, size] of [['day', DAY], ['hour', HOUR], ['minute', MINUTE]] as const) {
    if (ms >= size && ms % size === 0) return plural(ms / size, unit);
  }
  if (ms >= DAY) return plural(Math.round((ms / DAY) * 100) / 100, 'day');
  if (ms >= HOUR) return plural(Math.round((ms / HOUR) * 100) / 100, 'hour');
  return plural(Math.round(ms / SECOND), 'second');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
