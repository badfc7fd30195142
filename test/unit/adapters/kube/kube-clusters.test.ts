// KubeClusters picks a cluster by env.yaml's `cluster`, never by whichever kubeconfig context is current. Building a
// KubeCluster opens no connection, so these run on a kubeconfig in memory.
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClusters } from '../../../../adapters/kube/index.js';
import { DeployError } from '../../../../core/deploy-error.js';
import { Reason } from '../../../../core/reasons.js';

function kubeconfig(current: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: 'one', server: 'https://one.example:6443', skipTLSVerify: true },
      { name: 'two', server: 'https://two.example:6443', skipTLSVerify: true },
    ],
    users: [{ name: 'admin', token: 'not-a-real-token' }],
    contexts: [
      { name: 'shop-eks', cluster: 'one', user: 'admin' },
      { name: 'arn:aws:eks:us-east-1:123456789012:cluster/shop-prod', cluster: 'two', user: 'admin' },
      { name: 'dangling', cluster: 'three', user: 'admin' },
    ],
    currentContext: current ?? '',
  });
  return kc;
}

function failure(run: () => unknown): DeployError {
  try {
    run();
  } catch (error) {
    if (error instanceof DeployError) return error;
    throw error;
  }
  throw new Error('expected a DeployError');
}

describe('KubeClusters: one client per kubeconfig context, chosen by env.yaml', () => {
  let clusters: KubeClusters;
  afterEach(() => clusters.close());

  it('reaches the context env.yaml names, whatever context is current', () => {
    clusters = new KubeClusters(kubeconfig('shop-eks'), '/home/ops/.kube/config');

    const prod = clusters.forCluster({
      name: 'shop-prod',
      context: 'arn:aws:eks:us-east-1:123456789012:cluster/shop-prod',
    });

    expect(prod.server).toBe('https://two.example:6443/');
    expect(clusters.forCluster({ name: 'shop-eks', context: 'shop-eks' }).server).toBe('https://one.example:6443/');
  });

  it('builds one client per context and reuses it, for the current context too', () => {
    clusters = new KubeClusters(kubeconfig('shop-eks'), '/home/ops/.kube/config');

    const first = clusters.forCluster({ name: 'shop-eks', context: 'shop-eks' });

    expect(clusters.forCluster({ name: 'shop-eks', context: 'shop-eks' })).toBe(first);
    expect(clusters.forCluster({ name: 'local' })).toBe(first);
  });

  it('fails for a context the kubeconfig lacks, naming the context, the kubeconfig and what it has', () => {
    clusters = new KubeClusters(kubeconfig('shop-eks'), '/home/ops/.kube/config');

    const error = failure(() => clusters.forCluster({ name: 'prod-eks', context: 'prod-eks' }));

    expect(error.reason).toBe(Reason.InvalidConfig);
    expect(error.terminal).toBe(true);
    expect(error.message).toMatch(
      /^context "prod-eks" \(cluster prod-eks\) is not in the kubeconfig \/home\/ops\/\.kube\/config, which has "shop-eks", "arn:aws:eks:us-east-1:123456789012:cluster\/shop-prod", "dangling"\./,
    );
    expect(error.message).toContain('aws eks update-kubeconfig --name prod-eks --alias prod-eks');
  });

  it('fails for cluster local when the kubeconfig has no current context', () => {
    clusters = new KubeClusters(kubeconfig(undefined), '/tmp/kubeconfig');

    const error = failure(() => clusters.forCluster({ name: 'local' }));

    expect(error.reason).toBe(Reason.InvalidConfig);
    expect(error.message).toContain('kubeconfig /tmp/kubeconfig has no current context');
  });

  it('fails for a context whose cluster the kubeconfig does not define', () => {
    clusters = new KubeClusters(kubeconfig('shop-eks'), '/tmp/kubeconfig');

    expect(failure(() => clusters.forCluster({ name: 'x', context: 'dangling' })).message).toContain(
      'context "dangling" in the kubeconfig /tmp/kubeconfig names cluster "three", which the kubeconfig does not define',
    );
  });
});
