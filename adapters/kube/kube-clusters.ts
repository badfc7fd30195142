// One worker (or one CLI command) serving environments on several clusters: a KubeCluster per kubeconfig context,
// built on first use and reused, chosen by what env.yaml's `cluster` names.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { EnvConfig } from '../../core/config/env-config.js';
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';
import { KubeCluster, type KubeClusterOptions } from './cluster.js';
import { loadKubeConfig } from './load-kubeconfig.js';

/** What env.yaml says about where an environment runs (core/config/env-config.ts). */
export type ClusterTarget = EnvConfig['cluster'];

/**
 * The clusters one kubeconfig reaches, a {@link KubeCluster} per context, each built once and reused by every
 * environment that names the context. `close()` closes them all.
 */
export class KubeClusters {
  private readonly byContext = new Map<string, KubeCluster>();

  /**
   * @param kc the loaded kubeconfig (all its contexts, whichever is current)
   * @param source how the kubeconfig was found (its file), for messages
   */
  constructor(
    private readonly kc: KubeConfig,
    readonly source: string,
    private readonly options: KubeClusterOptions = {},
  ) {}

  /**
   * Loads the kubeconfig file `path` (the caller's flag or KUBECONFIG), else ~/.kube/config, else the in-cluster
   * service account ({@link loadKubeConfig}).
   *
   * @throws KubeconfigNotFoundError when nothing is found; an Error naming `path` when it cannot be read
   */
  static load(path: string | undefined, options: KubeClusterOptions = {}): KubeClusters {
    const kc = loadKubeConfig(path);
    const home = join(process.env['HOME'] ?? homedir(), '.kube', 'config');
    const source = path ?? (existsSync(home) ? home : 'of the in-cluster service account');
    return new KubeClusters(kc, source, options);
  }

  /**
   * The cluster `target` names: its `context`, or the kubeconfig's current context when it has none (env.yaml
   * leaves it out only for cluster `local`).
   *
   * @throws DeployError (InvalidConfig, terminal) naming the context and the kubeconfig when it has no such
   *   context (or no current one), so nothing is sent to any cluster
   */
  forCluster(target: ClusterTarget): KubeCluster {
    const context = target.context ?? this.currentContext(target);
    let cluster = this.byContext.get(context);
    if (cluster === undefined) {
      cluster = new KubeCluster(this.configFor(context, target), this.options);
      this.byContext.set(context, cluster);
    }
    return cluster;
  }

  /** The context names the kubeconfig holds. */
  get contexts(): string[] {
    return this.kc.getContexts().map((context) => context.name);
  }

  /** Closes every cluster's connection pool. */
  close(): void {
    for (const cluster of this.byContext.values()) cluster.close();
    this.byContext.clear();
  }

  private currentContext(target: ClusterTarget): string {
    const current = this.kc.getCurrentContext();
    if (current && this.kc.getContextObject(current)) return current;
    throw new DeployError(
      Reason.InvalidConfig,
      `kubeconfig ${this.source} has no current context, and cluster "${target.name}" without a context means the current one; set cluster.context in env.yaml or pick a current context (kubectl config use-context)`,
    );
  }

  private configFor(context: string, target: ClusterTarget): KubeConfig {
    const found = this.kc.getContextObject(context);
    if (!found) {
      const known = this.contexts;
      throw new DeployError(
        Reason.InvalidConfig,
        `context "${context}" (cluster ${target.name}) is not in the kubeconfig ${this.source}, which has ${known.length === 0 ? 'no contexts' : known.map((name) => `"${name}"`).join(', ')}. ` +
          `Nothing was sent to any cluster. Add the context (for EKS: aws eks update-kubeconfig --name ${target.name} --alias ${context}) or set cluster.context in env.yaml to one of those`,
      );
    }
    const copy = new KubeConfig();
    copy.loadFromOptions({
      clusters: this.kc.getClusters(),
      users: this.kc.getUsers(),
      contexts: this.kc.getContexts(),
      currentContext: context,
    });
    if (!copy.getCurrentCluster())
      throw new DeployError(
        Reason.InvalidConfig,
        `context "${context}" in the kubeconfig ${this.source} names cluster "${found.cluster}", which the kubeconfig does not define`,
      );
    return copy;
  }
}
