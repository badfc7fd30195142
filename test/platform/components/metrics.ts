import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import { startComponent, type ComponentRecord } from '../supervise.js';
import { requireCommand } from '../tools.js';

export interface MetricsEndpoint {
  /** Prometheus's HTTP API base, what an env.yaml's `analysis.prometheus.url` names. */
  readonly prometheusUrl: string;
  /** Where tests push the series the canary gate reads (`/metrics/job/<job>/...`). */
  readonly pushgatewayUrl: string;
}

/** Scrape often, so a pushed series is queryable within about a second; the pipeline itself never waits on it. */
const SCRAPE_INTERVAL = '1s';

/**
 * Debian's Prometheus and Pushgateway on loopback ports of their own. The pushgateway stands in for the apps'
 * pods (the local platform's pods are simulated and serve nothing): tests push the request series an app would
 * expose, and Prometheus scrapes the pushgateway with `honor_labels`, so the pushed `app`, `namespace` and
 * `version` labels are the ones queries see, as they would be from a pod's own scrape.
 */
export async function startMetrics(
  stateDir: string,
): Promise<{ records: ComponentRecord[]; endpoint: MetricsEndpoint }> {
  const [prometheus, pushgateway] = await Promise.all([
    requireCommand('prometheus', 'apt-get install prometheus'),
    requireCommand('prometheus-pushgateway', 'apt-get install prometheus-pushgateway'),
  ]);
  const [gatewayPort, prometheusPort] = await Promise.all([freePort(), freePort()]);
  const pushgatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
  const gateway = await startComponent({
    name: 'pushgateway',
    command: pushgateway,
    args: [`--web.listen-address=127.0.0.1:${gatewayPort}`, '--log.level=warn'],
    logFile: join(stateDir, 'pushgateway.log'),
    ports: [gatewayPort],
    ready: () => httpOk(`${pushgatewayUrl}/-/ready`),
    readyTimeoutMs: 15_000,
  });
  const dir = join(stateDir, 'prometheus');
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${SCRAPE_INTERVAL}`,
      `  evaluation_interval: ${SCRAPE_INTERVAL}`,
      'scrape_configs:',
      '  - job_name: pushgateway',
      '    honor_labels: true',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${gatewayPort}']`,
      '',
    ].join('\n'),
  );
  const server = await startComponent({
    name: 'prometheus',
    command: prometheus,
    args: [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
      '--storage.tsdb.retention.time=2h',
      '--log.level=warn',
    ],
    logFile: join(stateDir, 'prometheus.log'),
    ports: [prometheusPort],
    ready: () => httpOk(`${prometheusUrl}/-/ready`),
    readyTimeoutMs: 30_000,
  });
  return { records: [gateway, server], endpoint: { prometheusUrl, pushgatewayUrl } };
}
