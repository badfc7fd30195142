// The sample environments' autoscalers (catalog's and storefront's HPAs, orders' KEDA ScaledObject, storefront's
// VPA), rendered by kustomize-ts as a deploy renders them, pass the apiserver's schemas on the local platform (the
// CRDs generated from the upstream API types); each environment's overlay picks its own modes.
import { parseAllDocuments } from 'yaml';
import type { KubeCluster } from '../../../adapters/kube/cluster.js';
import type { KubeObject } from '../../../core/kube/object.js';
import { DiskFileSystem, renderKustomization } from '../../../kustomize/index.js';
import { REPO_ROOT } from '../../platform/paths.js';
import { FIELD_MANAGER, openTestCluster } from './kube-fixtures.js';

const AUTOSCALERS = new Set(['HorizontalPodAutoscaler', 'ScaledObject', 'VerticalPodAutoscaler']);

function autoscalersOf(environment: string): KubeObject[] {
  const { yaml } = renderKustomization(new DiskFileSystem(REPO_ROOT), `environments/${environment}`);
  return parseAllDocuments(yaml)
    .map((doc) => doc.toJS() as KubeObject)
    .filter((obj) => AUTOSCALERS.has(obj.kind));
}

/** `Kind/name` with the field that tells the environments apart. */
function summary(obj: KubeObject): string {
  const spec = obj['spec'] as { updatePolicy?: { updateMode?: string }; idleReplicaCount?: number; minReplicaCount?: number; maxReplicaCount?: number; minReplicas?: number; maxReplicas?: number };
  const detail = obj.kind === 'VerticalPodAutoscaler' ? spec.updatePolicy?.updateMode
    : obj.kind === 'ScaledObject' ? `idle ${spec.idleReplicaCount}, ${spec.minReplicaCount}-${spec.maxReplicaCount}`
    : `${spec.minReplicas}-${spec.maxReplicas}`;
  return `${obj.kind}/${obj.metadata.name} ${detail}`;
}

describe('the sample environments’ autoscalers on the local platform', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('sample-autoscalers'));
  });
  afterAll(async () => {
    await cleanup();
  });

  it.each([
    ['dev', ['VerticalPodAutoscaler/storefront Off']],
    ['staging', ['HorizontalPodAutoscaler/catalog 3-6', 'HorizontalPodAutoscaler/storefront 3-6', 'ScaledObject/orders idle 0, 1-1', 'VerticalPodAutoscaler/storefront Initial']],
    ['production', ['HorizontalPodAutoscaler/catalog 3-6', 'HorizontalPodAutoscaler/storefront 3-20', 'VerticalPodAutoscaler/storefront InPlaceOrRecreate']],
  ])('%s: renders its own autoscalers, and the apiserver accepts each', async (environment, expected) => {
    const objects = autoscalersOf(environment);
    expect(objects.map(summary).sort()).toEqual(expected);

    const moved = objects.map((obj) => ({ ...obj, metadata: { ...obj.metadata, namespace } }));
    const results = await cluster.dryRunApply(moved, { fieldManager: FIELD_MANAGER });
    expect(results.map((r) => (r.outcome === 'rejected' ? `${r.ref.kind}/${r.ref.name}: ${r.error.message}` : r.outcome))).toEqual(objects.map(() => 'valid'));
  });
});
