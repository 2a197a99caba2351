/** Text helpers for messages: dates as UTC days, ages in words. Deterministic (no locale, no clock). */

export function day(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : 'an unknown date';
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function duration(ms: number): string {
  const value = Math.max(0, ms);
  if (value < HOUR) return plural(Math.max(1, Math.round(value / MINUTE)), 'minute');
  if (value < 2 * DAY) return plural(Math.round(value / HOUR), 'hour');
  if (value < 60 * DAY) return plural(Math.round(value / DAY), 'day');
  if (value < 730 * DAY) return plural(Math.round(value / (30.44 * DAY)), 'month');
  return plural(Math.round(value / (365.25 * DAY)), 'year');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

export function list(items: string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export const DAY_MS = DAY;
export const HOUR_MS = HOUR;
