// Shared by the kube adapter's integration tests: a KubeCluster on the local platform, a namespace per test file,
// and small manifests.
import { KubeCluster } from '../../../adapters/kube/cluster.js';
import type { KubeObject, ObjectRef } from '../../../core/kube/object.js';
import { kubeConfig, need, uniqueName } from '../../platform/connect.js';

export const FIELD_MANAGER = 'gantry-test';

/** A cluster client and a fresh namespace for one test file; `cleanup()` deletes the namespace and closes. */
export async function openTestCluster(prefix: string): Promise<{ cluster: KubeCluster; namespace: string; cleanup: () => Promise<void> }> {
  need('kubernetes');
  const cluster = new KubeCluster(kubeConfig());
  const namespace = uniqueName(prefix);
  await cluster.ensureNamespace(namespace, { 'gantry.dev/test': prefix }, { fieldManager: FIELD_MANAGER });
  const cleanup = async () => {
    await cluster.delete({ group: '', version: 'v1', kind: 'Namespace', name: namespace }).catch(() => undefined);
    cluster.close();
  };
  return { cluster, namespace, cleanup };
}

export function deployment(namespace: string, name: string, spec: { replicas?: unknown; app?: string; image?: string } = {}): KubeObject {
  const app = spec.app ?? name;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app } },
    spec: {
      replicas: spec.replicas ?? 1,
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'web', image: spec.image ?? 'registry.local/web:1.0.0' }] } },
    },
  };
}

export function configMap(namespace: string, name: string, data: Record<string, string> = { key: 'value' }): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

export function ref(apiVersion: string, kind: string, name: string, namespace?: string): ObjectRef {
  const slash = apiVersion.indexOf('/');
  const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
  return namespace === undefined ? { group, version, kind, name } : { group, version, kind, namespace, name };
}
