// Child process of bench/diff-apply.ts: our side, the deploy stage's own path from rendered objects to a cluster
// that matches them, as a worker runs it (worker/stages/deploy-environment.ts steps 4, 5 and 7):
//   server-side dry-run of every object (validateObjects → KubeCluster.dryRunApply)
//   → ChangeSet: live objects (one list per kind) against the dry-run answers, previous inventory from the release
//     store (computeDiff → core/diff)
//   → server-side apply of the created and configured objects only, stage by stage, KubeCluster's default requests in flight (KubeCluster.apply).
// It reads the same YAML files kubectl reads. The parent bundles it to plain JavaScript first (no TypeScript loader in
// the process) and runs it under GNU time for its peak memory.
//   node diff-apply-side.mjs <kubeconfig> <manifest dir> <namespace>
// Prints one JSON line: phase timings (ms) and the ChangeSet's counts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { envConfigSchema } from '../core/config/env-config.js';
import { applyStages as stagesToApply, countActions } from '../core/diff/change-set.js';
import type { KubeObject } from '../core/kube/object.js';
import { KubeCluster } from '../adapters/kube/cluster.js';
import { KubeReleaseStore } from '../adapters/kube/release-store.js';
import { inventoryToPrune } from '../core/release/release-history.js';
import { applyStages } from '../worker/stages/deploy/apply-changes.js';
import { computeDiff, prepareForApply } from '../worker/stages/deploy/compute-diff.js';
import { validateObjects } from '../worker/stages/deploy/validate-objects.js';

/** What one run of our side reports. */
export interface SideResult {
  readonly ms: {
    readonly read: number;
    readonly validate: number;
    readonly diff: number;
    readonly apply: number;
    readonly total: number;
  };
  readonly counts: Record<string, number>;
  readonly applied: number;
}

const FIELD_MANAGER = 'gantry';
const [kubeconfig, dir, namespace] = process.argv.slice(2);
if (!kubeconfig || !dir || !namespace)
  throw new Error('usage: diff-apply-side <kubeconfig> <manifest dir> <namespace>');

const t0 = performance.now();
const lap = (() => {
  let last = t0;
  return () => {
    const now = performance.now();
    const ms = now - last;
    last = now;
    return ms;
  };
})();

const rendered: KubeObject[] = readdirSync(dir)
  .filter((file) => file.endsWith('.yaml'))
  .sort()
  .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS() as KubeObject));
const objects = prepareForApply(rendered);
const read = lap();

const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const cluster = new KubeCluster(kc);
const signal = new AbortController().signal;
const env = envConfigSchema.parse({ name: 'bench', branch: 'main', cluster: { name: 'local' }, namespace });
try {
  const validation = await validateObjects(objects, cluster, { fieldManager: FIELD_MANAGER, mode: 'apply', signal });
  const validate = lap();
  const store = new KubeReleaseStore(cluster, { environment: env.name, namespace });
  const changeSet = await computeDiff({
    desired: objects,
    validation,
    env,
    previousInventory: inventoryToPrune(await store.list({ signal })),
    cluster,
    secretSalt: 'bench',
    signal,
  });
  const diff = lap();
  const stages = stagesToApply(changeSet, objects);
  await applyStages(stages, 0, cluster, { fieldManager: FIELD_MANAGER, signal }, async () => undefined);
  const apply = lap();
  const result: SideResult = {
    ms: { read, validate, diff, apply, total: performance.now() - t0 },
    counts: countActions(changeSet),
    applied: stages.reduce((n, stage) => n + stage.items.length, 0),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  cluster.close();
}
