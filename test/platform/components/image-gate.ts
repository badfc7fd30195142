import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import { startComponent, type ComponentRecord } from '../supervise.js';

const MAIN = fileURLToPath(new URL('../image-gate/main.ts', import.meta.url));

/**
 * Whether the platform makes nodes as strict as a kubelet about images (`GANTRY_STRICT_IMAGES=1`), and which public
 * images count as pullable anyway (`GANTRY_IMAGE_ALLOWLIST`, comma-separated name prefixes). Off by default: the
 * sample environments pin images that exist only once the build stage has built them.
 */
export function strictImages(env: NodeJS.ProcessEnv): { allow: string[] } | undefined {
  if (env.GANTRY_STRICT_IMAGES !== '1') return undefined;
  return {
    allow: (env.GANTRY_IMAGE_ALLOWLIST ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  };
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
