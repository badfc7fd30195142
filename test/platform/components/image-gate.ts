import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import { startComponent, type ComponentRecord } from '../supervise.js';

const MAIN = fileURLToPath(new URL('../image-gate/main.ts', import.meta.url));

/**
 * Public images the sample apps pin that a real EKS node (us-east-1) pulls but the local registry does not hold: the
 * App Mesh Envoy sidecar and proxy-init (proxy-route-manager) images of apps/storefront, from AWS's own account.
 * Prefixes end at the tag separator so that another repository of that account is not let through.
 */
export const DEFAULT_IMAGE_ALLOWLIST: readonly string[] = [
  '840364872350.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy:',
  '840364872350.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-proxy-route-manager:',
];

/**
 * Made-up images that tests deploy without building them: the sample overlays' pins of a fictitious account
 * (`123456789012.dkr.ecr…`), `registry.local/…` in the kube tests, and the Online Boutique fixture's images
 * (its dev overlay moves only frontend to `127.0.0.1:5000/`).
 * Only the test run's platform allows them (global-setup.ts, or `npm run platform -- up --test-images`); an image a
 * test wants to fail (`<local registry>/…/never-built`) must not match any of them.
 */
export const TEST_IMAGE_ALLOWLIST: readonly string[] = [
  '123456789012.dkr.ecr.',
  'registry.local/',
  '127.0.0.1:5000/boutique/',
  'boutique/',
  'redis:alpine',
];

/**
 * Whether the platform makes nodes as strict as a kubelet about images (on unless `GANTRY_STRICT_IMAGES=0`), and
 * which images count as pullable without being in the local registry: DEFAULT_IMAGE_ALLOWLIST plus the
 * comma-separated name prefixes of `GANTRY_IMAGE_ALLOWLIST`.
 */
export function strictImages(env: NodeJS.ProcessEnv): { allow: string[] } | undefined {
  if (env.GANTRY_STRICT_IMAGES === '0') return undefined;
  const extra = (env.GANTRY_IMAGE_ALLOWLIST ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return { allow: [...new Set([...DEFAULT_IMAGE_ALLOWLIST, ...extra])] };
}

/** `env` with TEST_IMAGE_ALLOWLIST added to its `GANTRY_IMAGE_ALLOWLIST`: how a test run's platform is started. */
export function withTestImages(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const own = env.GANTRY_IMAGE_ALLOWLIST ? [env.GANTRY_IMAGE_ALLOWLIST] : [];
  return { ...env, GANTRY_IMAGE_ALLOWLIST: [...own, ...TEST_IMAGE_ALLOWLIST].join(',') };
}

/** The image gate (image-gate/main.ts) as its own process, once Kubernetes and the registry are up. */
export async function startImageGate(
  stateDir: string,
  kubeconfig: string,
  registry: string,
  allow: readonly string[],
): Promise<ComponentRecord> {
  const port = await freePort();
  return startComponent({
    name: 'image-gate',
    command: process.execPath,
    args: [
      '--import',
      import.meta.resolve('tsx'),
      MAIN,
      '--kubeconfig',
      kubeconfig,
      '--registry',
      registry,
      '--port',
      String(port),
      '--allow',
      allow.join(','),
    ],
    logFile: join(stateDir, 'image-gate.log'),
    ports: [port],
    ready: () => httpOk(`http://127.0.0.1:${port}/`),
    readyTimeoutMs: 30_000,
  });
}
