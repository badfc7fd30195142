import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import type { ControlPlanePki } from '../pki.js';
import { startComponent, type ComponentRecord } from '../supervise.js';
import type { ControlPlaneTuning } from './control-plane-profile.js';

/**
 * kube-controller-manager: Deployments → ReplicaSets → Pods, progress deadlines, garbage collection, service
 * accounts, endpoints, HPA. It authenticates with the admin (system:masters) kubeconfig, so it needs no RBAC setup.
 */
export async function startKubeControllerManager(
  binary: string,
  stateDir: string,
  kubeconfig: string,
  pki: ControlPlanePki,
  tuning: ControlPlaneTuning['controllerManager'],
): Promise<ComponentRecord> {
  const port = await freePort();
  const tuned = tuning
    ? [
        `--kube-api-qps=${tuning.qps}`, `--kube-api-burst=${tuning.burst}`,
        `--concurrent-deployment-syncs=${tuning.deploymentSyncs}`,
        `--concurrent-replicaset-syncs=${tuning.replicaSetSyncs}`,
        `--concurrent-service-endpoint-syncs=${tuning.endpointSliceSyncs}`,
      ]
    : [];
  return startComponent({
    name: 'kube-controller-manager',
    command: binary,
    args: [
      `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
      '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${port}`,
      `--cert-dir=${join(stateDir, 'kcm-certs')}`,
      `--root-ca-file=${pki.caCert}`, `--service-account-private-key-file=${pki.serviceAccountKey}`,
      `--cluster-signing-cert-file=${pki.caCert}`, `--cluster-signing-key-file=${pki.caKey}`,
      '--use-service-account-credentials=false', '--allocate-node-cidrs=false', '--profiling=false', '--v=1',
      ...tuned,
    ],
    logFile: join(stateDir, 'kube-controller-manager.log'),
    ports: [port],
    ready: () => httpOk(`https://127.0.0.1:${port}/healthz`, { insecure: true }),
    readyTimeoutMs: 30_000,
  });
}

/**
 * kube-scheduler: kwok does not bind pods to nodes, so without a scheduler every pod would stay Pending. Its client
 * rates are set only in its configuration file (no flag), which then also carries the kubeconfig and leader election
 * (the flags for those are ignored once a file is given).
 */
export async function startKubeScheduler(
  binary: string,
  stateDir: string,
  kubeconfig: string,
  tuning: ControlPlaneTuning['scheduler'],
): Promise<ComponentRecord> {
  const port = await freePort();
  const config = join(stateDir, 'kube-scheduler-config.json');
  if (tuning)
    writeFileSync(
      config,
      JSON.stringify({
        apiVersion: 'kubescheduler.config.k8s.io/v1',
        kind: 'KubeSchedulerConfiguration',
        clientConnection: { kubeconfig, qps: tuning.qps, burst: tuning.burst },
        leaderElection: { leaderElect: false },
      }),
    );
  return startComponent({
    name: 'kube-scheduler',
    command: binary,
    args: [`--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
      '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${port}`,
      `--cert-dir=${join(stateDir, 'scheduler-certs')}`, '--profiling=false', '--v=1',
      ...(tuning ? [`--config=${config}`] : [])],
    logFile: join(stateDir, 'kube-scheduler.log'),
    ports: [port],
    ready: () => httpOk(`https://127.0.0.1:${port}/healthz`, { insecure: true }),
    readyTimeoutMs: 30_000,
  });
}
