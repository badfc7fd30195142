import { DeployError } from '../../../../core/deploy-error.js';
import { decodeRelease, encodeRelease, RELEASE_MANIFESTS_KEY, releaseLabels, releaseObjectName } from '../../../../core/release/release-codec.js';
import type { Release } from '../../../../core/release/release.js';
import { ref } from '../kube-objects.js';
import { release } from '../releases.js';

const full: Release = release(7, 'rolled-back', {
  inventory: [ref('apps/v1', 'Deployment', 'api'), ref('v1', 'Namespace', 'shop', null), ref('v1', 'ConfigMap', 'cfg')],
  reason: 'ProgressDeadlineExceeded',
  message: 'Deployment/shop/api: rollout exceeded its progress deadline; rolled back to revision 6 (6666666)',
  rolledBackTo: { revision: 6, sha: '6'.repeat(40) },
  deliveryId: 'd-1',
  timings: { render: 120, apply: 900, rollout: 61_000, rollback: 4_000 },
});

describe('release codec', () => {
  it('round-trips a release through a flat map of strings', () => {
    const encoded = encodeRelease(full);
    expect(Object.values(encoded).every((value) => typeof value === 'string')).toBe(true);
    expect(decodeRelease(encoded, 'x')).toEqual(full);
  });

  it('round-trips a minimal release without inventing optional fields', () => {
    const minimal = release(1, 'succeeded');
    expect(decodeRelease(encodeRelease(minimal), 'x')).toEqual(minimal);
    expect(encodeRelease(minimal)).not.toHaveProperty('reason');
  });

  it('round-trips an interrupted release, which has no finish time yet', () => {
    const { finishedAt: _unset, ...deploying } = release(8, 'deploying');
    expect(decodeRelease(encodeRelease(deploying), 'x')).toEqual(deploying);
  });

  it('leaves the manifests key to the adapter and ignores it when reading', () => {
    const encoded = encodeRelease(full);
    expect(encoded).not.toHaveProperty(RELEASE_MANIFESTS_KEY);
    expect(decodeRelease({ ...encoded, [RELEASE_MANIFESTS_KEY]: 'H4sIAAAA' }, 'x')).toEqual(full);
  });

  it.each([
    ['a missing field', { outcome: undefined }, 'outcome'],
    ['an unknown outcome', { outcome: 'exploded' }, 'outcome'],
    ['an unknown reason', { reason: 'Gremlins' }, 'reason is not a known reason'],
    ['a revision that is not a number', { revision: 'seven' }, 'revision'],
    ['an inventory that is not JSON', { inventory: '[[' }, 'inventory is not JSON'],
    ['a record of another format', { format: 'gantry.dev/release-v9' }, 'format'],
  ])('refuses a record with %s, naming the object and the field', (_name, change, message) => {
    const data = { ...encodeRelease(full), ...change } as Record<string, string>;
    for (const key of Object.keys(data)) if (data[key] === undefined) delete data[key];
    const read = () => decodeRelease(data, 'gantry-release.staging.v7');
    expect(read).toThrow(DeployError);
    expect(read).toThrow(/^release record gantry-release\.staging\.v7 cannot be read: /);
    expect(read).toThrow(message);
  });

  it('names release objects and labels them for listing by environment', () => {
    expect(releaseObjectName('staging', 7)).toBe('gantry-release.staging.v7');
    expect(releaseLabels(full)).toEqual({
      'app.kubernetes.io/managed-by': 'gantry',
      'gantry.dev/environment': 'staging',
      'gantry.dev/revision': '7',
      'gantry.dev/outcome': 'rolled-back',
    });
  });
});
