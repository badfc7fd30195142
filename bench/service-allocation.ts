// Benchmark: what creating Services costs at the apiserver, the part of a first deploy that no client-side
// parallelism shortens (bench:mttp's 1,000 Services take 6-9 s of its apply step).
//   npm run bench:services [-- --count 1000 --in-flight 1,4,16,64 --rounds 2 --grow 5 --write]
// On a platform of its own (the default, production-tuned control plane: the EndpointSlice controller reacts to
// each Service as on EKS), through the deploy stage's own adapter (KubeCluster.apply: server-side apply, Strict
// field validation):
//   - `count` Services, then the same number of ConfigMaps for comparison, created with 1, 4, 16 and 64 requests in
//     flight, each run into a namespace of its own that is deleted afterwards, waiting until the apiserver has
//     released every ClusterIP (its IPAddress objects), so every run starts from the same allocator state;
//   - `grow` batches of `count` Services at the adapter's default parallelism into one namespace, kept: the cost of
//     one more Service as the cluster holds more ClusterIPs.
// Per run, from the apiserver's own /metrics (deltas over the run): its CPU seconds, the ClusterIP allocator's
// time (kube_apiserver_clusterip_allocator_allocation_duration_seconds, one allocation per Service, under one lock
// for the whole Service CIDR), and the server time of the requests (apiserver_request_duration_seconds).
import { cpus, loadavg } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeCluster } from '../adapters/kube/index.js';
import type { KubeObject } from '../core/kube/object.js';
import { kubectl } from '../test/platform/connect.js';
import { startPlatform, stateFileOf, stopPlatform } from '../test/platform/platform.js';
import { replaceSection } from './benchmarks-file.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback);
const count = Number(option('--count', '1000'));
const inFlight = option('--in-flight', '1,4,16,64').split(',').map(Number);
const rounds = Number(option('--rounds', '2'));
const grow = Number(option('--grow', '5'));
const write = args.includes('--write');
if (![count, rounds, grow, ...inFlight].every((n) => Number.isInteger(n) && n >= 0) || count === 0)
  throw new Error('bench:services: --count, --in-flight, --rounds and --grow take whole numbers');

const FIELD_MANAGER = 'bench-services';

/** The apiserver's counters this benchmark reads, summed over their label sets. */
interface Counters {
  readonly cpuSeconds: number;
  readonly allocationSeconds: number;
  readonly allocations: number;
  readonly serviceApplySeconds: number;
  readonly ipAddressPostSeconds: number;
}

async function counters(): Promise<Counters> {
  const { stdout } = await kubectl('get', '--raw', '/metrics');
  const sum = (name: string, labels: (line: string) => boolean = () => true) =>
    stdout
      .split('\n')
      .filter((line) => (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && labels(line))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    cpuSeconds: sum('process_cpu_seconds_total'),
    allocationSeconds: sum('kube_apiserver_clusterip_allocator_allocation_duration_seconds_sum'),
    allocations: sum('kube_apiserver_clusterip_allocator_allocation_duration_seconds_count'),
    serviceApplySeconds: sum('apiserver_request_duration_seconds_sum', (l) => l.includes('resource="services"') && l.includes('verb="APPLY"') && l.includes('dry_run=""')),
    ipAddressPostSeconds: sum('apiserver_request_duration_seconds_sum', (l) => l.includes('resource="ipaddresses"') && l.includes('verb="POST"')),
  };
}

function objects(kind: 'Service' | 'ConfigMap', namespace: string, offset: number): KubeObject[] {
  return Array.from({ length: count }, (_, k) => {
    const name = `${kind === 'Service' ? 'svc' : 'config'}-${String(offset + k).padStart(5, '0')}`;
    return kind === 'Service'
      ? { apiVersion: 'v1', kind, metadata: { name, namespace }, spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }
      : { apiVersion: 'v1', kind, metadata: { name, namespace }, data: { LOG_LEVEL: 'info' } };
  });
}

async function ipAddresses(): Promise<number> {
  const { stdout } = await kubectl('get', 'ipaddresses.networking.k8s.io', '--no-headers', '-o', 'name');
  return stdout.split('\n').filter(Boolean).length;
}

