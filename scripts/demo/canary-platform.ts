// What a canary environment needs from the platform team, and the demo's short canaries. On EKS the Gateway
// (`traffic.gateway`) and the App Mesh mesh (`traffic.mesh`) are the platform team's, made once per cluster; the
// pipeline checks that they exist and never creates them. The demo stands in for the platform team: before the
// first push it creates each Gateway (with its namespace) and mesh the environments name. The sample apps pause
// minutes at each canary step; the demo's copy pauses seconds, so a canary fits in the demo's time.
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { KubeCluster } from '../../adapters/kube/index.js';
import type { EnvConfig } from '../../core/config/env-config.js';
import type { KubeObject } from '../../core/kube/object.js';
import type { FixtureFiles } from '../../test/platform/git-fixtures.js';

const FIELD_MANAGER = 'platform-team';
const GATEWAY_API = 'gateway.networking.k8s.io/v1';
const APPMESH_API = 'appmesh.k8s.aws/v1beta2';

/** The Gateways (and their namespaces) and meshes the canary environments route through. */
export function trafficObjects(environments: readonly EnvConfig[]): KubeObject[] {
  const objects = new Map<string, KubeObject>();
  for (const env of environments) {
    if (env.rollout.strategy !== 'canary') continue;
    const gateway = env.traffic.gateway;
    if (gateway) {
      objects.set(`ns/${gateway.namespace}`, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: gateway.namespace },
      });
      objects.set(`gw/${gateway.namespace}/${gateway.name}`, {
        apiVersion: GATEWAY_API,
        kind: 'Gateway',
        metadata: { name: gateway.name, namespace: gateway.namespace },
        spec: { gatewayClassName: 'local', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
      });
    }
    if (env.traffic.mesh)
      objects.set(`mesh/${env.traffic.mesh}`, {
        apiVersion: APPMESH_API,
        kind: 'Mesh',
        metadata: { name: env.traffic.mesh },
        spec: {},
      });
  }
  return [...objects.values()];
}

/** Creates (or keeps) the platform-team objects; returns what it applied, `Kind/name` each. */
export async function provisionTraffic(kc: KubeConfig, environments: readonly EnvConfig[]): Promise<string[]> {
  const cluster = new KubeCluster(kc);
  try {
    const objects = trafficObjects(environments);
    const results = await cluster.apply(objects, { fieldManager: FIELD_MANAGER, force: true });
    for (const result of results) if (result.outcome === 'failed') throw result.error;
    return objects.map((o) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
  } finally {
    cluster.close();
  }
}

/** The app.yaml files with every canary pause `pause` and checks every second. */
export function shortCanaries(files: FixtureFiles, pause = '3s'): FixtureFiles {
  const out: Record<string, string | Uint8Array | null> = {};
  for (const [path, text] of Object.entries(files)) {
    out[path] =
      typeof text === 'string' && /^apps\/[^/]+\/app\.yaml$/.test(path)
        ? text.replace(/^(\s+)pause: .*$/gm, `$1pause: ${pause}`).replace(/^(\s+)interval: .*$/gm, '$1interval: 1s')
        : text;
  }
  return out;
}

/** Prints each distinct split of the HTTPRoutes in `namespace` as the live objects hold it; returns a stop. */
export async function printRouteWeights(
  kc: KubeConfig,
  namespace: string,
  say: (line: string) => void,
): Promise<() => void> {
  const last = new Map<string, string>();
  const request = await new Watch(kc).watch(
    `/apis/${GATEWAY_API}/namespaces/${namespace}/httproutes`,
    {},
    (_phase, route: KubeObject) => {
      const backends =
        (route.spec as { rules?: { backendRefs?: { name: string; weight?: number }[] }[] } | undefined)?.rules?.[0]
          ?.backendRefs ?? [];
      const split = backends.map((b) => `${b.name} ${b.weight ?? 1}`).join(', ');
      if (last.get(route.metadata.name) === split) return;
      last.set(route.metadata.name, split);
      say(`    route ${namespace}/${route.metadata.name}: ${split}`);
    },
    () => undefined,
  );
  return () => request.abort();
}
