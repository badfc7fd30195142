import { KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { readState, type PlatformState } from './state.js';

/** The running platform, as the jest global setup (or `platform up` with GANTRY_REUSE_PLATFORM=1) recorded it. */
export function platform(): PlatformState {
  const file = process.env.GANTRY_PLATFORM_STATE;
  if (!file) {
    throw new Error(
      'no local platform: this test runs in the `platform` jest project, whose global setup starts it (GANTRY_SKIP_PLATFORM must be unset)',
    );
  }
  return readState(file);
}

/** Requires one part of the platform, with a message saying it was not started. */
export function need<K extends 'redis' | 'kubernetes' | 'aws' | 'registry' | 'github' | 'git' | 'metrics'>(
  part: K,
): NonNullable<PlatformState[K]> {
  const value = platform()[part];
  if (!value) throw new Error(`the local platform was started without ${part}`);
  return value as NonNullable<PlatformState[K]>;
}

const execFileAsync = promisify(execFile);

/**
 * Runs kubectl against the platform's cluster: the platform's own build (the apiserver's version), not whichever
 * `kubectl` PATH finds first (on some machines a cloud SDK's dispatcher, tens of milliseconds slower per request).
 */
export function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const kube = need('kubernetes');
  return execFileAsync(kube.kubectl ?? 'kubectl', ['--kubeconfig', kube.kubeconfig, ...args], { maxBuffer: 64 * 2 ** 20 });
}

export function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(need('kubernetes').kubeconfig);
  return kc;
}

/** AWS SDK v3 client options for the emulator: an explicit endpoint and dummy credentials. */
export function awsClientConfig() {
  const aws = need('aws');
  return {
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
  };
}

/**
 * The standard AWS SDK environment for the emulator: AWS_ENDPOINT_URL plus dummy credentials and a region. Set in
 * a process's environment, it makes SDK v3 clients built with no options at all talk to moto, which is how the
 * pipeline's own services are pointed at it.
 */
export function awsEnv(): Record<
  'AWS_ENDPOINT_URL' | 'AWS_REGION' | 'AWS_ACCESS_KEY_ID' | 'AWS_SECRET_ACCESS_KEY',
  string
> {
  const aws = need('aws');
  return {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: aws.region,
    AWS_ACCESS_KEY_ID: aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.secretAccessKey,
  };
}

/** A short unique name for per-test isolation (namespace, queue prefix, repository, ECR repository). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}
