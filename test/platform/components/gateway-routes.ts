import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import { startComponent, type ComponentRecord } from '../supervise.js';

const MAIN = fileURLToPath(new URL('../gateway-routes/main.ts', import.meta.url));

/**
 * The Gateway controller stand-in (gateway-routes/main.ts) as its own process: it marks HTTPRoutes `Accepted` by
 * their Gateway, as a Gateway API implementation would; it routes no traffic. Ready once it has reconciled its first
 * list (or found the Gateway API not installed).
 */
export async function startGatewayRouteStandIn(stateDir: string, kubeconfig: string): Promise<ComponentRecord> {
  const port = await freePort();
  return startComponent({
    name: 'gateway-route-stand-in',
    command: process.execPath,
    // tsx by absolute URL: the process runs in the state directory, where a bare 'tsx' would not resolve.
    args: ['--import', import.meta.resolve('tsx'), MAIN, '--kubeconfig', kubeconfig, '--port', String(port)],
    logFile: join(stateDir, 'gateway-route-stand-in.log'),
    ports: [port],
    ready: () => httpOk(`http://127.0.0.1:${port}/healthz`),
    readyTimeoutMs: 30_000,
  });
}
