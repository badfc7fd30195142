// What the canary tests through the deploy stage and the e2e pipeline share: a canary overlay of the catalog test
// repository, short canary steps, and the HTTPRoute's splits recorded from a watch.
import { Watch } from '@kubernetes/client-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../../core/kube/object.js';
import { kubeConfig } from '../../platform/connect.js';
import { ENV, overlayFiles, type OverlayOptions } from './worker-test-kit.js';

export const GATEWAY_API = 'gateway.networking.k8s.io/v1';

/** The overlay with env.yaml's strategy `canary` through the Gateway API Gateway `gateway` (default: none there). */
export function canaryOverlay(
  namespace: string,
  options: OverlayOptions,
  gateway = { name: 'no-such-gateway', namespace: 'gateway-system' },
) {
  const files = overlayFiles(namespace, options);
  const envYaml = files[`environments/${ENV}/env.yaml`];
  if (typeof envYaml !== 'string') throw new Error('the overlay has no env.yaml');
  return {
    ...files,
    [`environments/${ENV}/env.yaml`]:
      envYaml.replace('strategy: rolling', 'strategy: canary') +
      `traffic:\n  provider: gateway-api\n  gateway:\n    name: ${gateway.name}\n    namespace: ${gateway.namespace}\n`,
  };
}

/**
 * The sample catalog app.yaml with a two-step canary (20 %, 50 %) of short pauses, checked every second; with
 * `third`, a third step at 80 % pausing that long.
 */
export async function shortCanary(first = '1s', second = '1s', third?: string): Promise<string> {
  const last = third === undefined ? '' : `    - weight: 80\n      pause: ${third}\n`;
  return (await readFile(join(process.cwd(), 'apps/catalog/app.yaml'), 'utf8')).replace(
    /canary:\n[\s\S]*$/,
    `canary:\n  steps:\n    - weight: 20\n      pause: ${first}\n    - weight: 50\n      pause: ${second}\n${last}  interval: 1s\n`,
  );
}

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
