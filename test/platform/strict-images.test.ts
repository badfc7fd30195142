import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { podsFailure } from '../../core/health/assess-pod.js';
import type { KubeObject } from '../../core/kube/object.js';
import { startPlatform, stopPlatform } from './platform.js';
import type { PlatformState } from './state.js';
import { waitFor } from './supervise.js';

/** Polls `probe` until it returns a value (the state the test asserts), or fails naming `what`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  let value: T | undefined;
  await waitFor(what, async () => (value = await probe()) !== undefined, 60_000);
  return value as T;
}

// Its own platform: strict images change how kwok starts pods, so the shared one (strict off) cannot show it.
describe('a platform with strict images (GANTRY_STRICT_IMAGES=1)', () => {
  let state: PlatformState;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  const namespace = 'strict-images';

  beforeAll(async () => {
    const env = { ...process.env, GANTRY_STRICT_IMAGES: '1', GANTRY_IMAGE_ALLOWLIST: 'public.ecr.aws/allowed/' };
    state = await startPlatform({
      ownerPid: process.pid,
      parts: ['kubernetes', 'registry'],
      env,
      log: () => undefined,
    });
    const kc = new KubeConfig();
    kc.loadFromFile(state.kubernetes!.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  }, 600_000);
  afterAll(async () => {
    if (state) await stopPlatform(state);
  });

  const deploy = (name: string, image: string) =>
    apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
        },
      },
    });
  const podsOf = async (name: string): Promise<V1Pod[]> =>
    (await core.listNamespacedPod({ namespace, labelSelector: `app=${name}` })).items;
  const readyPod = async (name: string) =>
    (await podsOf(name)).find((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

  it('leaves a pod whose image the registry does not hold in ImagePullBackOff, which the health rules fail at once', async () => {
    const image = `${state.registry!.host}/shop/never-built:1`;
    await deploy('missing', image);
    const failure = await until('the missing image pod to fail', async () =>
      podsFailure((await podsOf('missing')) as unknown as KubeObject[]),
    );
    expect(failure).toMatchObject({ status: 'Degraded', reason: 'ImagePullBackOff' });
    expect(failure.message).toContain(image);
    const [pod] = await podsOf('missing');
    expect(pod?.status?.phase).toBe('Pending');
    expect(pod?.metadata?.annotations?.['gantry.dev/image-missing']).toBe(image);
  });

  it('runs pods whose image is in the local registry or allow-listed', async () => {
    await deploy('base', state.registry!.baseImage);
    await deploy('allowed', 'public.ecr.aws/allowed/nginx:1.27');
    for (const name of ['base', 'allowed']) {
      const pod = await until(`the ${name} pod to be Ready`, () => readyPod(name));
      expect(pod.metadata?.annotations?.['gantry.dev/image-check']).toBe('ok');
    }
  });

  it('fails an image elsewhere (Docker Hub) that is not allow-listed', async () => {
    await deploy('dockerhub', 'nginx:1.27');
    const failure = await until('the Docker Hub pod to fail', async () =>
      podsFailure((await podsOf('dockerhub')) as unknown as KubeObject[]),
    );
    expect(failure.reason).toBe('ImagePullBackOff');
  });
});
