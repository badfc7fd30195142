import type { EnvConfig } from '../../../core/config/env-config.js';
import type { ReleaseStore } from '../../../core/ports/release-store.js';

/**
 * The release stores of one deploy run, each listing its history once until the run writes to it. A deploy lists
 * an environment's history at validation (the prune candidates), to see whether it repeats the current release and
 * when it records its own: three reads of every release Secret, manifests and all, with nobody else writing in
 * between (an environment deploys one request at a time; the run's own writes drop what it listed).
 */
export function listOncePerRun(releaseStore: (env: EnvConfig) => ReleaseStore): (env: EnvConfig) => ReleaseStore {
  const stores = new Map<string, ReleaseStore>();
  return (env) => {
    const key = `${env.namespace}/${env.name}`;
    let store = stores.get(key);
    if (store === undefined) {
      store = listingOnce(releaseStore(env));
      stores.set(key, store);
    }
    return store;
  };
}

function listingOnce(store: ReleaseStore): ReleaseStore {
  let listed: Promise<readonly Release[]> | undefined;
  const written = <T>(write: Promise<T>): Promise<T> => {
    listed = undefined;
    return write.finally(() => (listed = undefined));
  };
  return {
    list(options) {
      const listing = (listed ??= store.list(options));
      listing.catch(() => {
        if (listed === listing) listed = undefined;
      });
      return listing;
    },
    record: (draft, manifests, options) => written(store.record(draft, manifests, options)),
    update: (revision, update, options) => written(store.update(revision, update, options)),
    prune: (keep, options) => written(store.prune(keep, options)),
    get: (revision, options) => store.get(revision, options),
    lastGood: (options) => store.lastGood(options),
  };
}

type Release = Awaited<ReturnType<ReleaseStore['list']>>[number];
