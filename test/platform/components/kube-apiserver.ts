import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import type { ControlPlanePki } from '../pki.js';
import { startComponent, type ComponentRecord } from '../supervise.js';

export const SERVICE_CIDR = '10.96.0.0/16';

/** The audit log: one JSON line per write request (dry-runs included) to namespaced or cluster objects. */
export const AUDIT_LOG = 'kube-apiserver-audit.log';

// Writes only, at Metadata level (no bodies), one stage: what a test needs to count the requests that change or
// dry-run objects, at the apiserver. Reads, leases and events would be most of the volume and are left out.
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived, ResponseStarted, Panic]
rules:
  - level: None
    verbs: [get, list, watch]
  - level: None
    resources:
      - group: coordination.k8s.io
      - group: events.k8s.io
      - group: ""
        resources: [events]
  - level: None
    users: [system:kube-controller-manager, system:kube-scheduler]
  - level: None
    userGroups: [system:nodes]
  - level: Metadata
`;

/**
 * kube-apiserver on loopback with client-certificate auth and RBAC. `--advertise-address` is set because a host
 * without a default route otherwise fails with "Unable to find suitable network address".
 */
export async function startKubeApiserver(
  binary: string,
  stateDir: string,
  etcdUrl: string,
  pki: ControlPlanePki,
): Promise<{ record: ComponentRecord; server: string }> {
  const port = await freePort();
  const auditPolicy = join(stateDir, 'audit-policy.yaml');
  writeFileSync(auditPolicy, AUDIT_POLICY);
  const server = `https://127.0.0.1:${port}`;
  const record = await startComponent({
    name: 'kube-apiserver',
    command: binary,
    args: [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${port}`,
      `--cert-dir=${join(stateDir, 'apiserver-certs')}`,
      `--tls-cert-file=${pki.apiserverCert}`, `--tls-private-key-file=${pki.apiserverKey}`,
      `--client-ca-file=${pki.caCert}`,
      `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--authorization-mode=RBAC', '--allow-privileged=true', '--profiling=false',
      '--endpoint-reconciler-type=none', '--v=1',
      `--audit-policy-file=${auditPolicy}`, `--audit-log-path=${join(stateDir, AUDIT_LOG)}`,
      '--audit-log-format=json', '--audit-log-maxsize=200', '--audit-log-maxbackup=1',
    ],
    logFile: join(stateDir, 'kube-apiserver.log'),
    ports: [port],
    ready: () => httpOk(`${server}/readyz`, { ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey }),
    readyTimeoutMs: 60_000,
  });
  return { record, server };
}
