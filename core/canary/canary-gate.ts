// The gate a canary passes at each check: is the new version fit to take more traffic? Readiness and restarts
// always; the analysis limits of app.yaml (`canary.analysis`) when a metrics source measured the canary. A figure
// the source had no data for is inconclusive, never a pass: a canary nobody sent requests to proved nothing.
import type { AppCanary } from '../config/app-workload.js';
import type { AnalysisSample } from '../ports/canary-analysis.js';

/** The canary Deployment as the check saw it. */
export interface CanaryReadiness {
  /** Replicas the canary Deployment asks for. */
  readonly desired: number;
  /** Replicas ready and serving. */
  readonly ready: number;
  /** Container restarts summed over the canary's pods. */
  readonly restarts: number;
}

/**
 * - `pass`: fit for the next step.
 * - `fail`: counted against `maxFailedChecks`.
 * - `inconclusive`: no data to judge by; counted against the same limit so a silent canary cannot walk to 100 %.
 * - `fatal`: the canary's pods restarted: no more checks, route back on stable now.
 */
export type GateVerdict = 'pass' | 'fail' | 'inconclusive' | 'fatal';

export interface GateResult {
  readonly verdict: GateVerdict;
  /** One line per criterion looked at, for the check run: `success rate 99.7 % ≥ 99.5 %`. */
  readonly findings: readonly string[];
}

export interface GateInput {
  readonly readiness: CanaryReadiness;
  /** Restarts counted when the canary came up: only restarts after that fail it. */
  readonly restartsAtStart: number;
  readonly limits: AppCanary['analysis'];
  /** Absent: no metrics source for the environment, the gate is readiness only. */
  readonly sample?: AnalysisSample;
}

/** Judges one check. Pure: the worker reads the Deployment, pods and metrics, and passes them in. */
export function evaluateGate(input: GateInput): GateResult {
  const { readiness, restartsAtStart, limits, sample } = input;
  const restarted = readiness.restarts - restartsAtStart;
  if (restarted > 0) {
    return { verdict: 'fatal', findings: [`canary pods restarted ${restarted} time(s) since it came up`] };
  }
  const findings: string[] = [];
  let verdict: GateVerdict = 'pass';
  const worsen = (to: 'fail' | 'inconclusive'): void => {
    if (verdict !== 'fail') verdict = to;
  };
  if (readiness.ready < readiness.desired || readiness.desired === 0) {
    findings.push(`canary ready ${readiness.ready}/${readiness.desired}`);
    worsen('fail');
  } else {
    findings.push(`canary ready ${readiness.ready}/${readiness.desired}`);
  }
  if (!sample) {
    findings.push('no metrics source configured: readiness only');
    return { verdict, findings };
  }
  if (sample.requests === 0 || sample.successRate === undefined) {
    findings.push('success rate: no requests measured in the window');
    worsen('inconclusive');
  } else if (sample.successRate < limits.minSuccessRate) {
    findings.push(`success rate ${round(sample.successRate)} % < ${limits.minSuccessRate} %`);
    worsen('fail');
  } else {
    findings.push(`success rate ${round(sample.successRate)} % ≥ ${limits.minSuccessRate} %`);
  }
  if (sample.requests === 0 || sample.latencyP99Ms === undefined) {
    findings.push('latency p99: no data in the window');
    worsen('inconclusive');
  } else if (sample.latencyP99Ms > limits.maxLatencyP99) {
    findings.push(`latency p99 ${round(sample.latencyP99Ms)} ms > ${limits.maxLatencyP99} ms`);
    worsen('fail');
  } else {
    findings.push(`latency p99 ${round(sample.latencyP99Ms)} ms ≤ ${limits.maxLatencyP99} ms`);
  }
  return { verdict, findings };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
