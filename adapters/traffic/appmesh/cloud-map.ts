// AWS Cloud Map for App Mesh virtual nodes: one Cloud Map service per version (named like its Kubernetes Service)
// in the environment's namespace, whose instances are the version's ready pods. App Mesh's controller registers
// pod IPs itself on EKS; the router keeps them in step with the versions it routes, so a version's instances exist
// before it takes traffic and are gone once it is removed.
import {
  CreateServiceCommand,
  DeregisterInstanceCommand,
  paginateListInstances,
  paginateListNamespaces,
  paginateListServices,
  RegisterInstanceCommand,
  type ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import { createHash } from 'node:crypto';
import { DeployError } from '../../../core/deploy-error.js';
import { Reason } from '../../../core/reasons.js';

/** One pod as Cloud Map lists it: `InstanceId` is the pod name. */
export interface MeshInstance {
  readonly id: string;
  readonly ipv4: string;
  readonly port: number;
}

export class CloudMapRegistry {
  constructor(
    private readonly client: ServiceDiscoveryClient,
    /** The Cloud Map namespace's name (an HTTP or private DNS namespace), from env.yaml. */
    readonly namespaceName: string,
  ) {}

  /** The namespace's id, or undefined when it does not exist. */
  async namespaceId(signal?: AbortSignal): Promise<string | undefined> {
    return this.call('find the namespace', async () => {
      for await (const page of paginateListNamespaces({ client: this.client }, {}, { abortSignal: signal }))
        for (const ns of page.Namespaces ?? []) if (ns.Name === this.namespaceName && ns.Id) return ns.Id;
      return undefined;
    });
  }

  /** Registers exactly `instances` under the service `name` (created when missing): new pods in, gone pods out. */
  async sync(name: string, instances: readonly MeshInstance[], signal?: AbortSignal): Promise<void> {
    const serviceId = await this.ensureService(name, signal);
    const present = await this.instanceIds(serviceId, signal);
    const wanted = new Set(instances.map((i) => i.id));
    await this.call(`register the instances of ${name}`, () =>
      Promise.all([
        ...instances
          .filter((i) => !present.has(i.id))
          .map((i) =>
            this.client.send(
              new RegisterInstanceCommand({
                ServiceId: serviceId,
                InstanceId: i.id,
                Attributes: { AWS_INSTANCE_IPV4: i.ipv4, AWS_INSTANCE_PORT: String(i.port) },
              }),
              { abortSignal: signal },
            ),
          ),
        ...[...present]
          .filter((id) => !wanted.has(id))
          .map((id) =>
            this.client.send(new DeregisterInstanceCommand({ ServiceId: serviceId, InstanceId: id }), {
              abortSignal: signal,
            }),
          ),
      ]),
    );
  }

  /** The pod names registered under the service `name`; empty when the service does not exist. */
  async instances(name: string, signal?: AbortSignal): Promise<string[]> {
    const serviceId = await this.serviceId(name, signal);
    return serviceId ? [...(await this.instanceIds(serviceId, signal))].sort() : [];
  }

  /** Deregisters every instance of the service `name` (the service itself stays, empty, for the next canary). */
  async clear(name: string, signal?: AbortSignal): Promise<void> {
    const serviceId = await this.serviceId(name, signal);
    if (serviceId) await this.deregisterAll(serviceId, name, signal);
  }

  private async deregisterAll(serviceId: string, name: string, signal?: AbortSignal): Promise<void> {
    const present = await this.instanceIds(serviceId, signal);
    await this.call(`deregister the instances of ${name}`, () =>
      Promise.all(
        [...present].map((id) =>
          this.client.send(new DeregisterInstanceCommand({ ServiceId: serviceId, InstanceId: id }), {
            abortSignal: signal,
          }),
        ),
      ),
    );
  }

  private async serviceId(name: string, signal?: AbortSignal): Promise<string | undefined> {
    const namespaceId = await this.requireNamespace(signal);
    return this.call(`find the service ${name}`, async () => {
      const filter = { Name: 'NAMESPACE_ID' as const, Values: [namespaceId], Condition: 'EQ' as const };
      for await (const page of paginateListServices({ client: this.client }, { Filters: [filter] }, { abortSignal: signal }))
        for (const s of page.Services ?? []) if (s.Name === name && s.Id) return s.Id;
      return undefined;
    });
  }

  private async ensureService(name: string, signal?: AbortSignal): Promise<string> {
    const existing = await this.serviceId(name, signal);
    if (existing) return existing;
    const namespaceId = await this.requireNamespace(signal);
    const created = await this.call(`create the service ${name}`, () =>
      this.client.send(
        new CreateServiceCommand({
          Name: name,
          NamespaceId: namespaceId,
          // Idempotent: two routers creating the same service at once get one. At most 64 characters.
          CreatorRequestId: `gantry-${createHash('sha256').update(`${namespaceId}/${name}`).digest('hex').slice(0, 40)}`,
        }),
        { abortSignal: signal },
      ),
    );
    if (!created.Service?.Id) throw this.error(`create the service ${name}`, 'the answer has no service id');
    return created.Service.Id;
  }

  private async instanceIds(serviceId: string, signal?: AbortSignal): Promise<Set<string>> {
    return this.call('list the instances', async () => {
      const ids = new Set<string>();
      for await (const page of paginateListInstances({ client: this.client }, { ServiceId: serviceId }, { abortSignal: signal }))
        for (const i of page.Instances ?? []) if (i.Id) ids.add(i.Id);
      return ids;
    });
  }

  private async requireNamespace(signal?: AbortSignal): Promise<string> {
    const id = await this.namespaceId(signal);
    if (!id)
      throw new DeployError(
        Reason.InvalidConfig,
        `Cloud Map namespace ${this.namespaceName} (env.yaml traffic.discovery.namespace) does not exist: create it (an HTTP or private DNS namespace) before a canary uses it`,
      );
    return id;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof DeployError) throw error;
      throw this.error(what, error instanceof Error ? error.message : String(error), error);
    }
  }

  private error(what: string, problem: string, cause?: unknown): DeployError {
    return new DeployError(Reason.ApiServerError, `Cloud Map (namespace ${this.namespaceName}): could not ${what}: ${problem}`, { cause });
  }
}
