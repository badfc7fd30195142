import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { podsFailure } from '../../core/health/assess-pod.js';
import type { KubeObject } from '../../core/kube/object.js';
import { DEFAULT_IMAGE_ALLOWLIST, strictImages } from './components/image-gate.js';
import { startPlatform, stopPlatform } from './platform.js';
import type { PlatformState } from './state.js';
import { waitFor } from './supervise.js';

/** Polls `probe` until it returns a value (the state the test asserts), or fails naming `what`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  let value: T | undefined;
  await waitFor(what, async () => (value = await probe()) !== undefined, 60_000);
  return value as T;
}

describe('strict images by default', () => {
  it('is on without GANTRY_STRICT_IMAGES, allowing the default list plus GANTRY_IMAGE_ALLOWLIST', () => {
    expect(strictImages({})).toEqual({ allow: [...DEFAULT_IMAGE_ALLOWLIST] });
    expect(strictImages({ GANTRY_IMAGE_ALLOWLIST: ' a/, b/ ,' })?.allow).toEqual([
      ...DEFAULT_IMAGE_ALLOWLIST,
      'a/',
      'b/',
    ]);
  });

  it('is off with GANTRY_STRICT_IMAGES=0', () => {
    expect(strictImages({ GANTRY_STRICT_IMAGES: '0' })).toBeUndefined();
  });

  it('is refused by name without the registry to check images against, and off by default', async () => {
    await expect(
      startPlatform({
        parts: ['kubernetes'],
        env: { ...process.env, GANTRY_STRICT_IMAGES: '1' },
        log: () => undefined,
      }),
    ).rejects.toThrow('GANTRY_STRICT_IMAGES=1 needs the kubernetes and registry parts');
  });
});

// Its own platform started with nothing but an extra allow-list in its environment, so what it shows is the default;
// the test run's platform allows more (TEST_IMAGE_ALLOWLIST).
describe('a platform started without GANTRY_STRICT_IMAGES', () => {
  let state: PlatformState;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  const namespace = 'strict-images';

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, GANTRY_IMAGE_ALLOWLIST: 'public.ecr.aws/allowed/' };
    delete env.GANTRY_STRICT_IMAGES;
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

  it('runs pods whose image is in the local registry, on the default allow-list, or on GANTRY_IMAGE_ALLOWLIST', async () => {
    expect(state.imageAllowlist).toEqual([...DEFAULT_IMAGE_ALLOWLIST, 'public.ecr.aws/allowed/']);
    await deploy('base', state.registry!.baseImage);
    await deploy('envoy', '840364872350.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy:v1.29.12.1-prod');
    await deploy('allowed', 'public.ecr.aws/allowed/nginx:1.27');
    for (const name of ['base', 'envoy', 'allowed']) {
      const pod = await until(`the ${name} pod to be Ready`, () => readyPod(name));
      expect(pod.metadata?.annotations?.['gantry.dev/image-check']).toBe('ok');
    }
  });

  it('fails a made-up image only the test run allows, and another repository of the App Mesh account', async () => {
    await deploy('made-up', '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/catalog:0.1.0');
    await deploy('other-aws', '840364872350.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy-other:v1');
    for (const name of ['made-up', 'other-aws']) {
      const failure = await until(`the ${name} pod to fail`, async () =>
        podsFailure((await podsOf(name)) as unknown as KubeObject[]),
      );
      expect(failure.reason).toBe('ImagePullBackOff');
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
