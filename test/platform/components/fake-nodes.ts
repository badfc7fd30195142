import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { waitFor } from '../supervise.js';
import { KWOK_NODE_ANNOTATION } from './kwok.js';

/** The zones the simulated nodes spread over: one node each, like a small three-AZ EKS node group. */
export const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const;

/** An m5.xlarge-sized node (4 vCPU, 16 GiB) as EKS reports it, with prefix delegation's pod density. */
export function fakeNode(zone: string, index: number): V1Node {
  const name = `kwok-node-${index}`;
  const capacity = { cpu: '4', memory: '16Gi', pods: '250', 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'm5.xlarge',
        'topology.kubernetes.io/region': 'us-east-1',
        'topology.kubernetes.io/zone': zone,
        'eks.amazonaws.com/nodegroup': 'gantry-local',
        type: 'kwok',
      },
    },
    spec: { providerID: `kwok://${zone}/${name}` },
    status: {
      capacity,
      allocatable: { cpu: '3920m', memory: '15Gi', pods: '250', 'ephemeral-storage': '95Gi' },
      nodeInfo: {
        architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'kwok', kubeProxyVersion: 'kwok',
        containerRuntimeVersion: 'kwok', kernelVersion: '', osImage: '', machineID: '', systemUUID: '', bootID: '',
      },
    },
  };
}

/** Creates the three zone nodes (idempotent) and waits until kwok reports each Ready. */
export async function createFakeNodes(kubeconfig: string, timeoutMs = 30_000): Promise<string[]> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const nodes = ZONES.map((zone, i) => fakeNode(zone, i));
  for (const node of nodes) {
    try {
      await core.createNode({ body: node });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw new Error(`fake nodes: creating ${node.metadata!.name} failed: ${String(err)}`);
    }
  }
  const names = nodes.map((n) => n.metadata!.name!);
  await waitFor('kwok to report the fake nodes Ready', async () => {
    const list = await core.listNode({ labelSelector: 'type=kwok' });
    const ready = list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return names.every((name) => ready.some((n) => n.metadata?.name === name));
  }, timeoutMs);
  return names;
}
