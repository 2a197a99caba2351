/**
 * install-script-added: the version runs code at install and the release before it did not. Install
 * scripts run with the installing user's rights before anyone reviews the code: ua-parser-js, coa, rc and
 * Shai-Hulud all shipped their payload this way.
 *
 * "The release before it" skips the version's own burst: hijackers publish several versions within
 * minutes (ua-parser-js 0.7.29/0.8.0/1.0.0), each with the script, and every one of them must be flagged.
 */
import { day, list } from '../format';
import { installHooks, publisherLabel, runsAtInstall } from '../registry/history';
import type { VersionSummary } from '../registry/types';
import type { Signal } from './types';

const BURST_WINDOW_MS = 24 * 60 * 60 * 1000;

export const installScriptAdded: Signal = ({ summary, version, earlier }) => {
  if (!runsAtInstall(version) || earlier.length === 0) return undefined;
  const baseline = lastVersionWithoutScripts(version, earlier);
  if (!baseline) return undefined;
  const hooks = installHooks(version);
  const commands = Object.entries(version.installScripts).map(([hook, line]) => `${hook}: ${line.slice(0, 120)}`);
  const hookText = hooks.length === 1 ? `a \`${hooks[0]}\` script` : `install scripts (${list(hooks.map((h) => `\`${h}\``))})`;
  return {
    signal: 'install-script-added',
    severity: 'error',
    message:
      `${summary.name}@${version.version} runs ${hookText} at install; ${baseline.version} before it did not ` +
      `(published ${day(baseline.publishedAt)} by ${publisherLabel(baseline)}). Install scripts run with your rights ` +
      `the moment you install: hijacked releases (ua-parser-js 2021, coa, rc, Shai-Hulud) delivered malware exactly this way.`,
    evidence: {
      version: version.version,
      publishedAt: version.publishedAt ?? null,
      publisher: version.publisher?.name ?? null,
      scripts: commands.length > 0 ? commands : hooks,
      previousVersion: baseline.version,
      previousPublishedAt: baseline.publishedAt ?? null,
      previousPublisher: baseline.publisher?.name ?? null,
    },
  };
};

/**
 * The newest version without install scripts among those published in the 24 h before `version` plus
 * the last one before that window; undefined when all of those run scripts too (nothing was added).
 */
function lastVersionWithoutScripts(version: VersionSummary, earlier: VersionSummary[]): VersionSummary | undefined {
  const at = Date.parse(version.publishedAt ?? '');
  for (const candidate of earlier) {
    if (!runsAtInstall(candidate)) return candidate;
    if (at - Date.parse(candidate.publishedAt ?? '') >= BURST_WINDOW_MS) return undefined;
  }
  return undefined;
}
