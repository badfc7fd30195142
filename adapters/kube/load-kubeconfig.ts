import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** Where an in-cluster pod finds its service account token (client-node's in-cluster lookup reads the same file). */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** No kubeconfig was given and none was found where the default lookup looks; the message lists those places. */
export class KubeconfigNotFoundError extends Error {
  override readonly name = 'KubeconfigNotFoundError';
}

/**
 * The kubeconfig at `path`, else the default lookup: `~/.kube/config`, then the in-cluster service account.
 *
 * client-node's own default lookup ends, when it finds nothing, in a made-up `http://localhost:8080` cluster, so a
 * user without a kubeconfig was told "HTTP protocol is not allowed when skipTLSVerify is not set" on the first
 * request. This fails first instead, naming each place it looked.
 *
 * @param path a kubeconfig file (the caller's flag or `KUBECONFIG`)
 * @param env where `HOME` and `KUBERNETES_SERVICE_HOST` are read
 * @throws KubeconfigNotFoundError when `path` is undefined and the default lookup finds nothing; an Error naming
 *   `path` when it cannot be read or parsed
 */
export function loadKubeConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  if (path !== undefined) {
    try {
      kc.loadFromFile(path);
    } catch (error) {
      throw new Error(`kubeconfig ${path} could not be read`, { cause: error });
    }
    return kc;
  }
  const home = join(env['HOME'] ?? homedir(), '.kube', 'config');
  if (existsSync(home)) kc.loadFromFile(home);
  else if (env['KUBERNETES_SERVICE_HOST'] !== undefined && existsSync(SERVICE_ACCOUNT_TOKEN)) kc.loadFromCluster();
  else
    throw new KubeconfigNotFoundError(
      `no kubeconfig found: KUBECONFIG is not set, ${home} does not exist, and this is not a pod in a cluster ` +
        `(no KUBERNETES_SERVICE_HOST and ${SERVICE_ACCOUNT_TOKEN}); pass --kubeconfig FILE or set KUBECONFIG`,
    );
  return kc;
}
