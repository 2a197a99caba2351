/** The words of the status item, for each state the server reports. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusView } from '../../client/src/statusView';
import type { StatusParams } from '../../server/src/protocol';

const base: StatusParams = {
  state: 'done',
  pending: 0,
  checked: 12,
  files: 2,
  counts: { error: 0, warning: 0, information: 0, hint: 0 },
  registries: ['https://registry.npmjs.org/'],
};

describe('status item text', () => {
  const table: Array<[string, Partial<StatusParams>, string, string]> = [
    ['checking with a count', { state: 'checking', pending: 12 }, 'Vigil: checking 12 packages…', 'information'],
    ['checking one', { state: 'checking', pending: 1 }, 'Vigil: checking 1 package…', 'information'],
    ['scanning', { state: 'checking' }, 'Vigil: checking…', 'information'],
    ['warnings', { counts: { error: 0, warning: 3, information: 1, hint: 0 } }, 'Vigil: 3 warnings', 'information'],
    ['errors and a warning', { counts: { error: 2, warning: 1, information: 0, hint: 0 } }, 'Vigil: 2 errors, 1 warning', 'information'],
    ['clean', {}, 'Vigil: no warnings', 'information'],
    ['registry down', { state: 'registry-unreachable', message: '3 packages could not be checked' }, 'Vigil: registry unreachable', 'error'],
    ['replay', { asOf: '2020-09-30T13:15:21.378Z' }, 'Vigil (as of 2020-09-30 13:15 UTC): no warnings', 'warning'],
    ['idle', { state: 'idle', files: 0 }, 'Vigil: no package.json checked yet', 'information'],
    ['advisory endpoint missing', { notes: [{ code: 'advisories-unsupported', message: 'm' }] }, 'Vigil: no warnings · advisories unavailable', 'information'],
    ['advisory endpoint failing', { notes: [{ code: 'advisories-unavailable', message: 'm' }] }, 'Vigil: no warnings · advisories unavailable', 'information'],
    ['offline', { offline: true, counts: { error: 1, warning: 0, information: 0, hint: 0 } }, 'Vigil (offline): 1 error', 'information'],
    ['offline, some packages never cached', { offline: true, state: 'registry-unreachable', message: '2 packages could not be checked' }, 'Vigil (offline): some packages not in the cache', 'warning'],
    ['offline replay', { offline: true, asOf: '2020-09-30T13:15:21.378Z' }, 'Vigil (offline, as of 2020-09-30 13:15 UTC): no warnings', 'warning'],
    ['advisories skipped in a replay', { asOf: '2020-09-30T13:15:21.378Z', notes: [{ code: 'advisories-skipped', message: 'm' }] }, 'Vigil (as of 2020-09-30 13:15 UTC): no warnings', 'warning'],
  ];
  for (const [name, over, text, level] of table) {
    it(name, () => {
      const view = statusView({ ...base, ...over });
      assert.equal(view.text, text);
      assert.equal(view.level, level);
      assert.equal(view.busy, (over.state ?? base.state) === 'checking');
    });
  }

  it('details say what was checked where, or why the registry failed', () => {
    assert.equal(statusView(base).detail, '12 dependencies checked in 2 files · https://registry.npmjs.org/');
    assert.equal(statusView({ ...base, state: 'registry-unreachable', message: 'ECONNREFUSED' }).detail, 'ECONNREFUSED');
    const note = { code: 'advisories-unsupported' as const, message: 'Known vulnerabilities and malware were not checked: no endpoint.' };
    assert.equal(statusView({ ...base, notes: [note] }).detail, `12 dependencies checked in 2 files · https://registry.npmjs.org/ · ${note.message}`);
  });

  it('offline says so first in the detail, before why packages were not checked', () => {
    assert.equal(statusView({ ...base, offline: true }).detail, 'offline (vigil.offline): cached registry data only · 12 dependencies checked in 2 files · https://registry.npmjs.org/');
    const missing = statusView({ ...base, offline: true, state: 'registry-unreachable', message: '1 package could not be checked: Offline, and x is not in the cache.' });
    assert.equal(missing.detail, 'offline (vigil.offline): cached registry data only · 1 package could not be checked: Offline, and x is not in the cache.');
  });

  it('lockfile documents are said apart from package.json files', () => {
    assert.equal(statusView({ ...base, lockfiles: 1 }).detail, '12 dependencies checked in 2 files and 1 lockfile · https://registry.npmjs.org/');
    assert.equal(statusView({ ...base, files: 0, lockfiles: 2 }).detail, '12 dependencies checked in 2 lockfiles · https://registry.npmjs.org/');
  });
});
