export { PrometheusAnalysis, analysisQueries, LATENCY_METRIC, REQUESTS_METRIC } from './prometheus-analysis.js';
export type { AnalysisQueries, PrometheusAnalysisOptions } from './prometheus-analysis.js';