/** Deletes the namespace and waits until the apiserver has released its ClusterIPs (back to `baseline`). */
async function deleteNamespace(namespace: string, baseline: number): Promise<void> {
  await kubectl('delete', 'namespace', namespace, '--wait=true', '--timeout=10m');
  const deadline = Date.now() + 10 * 60_000;
  while ((await ipAddresses()) > baseline) {
    if (Date.now() > deadline) throw new Error(`bench:services: the ClusterIPs of ${namespace} were not released within 10 min`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Row {
  readonly what: string;
  readonly inFlight: number;
  readonly existing: number;
  readonly seconds: number;
  readonly delta: Counters;
}

async function create(cluster: KubeCluster, kind: 'Service' | 'ConfigMap', namespace: string, offset: number, existing: number, what: string, parallelism: number): Promise<Row> {
  const before = await counters();
  const started = performance.now();
  const results = await cluster.apply(objects(kind, namespace, offset), { fieldManager: FIELD_MANAGER, force: true });
  const seconds = (performance.now() - started) / 1000;
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.length > 0) throw new Error(`bench:services: ${failed.length} of ${count} ${kind}s failed: ${failed[0]!.outcome === 'failed' ? failed[0]!.error.message : ''}`);
  const after = await counters();
  const delta = Object.fromEntries(Object.keys(after).map((k) => [k, after[k as keyof Counters] - before[k as keyof Counters]])) as unknown as Counters;
  const row = { what, inFlight: parallelism, existing, seconds, delta };
  process.stderr.write(`${what}, ${parallelism} in flight, ${existing} ClusterIPs before: ${seconds.toFixed(2)} s\n`);
  return row;
}

async function main(): Promise<void> {
  const platform = await startPlatform({ parts: ['kubernetes'], ownerPid: process.pid, log: (line) => process.stderr.write(`[platform] ${line}\n`) });
  process.env.GANTRY_PLATFORM_STATE = stateFileOf(platform.stateDir);
  const kc = new KubeConfig();
  kc.loadFromFile(platform.kubernetes!.kubeconfig);
  const rows: Row[] = [];
  const load = [loadavg()[0]!];
  try {
    const baseline = await ipAddresses();
    let run = 0;
    for (let round = 0; round < rounds; round += 1) {
      for (const parallelism of inFlight) {
        for (const kind of ['Service', 'ConfigMap'] as const) {
          const cluster = new KubeCluster(kc, { concurrency: parallelism });
          const namespace = `bench-services-${(run += 1)}`;
          await kubectl('create', 'namespace', namespace);
          rows.push(await create(cluster, kind, namespace, 0, baseline, `${count} ${kind}s`, parallelism));
          cluster.close();
          await deleteNamespace(namespace, baseline);
        }
      }
    }
    if (grow > 0) {
      const cluster = new KubeCluster(kc);
      const namespace = 'bench-services-grow';
      await kubectl('create', 'namespace', namespace);
      for (let batch = 0; batch < grow; batch += 1)
        rows.push(await create(cluster, 'Service', namespace, batch * count, baseline + batch * count, `${count} more Services`, 64));
      cluster.close();
    }
    load.push(loadavg()[0]!);
  } finally {
    await stopPlatform(platform);
  }
  report(rows, load);
}

function report(rows: readonly Row[], load: readonly number[]): void {
  const shown = args.filter((a) => a !== '--write');
  const ms = (seconds: number, n: number) => `${((seconds / n) * 1000).toFixed(2)} ms`;
  const lines = [
    `Command: \`npm run bench:services${shown.length ? ` -- ${shown.join(' ')}` : ''}\` on ${cpus().length} cores, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average (1 min) ${load.map((l) => l.toFixed(1)).join(' at start, ')} at the end. A platform of its own (Kubernetes only, the production-tuned control plane); the deploy stage's adapter (KubeCluster.apply, server-side apply with Strict field validation) creates the objects. Each row but the last ones is a namespace of its own, deleted afterwards, and the next run waits until the apiserver has released its ClusterIPs; the "more Services" rows add to one namespace, so each starts with the ClusterIPs of the rows before it. The apiserver's figures are deltas of its own /metrics over the run.`,
    '',
    '| objects | in flight | ClusterIPs before | wall | per object | apiserver CPU | ClusterIP allocation, per Service (under one lock) | server time per Service apply (waiting for the lock included) | of which the IPAddress create |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const services = r.delta.allocations;
      return `| ${r.what} | ${r.inFlight} | ${r.existing} | ${r.seconds.toFixed(2)} s | ${ms(r.seconds, count)} | ${r.delta.cpuSeconds.toFixed(1)} s | ${services > 0 ? ms(r.delta.allocationSeconds, services) : '—'} | ${services > 0 ? ms(r.delta.serviceApplySeconds, count) : '—'} | ${services > 0 ? ms(r.delta.ipAddressPostSeconds, services) : '—'} |`;
    }),
  ];
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  if (write) replaceSection('Creating Services: the apiserver\'s ClusterIP allocation', text);
}

await main();
