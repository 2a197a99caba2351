/**
 * The high-impact package list (npm-high-impact, bundled) as the core's typosquat index, built once per
 * process on first use (about 0.1 s for 17,000 names) and shared by every analysis after it.
 * The package is ESM-only: a dynamic import() loads it from this CommonJS build, and esbuild inlines it.
 */
import { HighImpactIndex } from '../core/similar/highImpact';

let index: Promise<HighImpactIndex> | undefined;

export function highImpactIndex(): Promise<HighImpactIndex> {
  index ??= import('./highImpactList.mjs').then(({ npmHighImpact }) => new HighImpactIndex(npmHighImpact));
  return index;
}
