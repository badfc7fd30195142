import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import { startComponent, type ComponentRecord } from '../supervise.js';

const MAIN = fileURLToPath(new URL('../load-balancers/main.ts', import.meta.url));

/**
 * The load balancer controller (load-balancers/main.ts) as its own process: it gives `type: LoadBalancer` Services
 * an address, standing in for the AWS Load Balancer Controller. Ready once it has reconciled its first list.
 */
export async function startLoadBalancerController(stateDir: string, kubeconfig: string): Promise<ComponentRecord> {
  const port = await freePort();
  return startComponent({
    name: 'load-balancer-controller',
    command: process.execPath,
    // tsx by absolute URL: the process runs in the state directory, where a bare 'tsx' would not resolve.
    args: ['--import', import.meta.resolve('tsx'), MAIN, '--kubeconfig', kubeconfig, '--port', String(port)],
    logFile: join(stateDir, 'load-balancer-controller.log'),
    ports: [port],
    ready: () => httpOk(`http://127.0.0.1:${port}/healthz`),
    readyTimeoutMs: 30_000,
  });
}
