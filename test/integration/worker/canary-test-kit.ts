// What the canary tests through the deploy stage and the e2e pipeline share besides worker-test-kit's canary overlay
// and short steps: the HTTPRoute's splits recorded from a watch, and the image a Deployment runs.
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

/** Every distinct split the HTTPRoute `catalog` holds, in order, from a watch; `onSplit` sees each. */
export async function watchSplits(namespace: string, onSplit: (split: string) => void = () => undefined) {
  const seen: string[] = [];
  const request = await new Watch(kubeConfig()).watch(
    `/apis/${GATEWAY_API}/namespaces/${namespace}/httproutes`,
    { fieldSelector: 'metadata.name=catalog' },
    (_phase, object: KubeObject) => {
      const split = splitOf(object);
      if (seen.at(-1) === split) return;
      seen.push(split);
      onSplit(split);
    },
    () => undefined,
  );
  return {
    seen,
    /** Waits until the watch saw `split` (the route is written before the deploy returns; the event may lag). */
    until: async (split: string) => {
      const deadline = Date.now() + 10_000;
      while (seen.at(-1) !== split && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    },
    stop: () => request.abort(),
  };
}
