import type { EnvConfig } from '../config/env-config.js';

/** What selecting environments needs to know about each one. */
export type EnvSelector = Pick<EnvConfig, 'name' | 'branch' | 'namespace'> & {
  readonly preview: Pick<EnvConfig['preview'], 'enabled' | 'namespacePrefix' | 'forkLabel'>;
};

/**
 * The environments that follow `branch`, in name order so that every caller enqueues and reports them alike.
 * Several environments may follow one branch (dev and staging both on `main`).
 */
export function environmentsFollowing<E extends Pick<EnvConfig, 'name' | 'branch'>>(branch: string, environments: readonly E[]): E[] {
  return environments.filter((env) => env.branch === branch).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The environments where a pull request into `baseBranch` gets its own preview namespace. */
export function previewEnvironments<E extends EnvSelector>(baseBranch: string, environments: readonly E[]): E[] {
  return environmentsFollowing(baseBranch, environments).filter((env) => env.preview.enabled);
}

/**
 * The namespace of pull request `number`'s preview of `env`: the environment's prefix plus the number
 * (`shop-staging-pr-42`). env.yaml caps the prefix at 53 characters, so this always fits a namespace's 63.
 */
export function previewNamespace(env: { readonly preview: Pick<EnvConfig['preview'], 'namespacePrefix'> }, number: number): string {
  return `${env.preview.namespacePrefix}${number}`;
}
