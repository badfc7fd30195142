// Canary step overhead and the failed gate → route on stable, through worker/stages/canary/walk-canary.ts with the
// Gateway API router on the local platform (kwok pods, the platform's Gateway controller stand-in).
//   npm run bench:canary [-- --runs 5 --platform-file FILE --write]
// Step overhead: the time from one step's weights Accepted to the next step's Accepted, minus the step's pause
// (goal ≤ 500 ms): the check at the end of the pause, the record, the route change and its acceptance.
// Failed gate → stable: from the abort decision being recorded to the route Accepted at 100/0 (goal ≤ 1 s), which
// includes confirming stable Available.
import { cpus, loadavg } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeCluster } from '../adapters/kube/index.js';
import { GatewayApiRouter } from '../adapters/traffic/gateway-api-router.js';
import { canaryObjects } from '../core/canary/canary-objects.js';
import type { AppCanary } from '../core/config/app-workload.js';
import type { KubeObject } from '../core/kube/object.js';
import type { RouteWeights, TrafficRouter } from '../core/ports/traffic-router.js';
import { walkCanary } from '../worker/stages/canary/walk-canary.js';
import { startPlatform, stopPlatform } from '../test/platform/platform.js';
import { readState } from '../test/platform/state.js';
import { replaceSection } from './benchmarks-file.js';
import { median, quantile } from './measure.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(option('--runs') ?? 5);
const platformFile = option('--platform-file');
const write = args.includes('--write');
const PAUSE_MS = 1_000;
const FIELD_MANAGER = 'gantry-bench';
const GATEWAY_API = 'gateway.networking.k8s.io/v1';

const platform = platformFile ? undefined : await startPlatform({ parts: ['kubernetes'], ownerPid: process.pid });
const kubeconfig = (platform ?? readState(platformFile ?? '')).kubernetes?.kubeconfig;
if (!kubeconfig) throw new Error('no kubernetes in the platform');
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const cluster = new KubeCluster(kc);
const namespace = `bench-canary-${Date.now().toString(36)}`;
const load = loadavg()[0]?.toFixed(1) ?? '?';

const canary: AppCanary = {
  steps: [
    { weight: 10, pause: PAUSE_MS },
    { weight: 30, pause: PAUSE_MS },
    { weight: 60, pause: PAUSE_MS },
  ],
  interval: PAUSE_MS,
  analysis: { minSuccessRate: 99, maxLatencyP99: 500, maxFailedChecks: 0 },
};

async function applyOrThrow(objects: KubeObject[], fieldManager = FIELD_MANAGER): Promise<void> {
  for (const result of await cluster.apply(objects, { fieldManager }))
    if (result.outcome === 'failed') throw result.error;
}

function app(name: string, image: string): { deployment: KubeObject; service: KubeObject } {
  return {
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels: { app: name } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } },
      },
    },
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    },
  };
}

/** The router, timing when each change of weights was Accepted. */
function timed(router: TrafficRouter, accepted: { weights: RouteWeights; at: number }[]): TrafficRouter {
  return {
    provider: router.provider,
    check: (route, options) => router.check(route, options),
    readWeights: (route, options) => router.readWeights(route, options),
    cleanUp: (route, options) => router.cleanUp(route, options),
    setWeights: async (route, weights, options) => {
      await router.setWeights(route, weights, options);
      accepted.push({ weights, at: performance.now() });
    },
  };
}

const stepOverheads: number[] = [];
const toStable: number[] = [];
try {
  await cluster.ensureNamespace(namespace, {}, { fieldManager: FIELD_MANAGER });
  await applyOrThrow([
    {
      apiVersion: GATEWAY_API,
      kind: 'Gateway',
      metadata: { name: 'shop-gateway', namespace },
      spec: { gatewayClassName: 'local', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    },
  ]);
  const router = new GatewayApiRouter(cluster, { gateway: { name: 'shop-gateway', namespace } });
  for (let run = 0; run < runs; run += 1) {
    for (const failing of [false, true]) {
      const name = `${failing ? 'fail' : 'ok'}-${run}`;
      const stable = app(name, 'registry.local/web:1.0.0');
      await applyOrThrow([stable.deployment, stable.service]);
      const next = app(name, 'registry.local/web:2.0.0');
      const objects = canaryObjects(name, next.deployment, stable.service, 2);
      const accepted: { weights: RouteWeights; at: number }[] = [];
      let abortedAt: number | undefined;
      let broken = false;
      const outcome = await walkCanary(
        { app: name, canary, objects, release: next.deployment },
        undefined,
        {
          cluster,
          router: timed(router, accepted),
          fieldManager: FIELD_MANAGER,
          availableTimeoutMs: 60_000,
          record: async (progress) => {
            if (progress.phase === 'aborting' && abortedAt === undefined) abortedAt = performance.now();
            // The fault: the canary's pods replaced by never-ready ones once the second step is on the route.
            if (failing && progress.step === 1 && !broken) {
              broken = true;
              await applyOrThrow(
                [
                  {
                    apiVersion: 'apps/v1',
                    kind: 'Deployment',
                    metadata: { name: objects.deployment.metadata.name, namespace },
                    spec: { template: { metadata: { labels: { 'gantry.dev/simulate': 'never-ready' } } } },
                  },
                ],
                'fault-injection',
              );
            }
          },
        },
        new AbortController().signal,
      );
      if (failing) {
        const back = accepted.find((a) => a.weights.canary === 0);
        if (outcome.kind !== 'aborted' || abortedAt === undefined || !back) throw new Error(`${name}: did not abort`);
        toStable.push(back.at - abortedAt);
      } else {
        if (outcome.kind !== 'promoted') throw new Error(`${name}: not promoted`);
        for (let i = 1; i < 3; i += 1) stepOverheads.push(accepted[i]!.at - accepted[i - 1]!.at - PAUSE_MS);
      }
      process.stderr.write(`run ${run + 1}${failing ? ' (failing)' : ''}: ${outcome.kind}\n`);
    }
  }
} finally {
  await cluster.delete({ group: '', version: 'v1', kind: 'Namespace', name: namespace }).catch(() => undefined);
  cluster.close();
  if (platform) await stopPlatform(platform);
}

const ms = (x: number) => `${Math.round(x)} ms`;
const report = [
  `Command: \`npm run bench:canary${runs === 5 ? '' : ` -- --runs ${runs}`}${platformFile ? ' -- --platform-file <a running platform with the Gateway API CRDs>' : ''}\` on ${cpus().length} cores (load average ${load} at the start), ${new Date().toISOString().slice(0, 10)}. walkCanary with the Gateway API router on the local platform (kwok pods, the Gateway controller stand-in marking routes Accepted), 3 steps of ${PAUSE_MS} ms pause, one check per step; readiness gate (no metrics source).`,
  '',
  '| measure | runs | p50 | p90 | max | goal |',
  '|---|---|---|---|---|---|',
  `| step overhead beyond the pause (check, record, route change, Accepted) | ${stepOverheads.length} | ${ms(median(stepOverheads))} | ${ms(quantile(stepOverheads, 0.9))} | ${ms(Math.max(...stepOverheads))} | ≤ 500 ms |`,
  `| failed gate → route Accepted at 100/0 on stable (stable confirmed Available first) | ${toStable.length} | ${ms(median(toStable))} | ${ms(quantile(toStable, 0.9))} | ${ms(Math.max(...toStable))} | ≤ 1 s |`,
].join('\n');
process.stdout.write(`${report}\n`);
if (write) replaceSection('Canary: step overhead and failed gate to stable', report);
