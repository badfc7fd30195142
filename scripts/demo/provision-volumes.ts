// The local platform has no volume provisioner: on EKS the EBS CSI driver creates a volume for each claim on the
// gp3 StorageClass when its first pod is scheduled. The demo stands in for it by creating, before the first push,
// one PersistentVolume per claim the environments render, pre-bound to that claim (claimRef), so the scheduler
// binds it and the pods that mount it get scheduled on a kwok node. Nothing else in the pipeline knows about this.
import { CoreV1Api, type KubeConfig, type V1PersistentVolume } from '@kubernetes/client-node';
import type { JsonObject } from '../../kustomize/yaml/json-value.js';

/** A claim the environments render, as the volume for it needs to know it. */
export interface ClaimToProvision {
  readonly namespace: string;
  readonly name: string;
  readonly storageClassName: string;
  readonly storage: string;
  readonly accessModes: readonly string[];
}

/** The PersistentVolumeClaims among rendered objects, in `namespace` unless they name their own. */
export function claimsIn(objects: readonly JsonObject[], namespace: string): ClaimToProvision[] {
  return objects
    .filter((object) => object['kind'] === 'PersistentVolumeClaim')
    .map((object) => {
      const metadata = object['metadata'] as { name: string; namespace?: string };
      const spec = object['spec'] as {
        storageClassName?: string;
        accessModes?: string[];
        resources?: { requests?: { storage?: string } };
      };
      return {
        namespace: metadata.namespace ?? namespace,
        name: metadata.name,
        storageClassName: spec.storageClassName ?? '',
        storage: spec.resources?.requests?.storage ?? '1Gi',
        accessModes: spec.accessModes ?? ['ReadWriteOnce'],
      };
    });
}

/** The volume's name: one per claim, so a second demo run finds it again. */
export function volumeNameFor(claim: ClaimToProvision): string {
  return `demo-${claim.namespace}-${claim.name}`.slice(0, 253);
}

/**
 * Creates a pre-bound PersistentVolume for each claim that has none yet. A volume left from an earlier run whose
 * claim is gone (Released) is replaced, since a released volume never binds again.
 * @returns the names of the volumes created
 */
export async function provisionVolumes(kc: KubeConfig, claims: readonly ClaimToProvision[]): Promise<string[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const created: string[] = [];
  for (const claim of claims) {
    const name = volumeNameFor(claim);
    const existing = await core.readPersistentVolume({ name }).catch(() => undefined);
    if (existing && existing.status?.phase !== 'Released' && existing.status?.phase !== 'Failed') continue;
    if (existing) await core.deletePersistentVolume({ name });
    await waitUntilGone(core, name);
    await core.createPersistentVolume({ body: volumeFor(name, claim) });
    created.push(name);
  }
  return created;
}

function volumeFor(name: string, claim: ClaimToProvision): V1PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: { 'gantry.dev/demo': 'stand-in-for-ebs-csi' } },
    spec: {
      capacity: { storage: claim.storage },
      accessModes: [...claim.accessModes],
      storageClassName: claim.storageClassName,
      // Retain: the demo's volumes hold nothing, and a hostPath volume cannot be deleted by the controller.
      persistentVolumeReclaimPolicy: 'Retain',
      hostPath: { path: `/tmp/gantry-demo/${claim.namespace}/${claim.name}` },
      claimRef: { namespace: claim.namespace, name: claim.name },
    },
  };
}

async function waitUntilGone(core: CoreV1Api, name: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const still = await core.readPersistentVolume({ name }).catch(() => undefined);
    if (!still) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`PersistentVolume ${name} was not deleted within 10 s`);
}
