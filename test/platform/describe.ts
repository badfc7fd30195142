import type { PlatformState } from './state.js';

/** A human summary of a running platform: what runs, and how to reach each service. */
export function describePlatform(state: PlatformState, alive?: (pid: number) => boolean): string {
  const lines: string[] = ['', 'Local platform', `  state and logs   ${state.stateDir}`, ''];
  lines.push('  component                 pid      status    log');
  for (const c of state.components) {
    const status = alive ? (alive(c.pid) ? 'running' : 'STOPPED') : 'running';
    lines.push(`  ${c.name.padEnd(25)} ${String(c.pid).padEnd(8)} ${status.padEnd(9)} ${c.logFile}`);
  }
  lines.push('', 'How to reach it');
  if (state.kubernetes) {
    lines.push(
      `  Kubernetes      export KUBECONFIG=${state.kubernetes.kubeconfig}   (apiserver ${state.kubernetes.server})`,
    );
    if (state.kubernetes.nodes.length)
      lines.push(`                  nodes: ${state.kubernetes.nodes.join(', ')} (kwok, zones us-east-1a/b/c)`);
  }
  if (state.redis) lines.push(`  Redis           ${state.redis.url}`);
  if (state.aws)
    lines.push(
      `  AWS (moto)      AWS_ENDPOINT_URL=${state.aws.endpoint} AWS_REGION=${state.aws.region} AWS_ACCESS_KEY_ID=${state.aws.accessKeyId} AWS_SECRET_ACCESS_KEY=<any>`,
    );
  if (state.registry) {
    lines.push(
      `  OCI registry    ${state.registry.host}   (skopeo inspect --tls-verify=false docker://${state.registry.host}/<repo>:<tag>)`,
    );
    lines.push(`                  base image: ${state.registry.baseImage}   (GANTRY_BUILD_BASE_IMAGE)`);
    lines.push(
      state.imageAllowlist
        ? `                  strict images: nodes run only its images and ${state.imageAllowlist.join(', ')}`
        : '                  strict images: off (any image runs)',
    );
  }
  if (state.github) lines.push(`  GitHub (emul.)  ${state.github.url}   (token in ${state.stateDir}/platform.json)`);
  if (state.git) lines.push(`  git repos       ${state.git.root}`);
  if (state.metrics)
    lines.push(
      `  Prometheus      ${state.metrics.prometheusUrl}   (scrapes the pushgateway ${state.metrics.pushgatewayUrl} every second)`,
    );
  lines.push('');
  return lines.join('\n');
}
