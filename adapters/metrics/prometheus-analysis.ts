// The canary analysis through Prometheus's HTTP API: three instant queries per measurement, over the metrics every
// app exposes (apps/README.md, "Metrics"): `http_requests_total` (counter, label `code`) and
// `http_request_duration_seconds` (histogram), each labelled `app`, `namespace` and `version`.
import type { AnalysisSample, AnalysisTarget, CanaryAnalysis } from '../../core/ports/canary-analysis.js';
import type { CallOptions } from '../../core/ports/cluster.js';
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';

export const REQUESTS_METRIC = 'http_requests_total';
export const LATENCY_METRIC = 'http_request_duration_seconds';

/** How long one query may take before the source counts as unavailable. */
const QUERY_TIMEOUT_MS = 10_000;

export interface PrometheusAnalysisOptions {
  /** The server's base URL, as env.yaml's `analysis.prometheus.url` names it: `http://prometheus:9090`. */
  readonly url: string;
  /** Default {@link QUERY_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** The three queries of one measurement: PromQL, so they can be shown, logged and tried by hand. */
export interface AnalysisQueries {
  readonly requests: string;
  readonly successRate: string;
  readonly latencyP99Ms: string;
}

// PromQL string literals take Go's escapes; label values here are DNS labels and image tags, quoted all the same.
const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/**
 * The PromQL of a measurement. Counts are `increase()` over the window, which Prometheus extrapolates to the
 * window's edges: the request count is an estimate, the ratios (success rate, quantile) are exact. The window is
 * whole seconds, at least one.
 */
export function analysisQueries(target: AnalysisTarget): AnalysisQueries {
  const selector = `app=${quote(target.app)},namespace=${quote(target.namespace)},version=${quote(target.version)}`;
  const window = `[${Math.max(1, Math.round(target.windowMs / 1000))}s]`;
  const all = `sum(increase(${REQUESTS_METRIC}{${selector}}${window}))`;
  return {
    requests: all,
    // `or vector(0)`: with only 5xx responses there is no non-5xx series, and the rate is 0, not unknown.
    successRate: `100 * (sum(increase(${REQUESTS_METRIC}{${selector},code!~"5.."}${window})) or vector(0)) / ${all}`,
    latencyP99Ms: `1000 * histogram_quantile(0.99, sum by (le) (rate(${LATENCY_METRIC}_bucket{${selector}}${window})))`,
  };
}

interface QueryResponse {
  readonly status?: unknown;
  readonly error?: unknown;
  readonly data?: { readonly resultType?: unknown; readonly result?: unknown };
}

export class PrometheusAnalysis implements CanaryAnalysis {
  readonly source: string;
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(options: PrometheusAnalysisOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.source = `prometheus ${this.base}`;
    this.timeoutMs = options.timeoutMs ?? QUERY_TIMEOUT_MS;
  }

  async measure(target: AnalysisTarget, options: CallOptions = {}): Promise<AnalysisSample> {
    const queries = analysisQueries(target);
    const [requests, successRate, latencyP99Ms] = await Promise.all([
      this.scalar(queries.requests, options),
      this.scalar(queries.successRate, options),
      this.scalar(queries.latencyP99Ms, options),
    ]);
    // No requests in the window: there is nothing to judge, whatever the ratios' queries answered.
    if (requests === undefined || requests === 0) return { requests: 0 };
    return {
      requests: Math.round(requests),
      ...(successRate !== undefined && { successRate }),
      ...(latencyP99Ms !== undefined && { latencyP99Ms }),
    };
  }

  /** One instant query whose answer is one number, or undefined when it has no sample (or NaN: no data). */
  private async scalar(query: string, options: CallOptions): Promise<number | undefined> {
    const signals = [AbortSignal.timeout(this.timeoutMs), ...(options.signal ? [options.signal] : [])];
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${this.base}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query }).toString(),
        signal: AbortSignal.any(signals),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.unavailable(`did not answer: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    let body: QueryResponse | undefined;
    try {
      body = JSON.parse(text) as QueryResponse;
    } catch {
      body = undefined;
    }
    if (status !== 200 || body?.status !== 'success') {
      const said = typeof body?.error === 'string' ? body.error : text.slice(0, 200).trim() || 'an empty body';
      throw this.unavailable(`answered ${status}: ${said} (query ${query})`);
    }
    const result = body.data?.result;
    if (body.data?.resultType !== 'vector' || !Array.isArray(result))
      throw this.unavailable(`answered an unexpected ${String(body.data?.resultType)} result (query ${query})`);
    if (result.length === 0) return undefined;
    if (result.length > 1) throw this.unavailable(`answered ${result.length} series where one was expected (query ${query})`);
    const value = Number((result[0] as { value?: [unknown, unknown] }).value?.[1]);
    return Number.isFinite(value) ? value : undefined;
  }

  private unavailable(problem: string, cause?: unknown): DeployError {
    return new DeployError(Reason.MetricsUnavailable, `canary analysis: ${this.source} ${problem}`, { cause });
  }
}
