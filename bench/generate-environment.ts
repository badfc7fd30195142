// A rendered environment of many apps in one namespace, for bench/diff-apply.ts: per app a Deployment, a Service, a
// ConfigMap and a Secret, shaped as a platform team's services are (labels, probes, resources, security context,
// env from the ConfigMap and the Secret). Deterministic: the same arguments give the same objects.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject } from '../core/kube/object.js';

/** What to generate. */
export interface EnvironmentSpec {
  readonly namespace: string;
  /** Four objects per app. */
  readonly apps: number;
  /**
   * Deployments' replicas. 0 measures the apply path alone: with replicas the controllers and kwok create pods while
   * the next measurement runs, and that work lands on whichever side comes next.
   */
  readonly replicas: number;
  /** Apps whose image tag and config are bumped (the "10 objects changed" scenario: 5 apps × Deployment + ConfigMap). */
  readonly bumped?: ReadonlySet<number>;
}

const appName = (i: number) => `app-${String(i).padStart(3, '0')}`;

function app(spec: EnvironmentSpec, i: number): KubeObject[] {
  const name = appName(i);
  const namespace = spec.namespace;
  const bumped = spec.bumped?.has(i) ?? false;
  const labels = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/part-of': 'shop',
    'app.kubernetes.io/managed-by': 'gantry',
    team: `team-${i % 12}`,
  };
  const selector = { 'app.kubernetes.io/name': name };
  const configMap: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${name}-config`, namespace, labels },
    data: {
      LOG_LEVEL: bumped ? 'debug' : 'info',
      HTTP_PORT: '8080',
      UPSTREAM_URL: `http://${appName(((i + 1) % spec.apps) + 1)}.${namespace}.svc.cluster.local`,
      FEATURE_FLAGS: `checkout-v2=${i % 2 === 0},search-boost=${i % 3 === 0},recommendations=true`,
      'app.yaml': `server:\n  port: 8080\n  shutdownGraceSeconds: 20\ncache:\n  ttlSeconds: ${60 + (i % 5) * 30}\n  maxEntries: 10000\n`,
    },
  };
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${name}-credentials`, namespace, labels },
    type: 'Opaque',
    data: {
      DATABASE_URL: Buffer.from(`postgres://${name}:bench-${i}@db.${namespace}.svc:5432/${name}`).toString('base64'),
      API_TOKEN: Buffer.from(`token-${name}-${(i * 7919).toString(16)}`).toString('base64'),
    },
  };
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels },
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  };
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels, annotations: { 'gantry.dev/app': name } },
    spec: {
      replicas: spec.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...selector, 'app.kubernetes.io/part-of': 'shop' } },
        spec: {
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
          containers: [
            {
              name: 'app',
              image: `registry.local/shop/${name}:1.4.${bumped ? 3 : 2}`,
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              envFrom: [{ configMapRef: { name: `${name}-config` } }, { secretRef: { name: `${name}-credentials` } }],
              env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
              livenessProbe: {
                httpGet: { path: '/healthz', port: 'http' },
                initialDelaySeconds: 10,
                periodSeconds: 10,
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  };
  return [configMap, secret, service, deployment];
}

/** Every object of the environment, app by app. */
export function environmentObjects(spec: EnvironmentSpec): KubeObject[] {
  return Array.from({ length: spec.apps }, (_, i) => app(spec, i + 1)).flat();
}

/** Writes one YAML file per app (its four objects as documents) into `dir`, as `kubectl apply -f dir` reads them. */
export function writeEnvironment(dir: string, spec: EnvironmentSpec): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= spec.apps; i++) {
    writeFileSync(
      join(dir, `${appName(i)}.yaml`),
      app(spec, i)
        .map((obj) => stringify(obj))
        .join('---\n'),
    );
  }
}
