/**
 * unclaimed-name: a declared registry dependency does not exist on the registry it is installed from
 * (404). Whoever publishes that name first decides what the next `npm install` runs: dependency
 * confusion (Birsan 2021) registered exactly such names, and a typo in a dependency name is the same
 * opening. Only a 404 today counts: in a replay, a package first published after the instant was not
 * unclaimed, merely not yet published, and is reported as before (an error that says so).
 */
import type { DependencyReport } from '../analyze';
import type { Finding } from '../finding';
import type { RegistryError } from '../registry/types';

export function unclaimedNameFinding(report: DependencyReport, error: RegistryError): Finding {
  const registry = error.registry ?? null;
  const where = registry ?? 'the registry';
  const scope = report.package.startsWith('@') && report.package.includes('/') ? report.package.slice(0, report.package.indexOf('/')) : undefined;
  const who = scope
    ? `Only the owner of the ${scope} scope there can publish it, so make sure that is you (a scope nobody has registered can be registered by anyone).`
    : 'Anyone can publish a package under that name, and the next install would run their code.';
  return {
    file: report.file,
    range: report.range,
    package: report.package,
    spec: report.spec,
    signal: 'unclaimed-name',
    severity: 'error',
    message:
      `${report.package} does not exist on ${where}. ${who} This is how dependency confusion works. If it is your private ` +
      `package, install it from a registry you control under a scope you own (\`@scope:registry=\` in .npmrc) and claim the ` +
      `name here; if the name is a typo, fix it.`,
    evidence: { registry, status: error.status ?? 404, section: report.section, scoped: scope !== undefined },
  };
}
