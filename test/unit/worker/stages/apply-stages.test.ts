import { stagesFor } from '../../../../core/apply/apply-order.js';
import type { KubeObject } from '../../../../core/kube/object.js';
import { refOf } from '../../../../core/kube/object.js';
import { ClusterError } from '../../../../core/ports/cluster-error.js';
import type { ApplyResult, Cluster } from '../../../../core/ports/cluster.js';
import { applyStages } from '../../../../worker/stages/deploy/apply-changes.js';

const object = (apiVersion: string, kind: string, name: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'shop' },
});

const objects = [
  object('v1', 'ServiceAccount', 'catalog'),
  object('v1', 'ConfigMap', 'catalog'),
  object('v1', 'Service', 'catalog'),
  object('apps/v1', 'Deployment', 'catalog'),
];

/**
 * A cluster whose apply of each batch waits until the test releases that batch's kind, recording the order batches
 * start and end in; `failKind` makes that kind's batch answer with a terminal refusal.
 */
function heldCluster(failKind?: string) {
  const events: string[] = [];
  const releases = new Map<string, () => void>();
  const started = new Map<string, () => void>();
  const startedPromises = new Map<string, Promise<void>>();
  const startedOf = (kind: string) => {
    let promise = startedPromises.get(kind);
    if (promise === undefined) {
      promise = new Promise<void>((resolve) => started.set(kind, resolve));
      startedPromises.set(kind, promise);
    }
    return promise;
  };
  const cluster = {
    apply: async (batch: readonly KubeObject[]): Promise<ApplyResult[]> => {
      const kind = batch[0]!.kind;
      events.push(`start ${kind}`);
      void startedOf(kind);
      started.get(kind)!();
      await new Promise<void>((resolve) => releases.set(kind, resolve));
      events.push(`end ${kind}`);
      return batch.map((obj) =>
        obj.kind === failKind
          ? { outcome: 'failed', ref: refOf(obj), error: new ClusterError({ code: 'Invalid', operation: 'apply', subject: obj.kind, detail: 'refused' }) }
          : { outcome: 'applied', ref: refOf(obj), object: obj },
      );
    },
  } as unknown as Cluster;
  const release = async (kind: string) => {
    await startedOf(kind);
    releases.get(kind)!();
  };
  return { cluster, events, release, startedOf };
}

const options = { fieldManager: 'gantry', signal: new AbortController().signal };

describe('applyStages: Services beside the stages they do not need', () => {
  it('applies the Services while ServiceAccounts and ConfigMaps are applied, and workloads only after all of them', async () => {
    const { cluster, events, release } = heldCluster();
    const done: number[] = [];
    const applying = applyStages(stagesFor(objects), 0, cluster, options, async (n) => {
      done.push(n);
    });

    await release('ServiceAccount');
    await release('ConfigMap');
    // The Services started with the first stage beside them and are still held: no workload yet.
    expect(events).toEqual(['start Service', 'start ServiceAccount', 'end ServiceAccount', 'start ConfigMap', 'end ConfigMap']);
    await release('Service');
    await release('Deployment');
    await applying;

    expect(events.slice(5)).toEqual(['end Service', 'start Deployment', 'end Deployment']);
    expect(done).toEqual([1, 2, 3, 4]);
  });

  it('starts no workload when the Services fail, and answers only once every batch it sent is done', async () => {
    const { cluster, events, release } = heldCluster('Service');
    const applying = applyStages(stagesFor(objects), 0, cluster, options, async () => undefined);
    await release('Service');
    await release('ServiceAccount');
    await release('ConfigMap');

    await expect(applying).rejects.toThrow(/1 of 1 object failed to apply/);
    expect(events).not.toContain('start Deployment');
  });

  it('a stage beside the Services that fails waits for the Services before failing the step', async () => {
    const { cluster, events, release } = heldCluster('ConfigMap');
    let settled = false;
    const applying = applyStages(stagesFor(objects), 0, cluster, options, async () => undefined).finally(() => {
      settled = true;
    });
    await release('ServiceAccount');
    await release('ConfigMap');
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);

    await release('Service');
    await expect(applying).rejects.toThrow(/failed to apply/);
    expect(events).toEqual(['start Service', 'start ServiceAccount', 'end ServiceAccount', 'start ConfigMap', 'end ConfigMap', 'end Service']);
  });

  it('a resumed run from the Services stage applies them in their turn', async () => {
    const { cluster, events, release } = heldCluster();
    const applying = applyStages(stagesFor(objects), 2, cluster, options, async () => undefined);
    await release('Service');
    await release('Deployment');
    await applying;

    expect(events).toEqual(['start Service', 'end Service', 'start Deployment', 'end Deployment']);
  });
});
