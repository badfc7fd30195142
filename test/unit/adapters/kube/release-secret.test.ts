import { randomBytes } from 'node:crypto';
import {
  pack,
  readManifests,
  readRelease,
  readStoredRecord,
  releaseSecret,
} from '../../../../adapters/kube/release-secret.js';
import { formatSelector } from '../../../../adapters/kube/rollout.js';
import { DeployError } from '../../../../core/deploy-error.js';
import type { ObjectRef } from '../../../../core/kube/object.js';
import { ClusterError } from '../../../../core/ports/cluster-error.js';
import type { Release } from '../../../../core/release/release.js';

const cm = (name: string): ObjectRef => ({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'shop', name });
const release = (revision: number, outcome: Release['outcome'], inventory: ObjectRef[] = []): Release => ({
  environment: 'dev',
  revision,
  deployId: `job-${revision}`,
  commit: 'abc123',
  manifestDigest: 'sha256:00',
  inventory,
  outcome,
  startedAt: '2026-11-25T10:00:00.000Z',
});

describe('release Secrets', () => {
  it('round-trips the record and the manifests through gzip and base64', () => {
    const manifests = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: { k: 'v' } },
    ];
    const secret = releaseSecret(release(3, 'succeeded', [cm('c')]), 'shop', pack(manifests));

    expect(secret.metadata.name).toBe('gantry-release.dev.v3');
    expect(readRelease(secret)).toEqual(release(3, 'succeeded', [cm('c')]));
    expect(readManifests(secret)).toEqual(manifests);
  });

  it('refuses a release too large for one Secret, before the apiserver does', () => {
    const incompressible = randomBytes(1_200_000).toString('base64');

    expect(() => releaseSecret(release(1, 'deploying'), 'shop', incompressible)).toThrow(ClusterError);
    expect(() => releaseSecret(release(1, 'deploying'), 'shop', incompressible)).toThrow(
      /^Secret\/shop\/gantry-release.dev.v1 release-store failed: the release record and manifests take \d+ bytes gzipped; a Secret holds at most 1048576$/,
    );
  });

  it("keeps fields it does not know when read for an update, so an older worker never strips a newer one's", () => {
    const newer = { ...release(2, 'deploying'), images: [{ name: 'catalog', ref: 'registry/catalog@sha256:ab' }] };
    const secret = releaseSecret(newer, 'shop', pack([]));

    expect(readStoredRecord(secret)).toEqual(newer);
    expect(readRelease(secret)).toEqual(release(2, 'deploying'));
  });

  it.each([
    ['a missing field', { commit: undefined }, 'commit'],
    ['a revision that is not a positive integer', { revision: 'seven' }, 'revision'],
    ['a manifest digest that is not sha256', { manifestDigest: 'md5:00' }, 'manifestDigest'],
    ['an inventory entry without a kind', { inventory: [{ group: '', version: 'v1', name: 'x' }] }, 'inventory.0.kind'],
  ])('refuses a record with %s, naming the Secret and the field', (_name, change, field) => {
    const secret = releaseSecret(release(1, 'failed'), 'shop', pack([]));
    const tampered = {
      ...secret,
      data: { ...(secret.data as object), release: pack({ ...release(1, 'failed'), ...change }) },
    };

    expect(() => readRelease(tampered)).toThrow(DeployError);
    expect(() => readRelease(tampered)).toThrow(
      /^Secret\/shop\/gantry-release\.dev\.v1 is not a readable release: its release record does not parse: /,
    );
    expect(() => readRelease(tampered)).toThrow(field);
  });

  it('rejects a record with an unknown outcome or reason as unreadable', () => {
    const secret = releaseSecret(release(1, 'failed'), 'shop', pack([]));
    const tampered = {
      ...secret,
      data: {
        ...(secret.data as object),
        release: pack({ ...release(1, 'failed'), outcome: 'exploded', reason: 'Gremlins' }),
      },
    };

    const error = (() => {
      try {
        readRelease(tampered);
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(DeployError);
    expect((error as DeployError).reason).toBe('ReleaseRecordInvalid');
    expect((error as Error).message).toMatch(/outcome .*; reason is not a known reason/);
  });
});

describe('formatSelector', () => {
  it('writes matchLabels and every matchExpressions operator in query syntax', () => {
    const selector = {
      matchLabels: { app: 'api' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['web', 'edge'] },
        { key: 'track', operator: 'NotIn', values: ['canary'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    };

    expect(formatSelector(selector)).toBe('app=api,tier in (web,edge),track notin (canary),team,!legacy');
  });
});
