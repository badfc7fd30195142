// app.yaml checked against the base it describes: a file that names a workload, port, probe, autoscaler or image
// the manifests do not have is a wrong description the pipeline would act on (build an image nobody runs, canary a
// port no Service serves), so each such field is reported where app.yaml writes it.
import type { KubeObject } from '../kube/object.js';
import type { AppConfig, AppImage } from './app-config.js';
import type { AppPort, AppWorkload } from './app-workload.js';
import type { BaseContainer } from './base-objects.js';
import {
  autoscalerOf,
  imageName,
  podTemplate,
  selects,
  serviceSelector,
  servicePorts,
  templateContainers,
  templateLabels,
} from './base-objects.js';
import type { ConfigIssue } from './config-error.js';

/**
 * Checks an app's config against its rendered base.
 *
 * @param app the parsed app.yaml
 * @param base the base's directory (`apps/shop/base`), quoted in messages
 * @param objects the base rendered by kustomize
 * @returns the problems, each at the app.yaml field to fix; empty when the config describes the base truly
 */
export function checkAppBase(app: AppConfig, base: string, objects: readonly KubeObject[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report = (path: string, message: string): void => void issues.push({ path, message });
  checkImages(app.images, base, objects, report);
  for (const workload of app.workloads) checkWorkload(workload, base, objects, report);
  return issues;
}

type Report = (path: string, message: string) => void;

function checkImages(images: readonly AppImage[], base: string, objects: readonly KubeObject[], report: Report): void {
  const used = new Set(
    objects.flatMap((object) => {
      const template = podTemplate(object);
      return template ? templateContainers(template).map((container) => imageName(container.image)) : [];
    }),
  );
  images.forEach((image, index) => {
    if (used.has(image.repository)) return;
    report(
      `${image.field ?? `images[${index}]`}.repository`,
      `("${image.repository}") is the image of no container in ${base} (they run ${list([...used].sort())}); write it as a container's image in the base, so each environment's images: entry pins what the pipeline builds, or remove this image`,
    );
  });
}

function checkWorkload(workload: AppWorkload, base: string, objects: readonly KubeObject[], report: Report): void {
  const at = (field: string): string => (workload.field === '' ? field : `${workload.field}.${field}`);
  const id = `${workload.kind}/${workload.name}`;
  const object = objects.find(
    (candidate) => candidate.kind === workload.kind && candidate.metadata.name === workload.name,
  );
  const template = object && podTemplate(object);
  if (template === undefined) {
    const workloads = objects.filter((candidate) => podTemplate(candidate) !== undefined && candidate.kind !== 'Pod');
    report(
      at('name'),
      `names ${id}, which ${base} does not render (it renders ${list(workloads.map((w) => `${w.kind}/${w.metadata.name}`))}); name one of those${workload.field === '' ? ' (the top-level fields describe the workload named after the app; list others under workloads)' : ''}`,
    );
    return;
  }
  checkAutoscaling(workload, id, objects, at, report);
  if (workload.traffic.provider === 'appmesh' && !templateContainers(template).some((c) => c.name === 'envoy')) {
    report(
      at('traffic.provider'),
      `is appmesh, but the pods of ${id} carry no envoy container; App Mesh routes only pods with its Envoy sidecar, so add it to the base or route through gateway-api`,
    );
  }
  if (workload.ports.length === 0 && workload.health === undefined) return;

  const container = describedContainer(workload, id, templateContainers(template), at, report);
  if (container === undefined) return;
  const where = `container ${container.name} of ${id}`;
  workload.ports.forEach((port, index) =>
    checkContainerPort(port, container, where, `${at('ports')}[${index}]`, report),
  );
  checkServices(workload, id, container, templateLabels(template), objects, at, report);
  checkProbes(workload, container, where, at, report);
}

/** The container app.yaml's ports and probes belong to: named, else named like the workload, else the only one. */
function describedContainer(
  workload: AppWorkload,
  id: string,
  containers: readonly BaseContainer[],
  at: (field: string) => string,
  report: Report,
): BaseContainer | undefined {
  const names = containers.map((container) => container.name);
  if (workload.container !== undefined) {
    const named = containers.find((container) => container.name === workload.container);
    if (!named)
      report(at('container'), `("${workload.container}") is not a container of ${id} (it has ${list(names)})`);
    return named;
  }
  const found = containers.find((container) => container.name === workload.name);
  if (found) return found;
  if (containers.length === 1) return containers[0];
  report(
    at('container'),
    `is needed: ${id} has containers ${list(names)} and none is named ${workload.name}; name the one whose ports and probes app.yaml describes`,
  );
  return undefined;
}

function checkContainerPort(
  port: AppPort,
  container: BaseContainer,
  where: string,
  path: string,
  report: Report,
): void {
  const declared = container.ports.find((candidate) => candidate.containerPort === port.containerPort);
  if (declared === undefined) {
    const ports = container.ports.map((p) => (p.name ? `${p.containerPort} (${p.name})` : `${p.containerPort}`));
    report(`${path}.containerPort`, `(${port.containerPort}) is not a port of ${where} (it declares ${list(ports)})`);
  } else if (declared.name !== undefined && declared.name !== port.name) {
    report(
      `${path}.name`,
      `is "${port.name}" but ${where} names port ${port.containerPort} "${declared.name}"; use the same name`,
    );
  }
}

/** Each port is served by a Service selecting the workload's pods, on `servicePort`, forwarding to the container port. */
function checkServices(
  workload: AppWorkload,
  id: string,
  container: BaseContainer,
  labels: Readonly<Record<string, unknown>>,
  objects: readonly KubeObject[],
  at: (field: string) => string,
  report: Report,
): void {
  if (workload.ports.length === 0) return;
  const services = objects.filter((object) => {
    const selector = object.kind === 'Service' ? serviceSelector(object) : undefined;
    return selector !== undefined && selects(selector, labels);
  });
  if (services.length === 0) {
    report(
      at('ports'),
      `are served by no Service: none in the base selects the pods of ${id} (labels ${JSON.stringify(labels)}); add one, or drop ports for a workload that serves nothing`,
    );
    return;
  }
  const forwardsTo = (target: number | string, port: AppPort): boolean =>
    target === port.containerPort ||
    target === port.name ||
    container.ports.some((p) => p.name === target && p.containerPort === port.containerPort);
  workload.ports.forEach((port, index) => {
    const served = services.some((service) =>
      servicePorts(service).some((p) => p.port === port.servicePort && forwardsTo(p.targetPort, port)),
    );
    if (served) return;
    const exposed = services.flatMap((service) =>
      servicePorts(service).map((p) => `${service.metadata.name} ${p.port}→${p.targetPort}`),
    );
    report(
      `${at('ports')}[${index}].servicePort`,
      `(${port.servicePort}) is not a port of a Service forwarding to ${port.containerPort} (${port.name}); the Services selecting ${id} expose ${list(exposed)}`,
    );
  });
}

function checkProbes(
  workload: AppWorkload,
  container: BaseContainer,
  where: string,
  at: (field: string) => string,
  report: Report,
): void {
  const health = workload.health;
  if (health === undefined) return;
  const port = workload.ports.find((candidate) => candidate.name === health.port);
  const probes = [
    ['liveness', 'livenessProbe', health.liveness, container.livenessProbe],
    ['readiness', 'readinessProbe', health.readiness, container.readinessProbe],
  ] as const;
  for (const [field, probeName, path, probe] of probes) {
    const httpGet = probe?.['httpGet'] as Readonly<Record<string, unknown>> | undefined;
    if (probe === undefined) {
      report(at(`health.${field}`), `is ${path} but ${where} has no ${probeName}; add it, or remove health`);
    } else if (httpGet === undefined) {
      const kind = Object.keys(probe).find((key) => ['grpc', 'tcpSocket', 'exec'].includes(key)) ?? 'not httpGet';
      report(
        at(`health.${field}`),
        `is ${path} but the ${probeName} of ${where} is ${kind}; health describes HTTP probes only, so remove it for this workload`,
      );
    } else {
      if (httpGet['path'] !== path) {
        report(
          at(`health.${field}`),
          `is ${path} but the ${probeName} of ${where} gets ${JSON.stringify(httpGet['path'] ?? '/')}`,
        );
      }
      const target = httpGet['port'];
      const matches =
        port !== undefined &&
        (target === port.name ||
          target === port.containerPort ||
          container.ports.some((p) => p.name === target && p.containerPort === port.containerPort));
      if (!matches) {
        report(
          at('health.port'),
          `is ${health.port}${port ? ` (${port.containerPort})` : ''} but the ${probeName} of ${where} probes port ${JSON.stringify(target)}`,
        );
      }
    }
  }
}

/** app.yaml's autoscaling and the base's HorizontalPodAutoscaler must exist together and agree on the bounds. */
function checkAutoscaling(
  workload: AppWorkload,
  id: string,
  objects: readonly KubeObject[],
  at: (field: string) => string,
  report: Report,
): void {
  const autoscalers = objects.flatMap((object) => {
    const hpa = autoscalerOf(object);
    return hpa && hpa.targetKind === workload.kind && hpa.targetName === workload.name ? [hpa] : [];
  });
  const scaling = workload.autoscaling;
  const [hpa, second] = autoscalers;
  if (second) {
    report(
      at('autoscaling'),
      `describes one autoscaler, but HorizontalPodAutoscalers ${list(autoscalers.map((a) => a.name))} all scale ${id} and would fight over its replicas; keep one`,
    );
    return;
  }
  if (scaling === undefined) {
    if (hpa) {
      report(
        at('autoscaling'),
        `is missing, but HorizontalPodAutoscaler/${hpa.name} scales ${id} (${hpa.minReplicas} to ${hpa.maxReplicas ?? '?'}); add autoscaling with the same bounds`,
      );
    }
    return;
  }
  if (hpa === undefined) {
    report(
      at('autoscaling'),
      `is set, but no HorizontalPodAutoscaler in the base scales ${id}; add one with these bounds, or remove autoscaling`,
    );
    return;
  }
  const pairs = [
    ['minReplicas', scaling.minReplicas, hpa.minReplicas],
    ['maxReplicas', scaling.maxReplicas, hpa.maxReplicas],
    ['targetCPUUtilization', scaling.targetCPUUtilization, hpa.cpuUtilization],
  ] as const;
  for (const [field, mine, theirs] of pairs) {
    if (mine === theirs) continue;
    report(
      at(`autoscaling.${field}`),
      theirs === undefined
        ? `is ${mine} but HorizontalPodAutoscaler/${hpa.name} sets none; make them the same`
        : `is ${mine} but HorizontalPodAutoscaler/${hpa.name} says ${theirs}; make them the same`,
    );
  }
}

/** `a, b and 3 more`, or `nothing`: lists in messages stay one line. */
function list(items: readonly string[]): string {
  if (items.length === 0) return 'nothing';
  const shown = items.slice(0, 8).join(', ');
  return items.length > 8 ? `${shown} and ${items.length - 8} more` : shown;
}
