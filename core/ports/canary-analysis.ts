// Canary analysis: what the canary's requests looked like over the last interval, from a metrics source. The gate
// in core/ compares the sample with app.yaml's `canary.analysis` limits; the provider only measures. One provider
// today, Prometheus's HTTP API (adapters/metrics/); with no metrics source configured for an environment there is
// no analysis port at all and the gate is readiness only (the check run says so).
import type { CallOptions } from './cluster.js';

/** Which pods' requests to measure, and over what window. */
export interface AnalysisTarget {
  readonly app: string;
  readonly namespace: string;
  /** The canary version's identity as its pods are labelled (the content tag or digest it runs). */
  readonly version: string;
  /** The window to measure, milliseconds (the canary's `interval`). */
  readonly windowMs: number;
}

/**
 * One measurement. A figure is undefined when the source had no data for it (no requests in the window): the gate
 * treats that as inconclusive, never as a pass.
 */
export interface AnalysisSample {
  /** Requests in the window. */
  readonly requests: number;
  /** Share of non-5xx responses, percent (0–100). */
  readonly successRate?: number;
  /** 99th percentile latency, milliseconds. */
  readonly latencyP99Ms?: number;
}

export interface CanaryAnalysis {
  /** The source, for logs and the check run: `prometheus http://prometheus:9090`. */
  readonly source: string;
  /** Measures the target; rejects with a DeployError (MetricsUnavailable, retryable) when the source cannot answer. */
  measure(target: AnalysisTarget, options?: CallOptions): Promise<AnalysisSample>;
}
