// The Prometheus analysis provider against the platform's real Prometheus: the test pushes the series an app
// exposes (apps/README.md, "Metrics") to the pushgateway, waits until Prometheus has scraped them, and checks the
// provider's figures.
import type { AnalysisTarget } from '../../../core/ports/canary-analysis.js';
import { DeployError } from '../../../core/deploy-error.js';
import { Reason } from '../../../core/reasons.js';
import { PrometheusAnalysis } from '../../../adapters/metrics/index.js';
import { need, uniqueName } from '../../platform/connect.js';
import { freePort } from '../../platform/ports.js';

const MINUTE = 60_000;

interface Traffic {
  /** Responses per status code. */
  readonly codes: Readonly<Record<string, number>>;
  /** Cumulative counts per `le` bucket (seconds), ending with `+Inf`. */
  readonly buckets: Readonly<Record<string, number>>;
}

const NONE: Traffic = { codes: { 200: 0, 500: 0 }, buckets: { '0.05': 0, '0.1': 0, '0.25': 0, '+Inf': 0 } };

type Labels = Pick<AnalysisTarget, 'app' | 'namespace' | 'version'>;

/** Replaces the pushgateway group of one app version with these cumulative counters, as its pods would expose. */
async function push(target: Labels, traffic: Traffic): Promise<void> {
  const labels = `app="${target.app}",namespace="${target.namespace}",version="${target.version}"`;
  const total = traffic.buckets['+Inf'] ?? 0;
  const lines = [
    '# TYPE http_requests_total counter',
    ...Object.entries(traffic.codes).map(([code, n]) => `http_requests_total{${labels},code="${code}"} ${n}`),
    '# TYPE http_request_duration_seconds histogram',
    ...Object.entries(traffic.buckets).map(([le, n]) => `http_request_duration_seconds_bucket{${labels},le="${le}"} ${n}`),
    `http_request_duration_seconds_sum{${labels}} ${total * 0.05}`,
    `http_request_duration_seconds_count{${labels}} ${total}`,
    '',
  ];
  const group = `${need('metrics').pushgatewayUrl}/metrics/job/gantry-test/instance/${target.app}-${target.version}`;
  const response = await fetch(group, { method: 'PUT', body: lines.join('\n') });
  if (!response.ok) throw new Error(`pushgateway ${response.status}: ${await response.text()}`);
}

async function query(promql: string): Promise<number[]> {
  const url = `${need('metrics').prometheusUrl}/api/v1/query?${new URLSearchParams({ query: promql })}`;
  const body = (await (await fetch(url)).json()) as { data: { result: { value: [number, string] }[] } };
  return body.data.result.map((r) => Number(r.value[1]));
}

/** Polls Prometheus until `promql` answers a value `ok` accepts. */
async function waitForQuery(promql: string, ok: (values: number[]) => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (ok(await query(promql))) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${promql}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Pushes no traffic, waits until Prometheus has it, pushes `traffic`, and waits until Prometheus has scraped that
 * at least three times: the window then holds the whole increase and enough samples that Prometheus's
 * extrapolation to the window's end stays within about a third of it.
 */
async function serve(target: Labels, traffic: Traffic): Promise<void> {
  const selector = `app="${target.app}",version="${target.version}",le="+Inf"`;
  await push(target, NONE);
  await waitForQuery(`http_request_duration_seconds_bucket{${selector}}`, (v) => v.length === 1 && v[0] === 0);
  await push(target, traffic);
  const total = traffic.buckets['+Inf'];
  await waitForQuery(
    `count_over_time((http_request_duration_seconds_bucket{${selector}} == ${total})[1m:1s]) >= 3`,
    (v) => v.length === 1,
  );
}

describe('PrometheusAnalysis against the platform Prometheus', () => {
  const namespace = 'shop-staging';
  let analysis: PrometheusAnalysis;
  beforeAll(() => {
    analysis = new PrometheusAnalysis({ url: need('metrics').prometheusUrl });
  });

  it("measures the canary version's requests, success rate and p99, not the stable version's", async () => {
    const app = uniqueName('storefront');
    const canary = { app, namespace, version: 'canary-1' };
    // 100 requests, 5 of them 500s; 90 under 50 ms, 8 more under 100 ms, the last 2 under 250 ms: the 99th
    // percentile is the 99th request, halfway through the (100 ms, 250 ms] bucket: 175 ms.
    await serve(canary, {
      codes: { 200: 95, 500: 5 },
      buckets: { '0.05': 90, '0.1': 98, '0.25': 100, '+Inf': 100 },
    });
    // The stable version, all fast and all good, must not leak into the canary's figures.
    await serve({ app, namespace, version: 'stable-1' }, {
      codes: { 200: 1000, 500: 0 },
      buckets: { '0.05': 1000, '0.1': 1000, '0.25': 1000, '+Inf': 1000 },
    });

    const sample = await analysis.measure({ ...canary, windowMs: 5 * MINUTE });

    expect(sample.successRate).toBeCloseTo(95, 6);
    expect(sample.latencyP99Ms).toBeCloseTo(175, 6);
    // increase() extrapolates to the window's end: the count is the 100 pushed, plus at most a third.
    expect(sample.requests).toBeGreaterThanOrEqual(100);
    expect(sample.requests).toBeLessThanOrEqual(140);
  });

  it('reports a success rate of 0 when every request failed', async () => {
    const target = { app: uniqueName('catalog'), namespace, version: 'canary-2' };
    await serve(target, { codes: { 500: 20 }, buckets: { '0.05': 20, '0.1': 20, '0.25': 20, '+Inf': 20 } });

    const sample = await analysis.measure({ ...target, windowMs: 5 * MINUTE });

    expect(sample.successRate).toBe(0);
    expect(sample.requests).toBeGreaterThanOrEqual(20);
  });

  it('leaves every figure undefined when the version had no requests', async () => {
    const idle = { app: uniqueName('orders'), namespace, version: 'canary-3' };
    await serve(idle, NONE);

    await expect(analysis.measure({ ...idle, windowMs: MINUTE })).resolves.toEqual({ requests: 0 });
    await expect(
      analysis.measure({ app: uniqueName('never-deployed'), namespace, version: 'v1', windowMs: MINUTE }),
    ).resolves.toEqual({ requests: 0 });
  });

  it('rejects with a retryable MetricsUnavailable when Prometheus does not answer', async () => {
    const down = new PrometheusAnalysis({ url: `http://127.0.0.1:${await freePort()}` });

    const error = await down
      .measure({ app: 'storefront', namespace, version: 'v1', windowMs: MINUTE })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeployError);
    expect(error).toMatchObject({ reason: Reason.MetricsUnavailable, terminal: false });
    expect((error as Error).message).toContain(down.source);
  });

  it('rejects with MetricsUnavailable when the URL answers, but not as Prometheus', async () => {
    // A wrong path prefix in env.yaml: the server answers 404 with a plain-text body.
    const wrong = new PrometheusAnalysis({ url: `${need('metrics').prometheusUrl}/not-prometheus` });

    await expect(wrong.measure({ app: 'storefront', namespace, version: 'v1', windowMs: MINUTE })).rejects.toMatchObject({
      reason: Reason.MetricsUnavailable,
      message: expect.stringContaining('answered 404') as unknown,
    });
  });
});
