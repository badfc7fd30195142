// The local platform's Gateway controller stand-in. No Gateway API implementation (Envoy Gateway, the AWS Gateway
// API Controller for VPC Lattice) runs here, so nothing would ever set an HTTPRoute's `Accepted` condition and
// gantry's router (adapters/traffic/) would wait for it in vain. This process does only that: every HTTPRoute gets
// `status.parents[].conditions[Accepted]` at its current generation, True when its parent Gateway exists,
// `NoMatchingParent` when not (route-status.ts). It routes no traffic.
//
// It lists the HTTPRoutes, then watches them; a watch that ends starts over with a new list. While the cluster does
// not serve the Gateway API (CRDs not installed) it retries every second. `/healthz` answers 200 once the first
// list was reconciled or the API was found absent, which is the platform's readiness.
//
// Usage: node --import tsx test/platform/gateway-routes/main.ts --kubeconfig FILE --port N
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import { routeStatus, type HttpRouteLike } from './route-status.js';

const { values } = parseArgs({ options: { kubeconfig: { type: 'string' }, port: { type: 'string' } } });
if (values.kubeconfig === undefined || values.port === undefined) {
  process.stderr.write('usage: main.ts --kubeconfig FILE --port N\n');
  process.exit(2);
}
const kc = new KubeConfig();
kc.loadFromFile(values.kubeconfig);
const api = kc.makeApiClient(CustomObjectsApi);
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const group = 'gateway.networking.k8s.io';
const version = 'v1';

let synced = false;
createServer((request, response) => {
  response.writeHead(request.url === '/healthz' && synced ? 200 : 503).end();
}).listen(Number(values.port), '127.0.0.1');

async function gatewayNames(): Promise<Set<string>> {
  const list = (await api.listClusterCustomObject({ group, version, plural: 'gateways' })) as {
    items: { metadata: { namespace: string; name: string } }[];
  };
  return new Set(list.items.map((g) => `${g.metadata.namespace}/${g.metadata.name}`));
}

async function reconcile(route: HttpRouteLike): Promise<void> {
  const { namespace, name } = route.metadata;
  try {
    const gateways = await gatewayNames();
    const status = routeStatus(route, (ns, n) => gateways.has(`${ns}/${n}`), new Date());
    if (!status) return;
    await api.patchNamespacedCustomObjectStatus(
      { group, version, namespace, plural: 'httproutes', name, body: { status } },
      mergePatch,
    );
    log(`HTTPRoute/${namespace}/${name}: status written at generation ${route.metadata.generation}`);
  } catch (error) {
    // Deleted meanwhile, or a conflict: the next event or list brings it back.
    log(`HTTPRoute/${namespace}/${name}: writing the status failed: ${String(error)}`);
  }
}

/** One list, then a watch from its resourceVersion until the watch ends. */
async function listAndWatch(): Promise<void> {
  const list = (await api.listClusterCustomObject({ group, version, plural: 'httproutes' })) as {
    items: HttpRouteLike[];
    metadata?: { resourceVersion?: string };
  };
  for (const route of list.items) await reconcile(route);
  synced = true;
  await new Promise<void>((resolve) => {
    void new Watch(kc)
      .watch(
        `/apis/${group}/${version}/httproutes`,
        { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
        (phase, route: HttpRouteLike) => {
          if (phase === 'ADDED' || phase === 'MODIFIED') void reconcile(route);
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
    // 404: the Gateway API CRDs are not installed (yet); nothing to stand in for.
    synced = true;
    if (!String(error).includes('404')) log(`listing HTTPRoutes failed: ${String(error)}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}
