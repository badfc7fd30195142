import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import { startComponent, type ComponentRecord } from '../supervise.js';
import type { ControlPlaneTuning } from './control-plane-profile.js';

/** The annotation by which kwok knows the nodes it simulates. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
/** The pod label that makes a simulated pod fail (see kwok/gantry-stages.yaml). */
export const SIMULATE_LABEL = 'gantry.dev/simulate';

const OWN_STAGES = fileURLToPath(new URL('../kwok/gantry-stages.yaml', import.meta.url));
const IMAGE_PULL_STAGES = fileURLToPath(new URL('../kwok/image-pull-stages.yaml', import.meta.url));
/** Written by the image gate (image-gate/) on every pod when images are strict: `ok` or `missing`. */
const IMAGE_CHECKED_OK = { key: '.metadata.annotations["gantry.dev/image-check"]', operator: 'In', values: ['ok'] };

/**
 * Combines kwok's upstream "fast" stages with ours. kwok chooses at random among stages that match, so the
 * upstream pod-ready stage gets one more selector: it must not match a pod labelled to never become ready. With
 * `strictImages`, the stages that start a Pending pod wait for the image gate's `ok`, and a `missing` pod goes to
 * ImagePullBackOff instead (kwok/image-pull-stages.yaml).
 */
export function composeStages(upstreamFile: string, ownFile = OWN_STAGES, strictImages = false): string {
  type Stage = { metadata?: { name?: string }; spec?: { selector?: { matchExpressions?: unknown[] } } };
  const upstream = parseAllDocuments(readFileSync(upstreamFile, 'utf8')).map((d) => d.toJSON() as Stage);
  const podReady = upstream.find((s) => s?.metadata?.name === 'pod-ready');
  if (!podReady?.spec?.selector?.matchExpressions) {
    throw new Error(`kwok: ${upstreamFile} has no pod-ready stage with a selector; the kwok version's stage set changed`);
  }
  podReady.spec.selector.matchExpressions.push({
    key: `.metadata.labels["${SIMULATE_LABEL}"]`,
    operator: 'NotIn',
    values: ['never-ready'],
  });
  if (!strictImages) return [...upstream.map((s) => stringify(s)), readFileSync(ownFile, 'utf8')].join('---\n');
  podReady.spec.selector.matchExpressions.push(IMAGE_CHECKED_OK);
  const own = parseAllDocuments(readFileSync(ownFile, 'utf8')).map((d) => d.toJSON() as Stage);
  for (const stage of own) {
    if (stage?.metadata?.name === 'gantry-pod-never-ready') stage.spec?.selector?.matchExpressions?.push(IMAGE_CHECKED_OK);
  }
  return [...upstream, ...own].map((s) => stringify(s)).concat(readFileSync(IMAGE_PULL_STAGES, 'utf8')).join('---\n');
}

/**
 * kwok v0.8's defaults (pkg/apis/config/v1alpha1/zz_generated.defaults.go, SetObjectDefaults_KwokConfiguration) for
 * the options it needs set once a KwokConfiguration is given.
 */
const KWOK_DEFAULTS = {
  podPlayStageParallelism: 4,
  nodePlayStageParallelism: 4,
  nodeLeaseParallelism: 4,
  podsOnNodeSyncParallelism: 1,
  enablePodsOnNodeSyncListPager: true,
  enablePodsOnNodeSyncStreamWatch: false,
};

/** kwok, managing only the nodes annotated `kwok.x-k8s.io/node=fake`. */
export async function startKwok(
  binary: string,
  upstreamStages: string,
  stateDir: string,
  kubeconfig: string,
  strictImages = false,
  tuning?: ControlPlaneTuning['kwok'],
): Promise<ComponentRecord> {
  const stagesFile = join(stateDir, 'kwok-stages.yaml');
  // kwok reads its own options from the same --config file as the stages, as one more document. Given one, kwok
  // takes its options as they are (unset numbers stay 0, which it refuses), so the ones it needs carry upstream's
  // defaults; the flags below still override the rest.
  const options = tuning
    ? stringify({
        apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
        kind: 'KwokConfiguration',
        options: { ...KWOK_DEFAULTS, ...tuning },
      })
    : undefined;
  writeFileSync(stagesFile, [composeStages(upstreamStages, OWN_STAGES, strictImages), ...(options ? [options] : [])].join('---\n'));
  const port = await freePort();
  return startComponent({
    name: 'kwok',
    command: binary,
    args: [`--kubeconfig=${kubeconfig}`, `--config=${stagesFile}`,
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      '--cidr=10.244.0.0/16', '--node-ip=10.0.0.1', '--node-lease-duration-seconds=40',
      `--server-address=127.0.0.1:${port}`],
    logFile: join(stateDir, 'kwok.log'),
    ports: [port],
    ready: () => httpOk(`http://127.0.0.1:${port}/healthz`),
    readyTimeoutMs: 30_000,
  });
}
