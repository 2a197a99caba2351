/**
 * deprecated: the author marked the resolved version deprecated. npm already avoids deprecated versions
 * when another one satisfies the range, so when this fires there was no better choice inside the range.
 */
import { day } from '../format';
import type { Signal } from './types';

export const deprecated: Signal = ({ summary, version }) => {
  if (!version.deprecated) return undefined;
  const text = version.deprecated.replace(/\s+/g, ' ').trim();
  return {
    signal: 'deprecated',
    severity: 'warning',
    message:
      `${summary.name}@${version.version} is deprecated: "${text.slice(0, 300)}". Deprecated releases get no fixes, ` +
      `and deprecation is also how maintainers warn about broken or compromised versions. Move to a supported version or package.`,
    evidence: {
      version: version.version,
      deprecation: text.slice(0, 1000),
      publishedAt: version.publishedAt ?? null,
      publishedDay: day(version.publishedAt),
      latest: summary.distTags.latest ?? null,
    },
  };
};
