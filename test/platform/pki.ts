import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Files of the throwaway PKI a local control plane needs. */
export interface ControlPlanePki {
  readonly caCert: string;
  readonly caKey: string;
  readonly apiserverCert: string;
  readonly apiserverKey: string;
  /** Client certificate for `system:masters` (the admin kubeconfig and the controllers use it). */
  readonly adminCert: string;
  readonly adminKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

async function opensslIn(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await run('openssl', args, { cwd, env });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('pki: openssl is not installed (apt-get install openssl)');
    throw new Error(`pki: openssl ${args.slice(0, 2).join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

/** A random positive 127-bit serial number, as `openssl x509 -set_serial` takes it. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return `0x${bytes.toString('hex')}`;
}

/**
 * Creates a CA, an apiserver serving certificate for loopback and in-cluster names, an admin client certificate
 * (O=system:masters, which RBAC always allows) and a service-account signing key. ECDSA P-256 keeps it fast.
 * The two certificates are signed at once, each with a random serial number: a shared `-CAcreateserial` file, read
 * by one `openssl` while the other was writing it, failed the start now and then ("Unable to load number from
 * ca.srl"). `env` is the environment `openssl` runs in (its PATH).
 */
export async function createControlPlanePki(
  dir: string,
  { serviceIp = '10.96.0.1', env = process.env }: { serviceIp?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ControlPlanePki> {
  const f = (name: string) => join(dir, name);
  const days = '3650';
  const openssl = (args: string[]) => opensslIn(args, dir, env);
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
  await openssl(['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', days, '-subj', '/CN=gantry-local-ca', '-out', 'ca.crt']);

  const sans = `subjectAltName=IP:127.0.0.1,IP:${serviceIp},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local`;
  const issue = async (name: string, subject: string, ext: string) => {
    await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
    await openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
    writeFileSync(f(`${name}.ext`), ext);
    await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', randomSerial(), '-days', days, '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
  };
  await Promise.all([
    issue('apiserver', '/CN=kube-apiserver', `${sans}\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n`),
    issue('admin', '/O=system:masters/CN=gantry-admin', 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n'),
  ]);

  const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(f('sa.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(f('sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' }));

  return {
    caCert: f('ca.crt'), caKey: f('ca.key'),
    apiserverCert: f('apiserver.crt'), apiserverKey: f('apiserver.key'),
    adminCert: f('admin.crt'), adminKey: f('admin.key'),
    serviceAccountKey: f('sa.key'), serviceAccountPub: f('sa.pub'),
  };
}
