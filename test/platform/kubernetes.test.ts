import { AppsV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, type V1Deployment } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { SIMULATE_LABEL } from './components/kwok.js';
import { ZONES } from './components/fake-nodes.js';
import { tuningOf } from './components/control-plane-profile.js';
import { kubeConfig, need, platform, uniqueName } from './connect.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function deployment(namespace: string, name: string, opts: { replicas: number; simulate?: string; deadline?: number }): V1Deployment {
  const podLabels: Record<string, string> = { app: name, ...(opts.simulate ? { [SIMULATE_LABEL]: opts.simulate } : {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: opts.replicas,
      progressDeadlineSeconds: opts.deadline ?? 600,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: podLabels },
        spec: {
          containers: [{ name: 'web', image: 'registry.local/web:1.0.0', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: name } } },
          ],
        },
      },
    },
  };
}

async function waitForCondition(apps: AppsV1Api, ns: string, name: string, pred: (d: V1Deployment) => boolean, timeoutMs: number): Promise<V1Deployment> {
  const deadline = Date.now() + timeoutMs;
  let last: V1Deployment | undefined;
  while (Date.now() < deadline) {
    last = await apps.readNamespacedDeployment({ name, namespace: ns });
    if (pred(last)) return last;
    await sleep(250);
  }
  throw new Error(`Deployment ${ns}/${name} did not reach the expected state; last status: ${JSON.stringify(last?.status)}`);
}

const condition = (d: V1Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

describe('the local Kubernetes control plane', () => {
  const kc = kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const namespace = uniqueName('platform-k8s');

  beforeAll(async () => {
    need('kubernetes');
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('runs the controllers and kwok with the limits of the control-plane profile platform.json records', () => {
    const { controlPlane, external } = need('kubernetes');
    if (external) return;
    expect(controlPlane === 'production' || controlPlane === 'stock').toBe(true);
    const tuning = tuningOf(controlPlane!);
    const args = (name: string) => {
      const component = platform().components.find((c) => c.name === name);
      return readFileSync(`/proc/${component?.pid}/cmdline`, 'utf8').split('\0');
    };
    const kcm = args('kube-controller-manager');
    const scheduler = args('kube-scheduler');
    const kwokConfig = readFileSync(args('kwok').find((a) => a.startsWith('--config='))!.slice('--config='.length), 'utf8');
    if (tuning.controllerManager) {
      expect(kcm).toEqual(expect.arrayContaining([`--kube-api-qps=${tuning.controllerManager.qps}`, `--concurrent-deployment-syncs=${tuning.controllerManager.deploymentSyncs}`]));
      const config = JSON.parse(readFileSync(scheduler.find((a) => a.startsWith('--config='))!.slice('--config='.length), 'utf8'));
      expect(config.clientConnection).toMatchObject({ qps: tuning.scheduler?.qps, burst: tuning.scheduler?.burst });
      expect(kwokConfig).toContain(`podPlayStageParallelism: ${tuning.kwok?.podPlayStageParallelism}`);
    } else {
      expect(kcm.some((a) => a.startsWith('--kube-api-qps'))).toBe(false);
      expect(scheduler.some((a) => a.startsWith('--config='))).toBe(false);
      expect(kwokConfig).not.toContain('KwokConfiguration');
    }
  });

  it('has three Ready kwok nodes, one per zone', async () => {
    const nodes = await core.listNode({ labelSelector: 'type=kwok' });
    const zones = nodes.items.map((n) => n.metadata?.labels?.['topology.kubernetes.io/zone']).sort();
    expect(zones).toEqual([...ZONES]);
    for (const node of nodes.items) {
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
  });

  it('schedules a server-side-applied Deployment onto the fake nodes and reports it Available', async () => {
    const body = deployment(namespace, 'healthy', { replicas: 3 });
    await objects.patch(body, undefined, undefined, 'gantry-test', true, PatchStrategy.ServerSideApply);

    const ready = await waitForCondition(apps, namespace, 'healthy', (d) => d.status?.availableReplicas === 3 && condition(d, 'Available')?.status === 'True', 60_000);
    expect(condition(ready, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    expect(ready.metadata?.managedFields?.some((f) => f.manager === 'gantry-test' && f.operation === 'Apply')).toBe(true);

    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=healthy' });
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      expect(pod.spec?.nodeName).toMatch(/^kwok-node-\d$/);
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
    // The zone spread constraint put one pod in each zone.
    expect(new Set(pods.items.map((p) => p.spec?.nodeName)).size).toBe(3);
  });

  it('reports ProgressDeadlineExceeded for a Deployment whose pods are labelled never-ready', async () => {
    const body = deployment(namespace, 'crashing', { replicas: 2, simulate: 'never-ready', deadline: 5 });
    await objects.patch(body, undefined, undefined, 'gantry-test', true, PatchStrategy.ServerSideApply);

    const failed = await waitForCondition(apps, namespace, 'crashing', (d) => condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded', 60_000);
    expect(condition(failed, 'Progressing')?.status).toBe('False');
    expect(failed.status?.availableReplicas ?? 0).toBe(0);
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=crashing' });
    expect(pods.items.length).toBeGreaterThan(0);
    for (const pod of pods.items) {
      expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    }
  });

  it('turns fail-after-ready pods NotReady after they first became Ready', async () => {
    const body = deployment(namespace, 'flaky', { replicas: 1, simulate: 'fail-after-ready' });
    await objects.patch(body, undefined, undefined, 'gantry-test', true, PatchStrategy.ServerSideApply);

    await waitForCondition(apps, namespace, 'flaky', (d) => d.status?.availableReplicas === 1, 60_000);
    const degraded = await waitForCondition(apps, namespace, 'flaky', (d) => (d.status?.unavailableReplicas ?? 0) === 1, 60_000);
    expect(condition(degraded, 'Available')?.status).toBe('False');
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=flaky' });
    expect(pods.items[0]?.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(0);
  });
});
