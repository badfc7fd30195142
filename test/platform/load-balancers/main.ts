// The local platform's load balancer controller, standing in for the AWS Load Balancer Controller on EKS: every
// `type: LoadBalancer` Service of a class it serves (assign-address.ts) gets `status.loadBalancer.ingress`, as the
// cloud sets it once the NLB exists. Without it such a Service never gets an address here, and a deploy waiting on
// its health (core/health/assess-service.ts) times out although a real cluster would have succeeded.
//
// It lists the Services, then watches them; a watch that ends (timeout, 410 Gone, apiserver restart) starts over
// with a new list. `/healthz` answers 200 once the first list was reconciled, which is the platform's readiness.
//
// Usage: node --import tsx test/platform/load-balancers/main.ts --kubeconfig FILE --port N
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, Watch, type V1Service } from '@kubernetes/client-node';
import { addressFor } from './assign-address.js';

const { values } = parseArgs({ options: { kubeconfig: { type: 'string' }, port: { type: 'string' } } });
if (values.kubeconfig === undefined || values.port === undefined) {
  process.stderr.write('usage: main.ts --kubeconfig FILE --port N\n');
  process.exit(2);
}
const kc = new KubeConfig();
kc.loadFromFile(values.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

let synced = false;
createServer((request, response) => {
  response.writeHead(request.url === '/healthz' && synced ? 200 : 503).end();
}).listen(Number(values.port), '127.0.0.1');

async function reconcile(service: V1Service): Promise<void> {
  const status = addressFor(service);
  const { namespace = '', name = '' } = service.metadata ?? {};
  if (status === undefined) return;
  try {
    await core.patchNamespacedServiceStatus({ name, namespace, body: { status } }, mergePatch);
    log(`Service/${namespace}/${name}: load balancer address ${status.loadBalancer?.ingress?.[0]?.hostname}`);
  } catch (error) {
    // Deleted meanwhile, or a conflict: the next event or list brings it back if it still needs an address.
    log(`Service/${namespace}/${name}: setting the address failed: ${String(error)}`);
  }
}

/** One list, then a watch from its resourceVersion until the watch ends. */
async function listAndWatch(): Promise<void> {
  const list = await core.listServiceForAllNamespaces();
  for (const service of list.items) await reconcile(service);
  synced = true;
  await new Promise<void>((resolve) => {
    void new Watch(kc)
      .watch(
        '/api/v1/services',
        { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
        (phase, service: V1Service) => {
          if (phase === 'ADDED' || phase === 'MODIFIED') void reconcile(service);
        },
        () => resolve(),
      )
      .catch(() => resolve());
  });
}

for (;;) {
  try {
    await listAndWatch();
  } catch (error) {
    log(`listing Services failed: ${String(error)}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}
