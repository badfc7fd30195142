// The image gate: the local platform's stand-in for a kubelet's image pull. kwok runs no containers, so without it
// a pod whose image exists nowhere goes Ready. It watches every pod and annotates it `gantry.dev/image-check: ok`
// or `missing` (firstMissingImage); kwok's stages take it from there (kwok/image-pull-stages.yaml). Started only when
// the platform runs with GANTRY_STRICT_IMAGES=1 (components/image-gate.ts).
//   main.ts --kubeconfig <file> --registry <host:port> --port <health port> [--allow <prefix,prefix>]
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, Watch, type V1Pod } from '@kubernetes/client-node';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import {
  IMAGE_CHECK_ANNOTATION,
  IMAGE_MISSING_ANNOTATION,
  firstMissingImage,
  type ImagePolicy,
} from './check-images.js';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    registry: { type: 'string' },
    port: { type: 'string' },
    allow: { type: 'string' },
  },
});
if (!values.kubeconfig || !values.registry || !values.port)
  throw new Error('image-gate: --kubeconfig, --registry and --port are required');
const policy: ImagePolicy = {
  registry: values.registry,
  allow: (values.allow ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean),
};
const kc = new KubeConfig();
kc.loadFromFile(values.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const log = (msg: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);

let watching = false;
createServer((_req, res) => {
  res.statusCode = watching ? 200 : 503;
  res.end(watching ? 'ok' : 'starting');
}).listen(Number(values.port), '127.0.0.1');

async function gate(pod: V1Pod): Promise<void> {
  const { name, namespace, annotations } = pod.metadata ?? {};
  if (!name || !namespace || annotations?.[IMAGE_CHECK_ANNOTATION] || pod.metadata?.deletionTimestamp) return;
  const images = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.image ?? '');
  const missing = await firstMissingImage(images, policy);
  const body = {
    metadata: {
      annotations: {
        [IMAGE_CHECK_ANNOTATION]: missing ? 'missing' : 'ok',
        ...(missing && { [IMAGE_MISSING_ANNOTATION]: missing }),
      },
    },
  };
  try {
    await core.patchNamespacedPod(
      { name, namespace, body },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    if (missing) log('image missing', { pod: `${namespace}/${name}`, image: missing });
  } catch (err) {
    log('patch failed', { pod: `${namespace}/${name}`, error: err instanceof Error ? err.message : String(err) });
  }
}

function watch(): void {
  void new Watch(kc)
    .watch(
      '/api/v1/pods',
      {},
      (type: string, pod: V1Pod) => {
        if (type === 'ADDED' || type === 'MODIFIED') void gate(pod);
      },
      (err: unknown) => {
        watching = false;
        if (err) log('watch ended', { error: err instanceof Error ? err.message : String(err) });
        setTimeout(watch, 1_000);
      },
    )
    .then(
      () => {
        watching = true;
      },
      (err: unknown) => {
        log('watch failed', { error: err instanceof Error ? err.message : String(err) });
        setTimeout(watch, 1_000);
      },
    );
}
watch();
