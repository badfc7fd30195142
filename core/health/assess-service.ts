import { z } from 'zod';
import type { KubeObject } from '../kube/object.js';
import { Reason } from '../reasons.js';
import type { HealthStatus } from './health-status.js';
import { healthy, progressing, readObject } from './health-status.js';

const serviceSchema = z.looseObject({
  spec: z.looseObject({ type: z.string().optional() }).prefault({}),
  status: z.looseObject({ loadBalancer: z.looseObject({ ingress: z.array(z.unknown()).optional() }).optional() }).optional(),
});

/** A Service: ready at once, except a LoadBalancer, which waits for its load balancer's address. */
export function assessService(obj: KubeObject): HealthStatus {
  const read = readObject(serviceSchema, obj);
  if (!read.ok) return read.health;
  const { spec, status } = read.value;
  if (spec.type !== 'LoadBalancer') return healthy(Reason.Ready, `${spec.type ?? 'ClusterIP'} Service is ready`);
  const ingress = status?.loadBalancer?.ingress ?? [];
  if (ingress.length === 0) return progressing(Reason.LoadBalancerPending, 'waiting for the load balancer to get an address');
  return healthy(Reason.Ready, 'load balancer has an address');
}
