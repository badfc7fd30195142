import type { KubeCluster } from '../../../adapters/kube/cluster.js';
import type { KubeObject } from '../../../core/kube/object.js';
import { uniqueName } from '../../platform/connect.js';
import { FIELD_MANAGER, openTestCluster, ref } from './kube-fixtures.js';

/** A CRD for `kind` in a group unique to this run, so parallel runs never share it. */
function crd(group: string, kind: string, scope: 'Namespaced' | 'Cluster'): KubeObject {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
    },
  };
}

describe('custom resources: discovery follows CRDs as they are installed', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;
  const group = `${uniqueName('crtest')}.gantry.dev`;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('kube-crd'));
  });
  afterAll(async () => {
    await cluster.delete(ref('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `widgets.${group}`));
    await cluster.delete(ref('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `gadgets.${group}`));
    await cleanup();
  });

  it('rejects a custom resource before its CRD exists, and applies it once the CRD is established', async () => {
    const widget = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1', namespace }, spec: { size: 3 } };
    const [before] = await cluster.dryRunApply([widget], { fieldManager: FIELD_MANAGER });
    expect(before?.outcome === 'rejected' && before.error.code).toBe('KindNotFound');

    await cluster.apply([crd(group, 'Widget', 'Namespaced')], { fieldManager: FIELD_MANAGER });
    await waitForEstablished(cluster, `widgets.${group}`);
    const [after] = await cluster.apply([widget], { fieldManager: FIELD_MANAGER });

    expect(after?.outcome).toBe('applied');
    expect(after?.ref).toEqual(ref(`${group}/v1`, 'Widget', 'w1', namespace));
    expect((await cluster.get(ref(`${group}/v1`, 'Widget', 'w1', namespace)))?.spec).toEqual({ size: 3 });
  });

  it('validates custom resources against their schema', async () => {
    const bad = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w2', namespace }, spec: { size: 'big' } };

    const [result] = await cluster.dryRunApply([bad], { fieldManager: FIELD_MANAGER });

    expect(result?.outcome).toBe('rejected');
    expect(result?.outcome === 'rejected' && result.error.code).toBe('Invalid');
    expect(result?.outcome === 'rejected' && result.error.message).toMatch(new RegExp(`^Widget/${namespace}/w2 dry-run failed: .*spec\\.size`));
  });

  it('treats a cluster-scoped custom kind as cluster-scoped, whatever namespace the manifest gives it', async () => {
    await cluster.apply([crd(group, 'Gadget', 'Cluster')], { fieldManager: FIELD_MANAGER });
    await waitForEstablished(cluster, `gadgets.${group}`);

    const [result] = await cluster.apply([{ apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'g1', namespace }, spec: { size: 1 } }], { fieldManager: FIELD_MANAGER });

    expect(result?.outcome).toBe('applied');
    expect(result?.ref).toEqual(ref(`${group}/v1`, 'Gadget', 'g1'));
    expect(await cluster.delete(ref(`${group}/v1`, 'Gadget', 'g1'))).toBe('deleted');
  });
});

async function waitForEstablished(cluster: KubeCluster, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const live = await cluster.get(ref('apiextensions.k8s.io/v1', 'CustomResourceDefinition', name));
    const conditions = (live?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) throw new Error(`CRD ${name} not Established within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
