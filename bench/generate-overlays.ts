import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a repository of `bases` app bases and `overlays` environment overlays under `root`, each overlay using
 * three bases and every kustomize feature a platform team's overlays typically use: namespace, namePrefix, labels,
 * images, replicas, a configMapGenerator and a secretGenerator referenced by the Deployments, a strategic-merge
 * patch and a JSON 6902 patch with targets. Returns the overlay directories (relative to root).
 */
export function generateOverlayRepository(root: string, bases = 30, overlays = 100): string[] {
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  for (let b = 0; b < bases; b++) {
    const app = `app${String(b).padStart(2, '0')}`;
    write(`apps/${app}/base/kustomization.yaml`, `resources:\n- deployment.yaml\n- service.yaml\n- hpa.yaml\nconfigMapGenerator:\n- name: ${app}-config\n  literals:\n  - LOG_LEVEL=info\n  - FEATURE_${b}=on\n`);
    write(`apps/${app}/base/deployment.yaml`, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  labels:
    app: ${app}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      serviceAccountName: default
      containers:
      - name: ${app}
        image: shop/${app}
        ports:
        - name: http
          containerPort: 8080
        envFrom:
        - configMapRef:
            name: ${app}-config
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 256Mi
        readinessProbe:
          httpGet:
            path: /readyz
            port: http
`);
    write(`apps/${app}/base/service.yaml`, `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\nspec:\n  selector:\n    app: ${app}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n`);
    write(`apps/${app}/base/hpa.yaml`, `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${app}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${app}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
`);
  }
  const dirs: string[] = [];
  for (let o = 0; o < overlays; o++) {
    const env = `env${String(o).padStart(3, '0')}`;
    const apps = [o % bases, (o + 7) % bases, (o + 13) % bases].map((b) => `app${String(b).padStart(2, '0')}`);
    const dir = `environments/${env}`;
    dirs.push(dir);
    write(`${dir}/kustomization.yaml`, `namespace: ${env}
namePrefix: t${o % 5}-
resources:
${apps.map((a) => `- ../../apps/${a}/base`).join('\n')}
labels:
- pairs:
    team: team-${o % 7}
    environment: ${env}
  includeSelectors: false
  includeTemplates: true
images:
${apps.map((a, i) => `- name: shop/${a}\n  newName: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/${a}\n  newTag: 1.${o}.${i}`).join('\n')}
replicas:
- name: ${apps[0]}
  count: ${1 + (o % 4)}
configMapGenerator:
- name: ${apps[1]}-config
  behavior: merge
  literals:
  - LOG_LEVEL=debug
  - ENVIRONMENT=${env}
secretGenerator:
- name: ${env}-credentials
  literals:
  - token=sample-${o}
patches:
- path: resources.yaml
- target:
    kind: HorizontalPodAutoscaler
  patch: |-
    - op: replace
      path: /spec/maxReplicas
      value: ${5 + (o % 20)}
`);
    write(`${dir}/resources.yaml`, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${apps[2]}
spec:
  template:
    spec:
      containers:
      - name: ${apps[2]}
        resources:
          limits:
            memory: 512Mi
        env:
        - name: CREDENTIALS_FILE
          value: /var/run/secrets/${env}/token
        volumeMounts:
        - name: credentials
          mountPath: /var/run/secrets/${env}
      volumes:
      - name: credentials
        secret:
          secretName: ${env}-credentials
`);
  }
  return dirs;
}
