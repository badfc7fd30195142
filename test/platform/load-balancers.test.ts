import { CoreV1Api, type V1Service } from '@kubernetes/client-node';
import { loadBalancerHostname } from './load-balancers/assign-address.js';
import { kubeConfig, need, uniqueName } from './connect.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function service(namespace: string, name: string, spec: Partial<NonNullable<V1Service['spec']>>): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
  };
}

describe('local platform: the load balancer controller (standing in for the AWS Load Balancer Controller)', () => {
  let core: CoreV1Api;
  let namespace: string;

  beforeAll(async () => {
    need('kubernetes');
    core = kubeConfig().makeApiClient(CoreV1Api);
    namespace = uniqueName('load-balancers');
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(() => core.deleteNamespace({ name: namespace }));

  /** The Service's load balancer ingress once it has one, polling until `timeoutMs`; [] if it never got one. */
  async function ingressOf(name: string, timeoutMs: number): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ingress = (await core.readNamespacedServiceStatus({ name, namespace })).status?.loadBalancer?.ingress ?? [];
      if (ingress.length > 0 || Date.now() > deadline) return ingress;
      await sleep(100);
    }
  }

  it('gives a LoadBalancer Service an address, as a cloud controller would', async () => {
    await core.createNamespacedService({
      namespace,
      body: service(namespace, 'frontend-external', { type: 'LoadBalancer' }),
    });

    expect(await ingressOf('frontend-external', 20_000)).toEqual([
      { hostname: loadBalancerHostname(namespace, 'frontend-external') },
    ]);
  });

  it('serves the AWS controller class service.k8s.aws/nlb too', async () => {
    await core.createNamespacedService({
      namespace,
      body: service(namespace, 'nlb', { type: 'LoadBalancer', loadBalancerClass: 'service.k8s.aws/nlb' }),
    });

    expect(await ingressOf('nlb', 20_000)).toEqual([{ hostname: loadBalancerHostname(namespace, 'nlb') }]);
  });

  it('leaves a ClusterIP Service, and a LoadBalancer of a class nothing here serves, without an address', async () => {
    await core.createNamespacedService({ namespace, body: service(namespace, 'internal', {}) });
    await core.createNamespacedService({
      namespace,
      body: service(namespace, 'other-class', { type: 'LoadBalancer', loadBalancerClass: 'example.com/none' }),
    });
    // A served Service created after these two gets its address: by then the controller has seen all three.
    await core.createNamespacedService({ namespace, body: service(namespace, 'marker', { type: 'LoadBalancer' }) });
    expect(await ingressOf('marker', 20_000)).toHaveLength(1);

    expect(await ingressOf('internal', 0)).toEqual([]);
    expect(await ingressOf('other-class', 0)).toEqual([]);
  });
});
