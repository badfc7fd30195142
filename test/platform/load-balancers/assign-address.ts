import type { V1Service } from '@kubernetes/client-node';

/**
 * The `spec.loadBalancerClass` values the local controller serves: none (the cluster's default, which the AWS Load
 * Balancer Controller takes when it is the default) and the AWS controller's own `service.k8s.aws/nlb`. A Service
 * naming another class is left pending, as a real cluster leaves it to a controller that is not installed.
 */
export const HANDLED_CLASSES: ReadonlySet<string | undefined> = new Set([undefined, 'service.k8s.aws/nlb']);

/** The hostname a Service's load balancer gets, shaped like an NLB's DNS name and only resolvable nowhere. */
export function loadBalancerHostname(namespace: string, name: string): string {
  return `${name}-${namespace}.elb.us-east-1.local.gantry`.toLowerCase();
}

/**
 * The status a load balancer controller would write on `service`, or undefined when this controller has nothing to
 * do: not a LoadBalancer, another controller's class, or an address already set (it never moves one).
 */
export function addressFor(service: V1Service): V1Service['status'] | undefined {
  if (service.spec?.type !== 'LoadBalancer') return undefined;
  if (!HANDLED_CLASSES.has(service.spec.loadBalancerClass)) return undefined;
  if ((service.status?.loadBalancer?.ingress ?? []).length > 0) return undefined;
  const { namespace = 'default', name = '' } = service.metadata ?? {};
  return { loadBalancer: { ingress: [{ hostname: loadBalancerHostname(namespace, name) }] } };
}
