import { join } from 'node:path';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import type { ControlPlanePki } from '../pki.js';
import { startComponent, type ComponentRecord } from '../supervise.js';

/**
 * kube-controller-manager: Deployments → ReplicaSets → Pods, progress deadlines, garbage collection, service
 * accounts, endpoints, HPA. It authenticates with the admin (system:masters) kubeconfig, so it needs no RBAC setup.
 */
export async function startKubeControllerManager(binary: string, stateDir: string, kubeconfig: string, pki: ControlPlanePki): Promise<ComponentRecord> {
  const port = await freePort();
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
    ],
    logFile: join(stateDir, 'kube-controller-manager.log'),
    ports: [port],
    ready: () => httpOk(`https://127.0.0.1:${port}/healthz`, { insecure: true }),
    readyTimeoutMs: 30_000,
  });
}

/** kube-scheduler: kwok does not bind pods to nodes, so without a scheduler every pod would stay Pending. */
export async function startKubeScheduler(binary: string, stateDir: string, kubeconfig: string): Promise<ComponentRecord> {
  const port = await freePort();
  return startComponent({
    name: 'kube-scheduler',
    command: binary,
    args: [`--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
      '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${port}`,
      `--cert-dir=${join(stateDir, 'scheduler-certs')}`, '--profiling=false', '--v=1'],
    logFile: join(stateDir, 'kube-scheduler.log'),
    ports: [port],
    ready: () => httpOk(`https://127.0.0.1:${port}/healthz`, { insecure: true }),
    readyTimeoutMs: 30_000,
  });
}
