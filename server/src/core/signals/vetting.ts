/**
 * Time as a vetting signal. Hijacked releases are found and pulled within days to weeks (event-stream's
 * took 2.5 months, the longest on record). A release whose suspicious trait is its *circumstances* (who
 * published it, how, after what silence) and that has stayed public longer than this has been vetted by
 * time: it is reported as information (or not at all, where the fact alone says nothing useful once
 * vetted, like an old wake-up after dormancy), so years-old events do not drown today's warnings. Traits
 * of the code itself (install scripts) never fade.
 */
import { elapsedSince } from '../elapsed';
import type { Signal } from './types';

export const VETTED_BY_TIME_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * `signal`, with warnings and errors on releases public for ≥ 90 days lowered to information, or
 * dropped when `vetted` is 'drop'.
 */
export function fadesWithTime(signal: Signal, caution = '', vetted: 'inform' | 'drop' = 'inform'): Signal {
  return (context) => {
    const found = signal(context);
    const publishedAt = context.version.publishedAt;
    if (!found || found.severity === 'information' || found.severity === 'hint' || publishedAt === undefined) return found;
    const age = elapsedSince(context.now, Date.parse(publishedAt));
    if (!age.atLeast(VETTED_BY_TIME_MS)) return found;
    if (vetted === 'drop') return undefined;
    const message = caution ? found.message.replace(caution, '') : found.message;
    return {
      ...found,
      severity: 'information',
      message: `${message} It has been public for ${age.words()} without being pulled, which makes a hijack unlikely.`,
      evidence: { ...found.evidence, vettedByTime: true },
    };
  };
}
