import { readFileSync, writeFileSync } from 'node:fs';
import type { ControlPlanePki } from './pki.js';

const b64 = (file: string) => readFileSync(file).toString('base64');

/** Writes a kubeconfig with the admin client certificate embedded, so it works from any directory. */
export function writeAdminKubeconfig(file: string, server: string, pki: ControlPlanePki, contextName = 'gantry-local'): void {
  const text = `apiVersion: v1
kind: Config
clusters:
- name: ${contextName}
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(pki.caCert)}
users:
- name: gantry-admin
  user:
    client-certificate-data: ${b64(pki.adminCert)}
    client-key-data: ${b64(pki.adminKey)}
contexts:
- name: ${contextName}
  context:
    cluster: ${contextName}
    user: gantry-admin
current-context: ${contextName}
`;
  writeFileSync(file, text, { mode: 0o600 });
}
