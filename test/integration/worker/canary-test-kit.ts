// What the canary tests through the deploy stage and the e2e pipeline share besides worker-test-kit's canary overlay
// and short steps: the route's splits (HTTPRoute or App Mesh VirtualRouter) recorded from a watch, and the image a Deployment runs.
import { Watch } from '@kubernetes/client-node';
import type { KubeObject } from '../../../core/kube/object.js';
import { kubeConfig } from '../../platform/connect.js';

export const GATEWAY_API = 'gateway.networking.k8s.io/v1';

/** `stable/canary` as an HTTPRoute's first rule holds it. */
export const splitOf = (route: KubeObject | undefined) =>
  ((route?.spec as { rules: { backendRefs: { weight: number }[] }[] } | undefined)?.rules[0]?.backendRefs ?? [])
    .map((backend) => backend.weight)
    .join('/');

export const imageOf = (d: KubeObject | undefined) =>
  (d?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec.containers[0]
    ?.image;

/** The route object a watch follows: where it is listed, its name, and the `stable/canary` split it holds. */
export interface WatchedRoute {
  /** The collection's path in `namespace`. */
  readonly path: (namespace: string) => string;
  readonly name: string;
  readonly splitOf: (route: KubeObject) => string;
}

/** The HTTPRoute of app `name` (the Gateway API router names it after the app). */
export const httpRoute = (name: string): WatchedRoute => ({
  path: (namespace) => `/apis/${GATEWAY_API}/namespaces/${namespace}/httproutes`,
  name,
  splitOf,
});

/** The App Mesh VirtualRouter of `app`: the weights of its `<app>-stable` and `<app>-canary` virtual nodes. */
export const virtualRouter = (app: string): WatchedRoute => ({
  path: (namespace) => `/apis/appmesh.k8s.aws/v1beta2/namespaces/${namespace}/virtualrouters`,
  name: app,
  splitOf: (router) => {
    const targets =
      (router.spec as { routes?: { httpRoute?: { action?: { weightedTargets?: { virtualNodeRef?: { name?: string }; weight?: number }[] } } }[] } | undefined)
        ?.routes?.[0]?.httpRoute?.action?.weightedTargets ?? [];
    const weight = (node: string) => targets.find((t) => t.virtualNodeRef?.name === node)?.weight ?? 0;
    return `${weight(`${app}-stable`)}/${weight(`${app}-canary`)}`;
  },
});

/** Every distinct split `route` (default: the HTTPRoute `catalog`) holds, in order, from a watch; `onSplit` sees each. */
export async function watchSplits(
  namespace: string,
  onSplit: (split: string) => void = () => undefined,
  route: WatchedRoute = httpRoute('catalog'),
) {
  const seen: string[] = [];
  let stopped = false;
  let ended: unknown;
  const request = await new Watch(kubeConfig()).watch(
    route.path(namespace),
    { fieldSelector: `metadata.name=${route.name}` },
    (_phase, object: KubeObject) => {
      const split = route.splitOf(object);
      if (seen.at(-1) === split) return;
      seen.push(split);
      onSplit(split);
    },
    (error: unknown) => {
      if (!stopped) ended = error ?? new Error(`the watch of ${route.name} ended early`);
    },
  );
  return {
    seen,
    /**
     * Waits until the watch saw `split` (the route is written before the deploy returns; the event may lag). A watch
     * that ended before it was stopped fails here, naming why, rather than leaving `seen` short.
     */
    until: async (split: string) => {
      const deadline = Date.now() + 10_000;
      while (seen.at(-1) !== split && ended === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (ended !== undefined && seen.at(-1) !== split)
        throw new Error(`the watch of ${route.name} ended after ${JSON.stringify(seen)}: ${String(ended)}`, { cause: ended });
    },
    stop: () => {
      stopped = true;
      request.abort();
    },
  };
}
