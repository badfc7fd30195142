/** The Kubernetes adapter: the Cluster port over a real API server, release history as Secrets, inventories. */
export { KubeCluster, type KubeClusterOptions } from './cluster.js';
export { KubeClusters, type ClusterTarget } from './kube-clusters.js';
export { KubeconfigNotFoundError, loadKubeConfig } from './load-kubeconfig.js';
export { KubeReleaseStore, type KubeReleaseStoreOptions } from './release-store.js';
export { RELEASE_SECRET_TYPE, releaseSecretName, releaseSelector } from './release-secret.js';
export { formatSelector } from './rollout.js';
export type { BackoffPolicy } from '../common/with-backoff.js';
