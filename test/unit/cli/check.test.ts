// `gantry check` on temporary repositories: copies of this repository's samples and of the Online Boutique-shaped
// fixture (test/fixtures/boutique), broken one way at a time.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CommandIo } from '../../../cli/command-io.js';
import { dispatch } from '../../../cli/dispatch.js';
import { REPO_ROOT } from '../../platform/paths.js';

const BOUTIQUE = join(REPO_ROOT, 'test/fixtures/boutique');

async function check(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { cwd, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) };
  const code = await dispatch(['check', ...args], io);
  return { code, stdout, stderr };
}

describe('gantry check', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'gantry-check-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function copySamples(): Promise<void> {
    await cp(join(REPO_ROOT, 'apps'), join(root, 'apps'), { recursive: true });
    await cp(join(REPO_ROOT, 'environments'), join(root, 'environments'), { recursive: true });
  }

  async function copyBoutique(): Promise<void> {
    await cp(BOUTIQUE, root, { recursive: true });
  }

  async function edit(file: string, from: string | RegExp, to: string): Promise<void> {
    const path = join(root, file);
    const text = await readFile(path, 'utf8');
    const edited = text.replace(from, to);
    if (edited === text) throw new Error(`${file} has no ${String(from)} to replace`);
    await writeFile(path, edited);
  }

  it("passes this repository's samples, one ok line per app and environment", async () => {
    await copySamples();
    const { code, stdout, stderr } = await check(REPO_ROOT, root);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const file of [
      'apps/catalog/app.yaml',
      'apps/orders/app.yaml',
      'apps/storefront/app.yaml',
      'environments/dev/env.yaml',
      'environments/staging/env.yaml',
      'environments/production/env.yaml',
    ]) {
      expect(stdout).toMatch(new RegExp(`^ok +${file.replace(/\./g, '\\.')}`, 'm'));
    }
    expect(stdout).toContain('ok    apps/catalog/app.yaml  (builds shop/catalog; describes Deployment/catalog)');
    expect(stdout).toMatch(/^skip +environments\/platform\//m);
  });

  it('passes an app shaped like Online Boutique: six images, seven Deployments, three of them described', async () => {
    await copyBoutique();
    const { code, stdout, stderr } = await check(root, '.');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^ok +apps\/boutique\/app\.yaml +\(builds boutique\/frontend, .* boutique\/loadgenerator; describes Deployment\/frontend, Deployment\/productcatalogservice, Deployment\/cartservice\)$/m,
    );
    expect(stdout).toMatch(/^ok +environments\/dev\/env\.yaml/m);
  });

  it('passes an app without app.yaml: the base alone makes it an app', async () => {
    await copyBoutique();
    await rm(join(root, 'apps/boutique/app.yaml'));
    const { code, stdout } = await check(root, root);
    expect(code).toBe(0);
    expect(stdout).toContain('ok    apps/boutique/  (no app.yaml: builds nothing, describes no workload)');
  });

  it('refuses a dummy app.yaml naming a workload and an image the base lacks, naming the file and fields', async () => {
    await copyBoutique();
    await writeFile(
      join(root, 'apps/boutique/app.yaml'),
      'images: [{ repository: boutique/payments }]\nworkloads: [{ name: payments, ports: [{ name: http, containerPort: 80 }] }]\n',
    );
    const { code, stdout, stderr } = await check(root, root);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL +apps\/boutique\/app\.yaml$/m);
    expect(stderr).toContain('apps/boutique/app.yaml is invalid (2 problems):');
    expect(stderr).toContain(
      'apps/boutique/app.yaml: images[0].repository: ("boutique/payments") is the image of no container in apps/boutique/base',
    );
    expect(stderr).toContain(
      'apps/boutique/app.yaml: workloads[0].name: names Deployment/payments, which apps/boutique/base does not render',
    );
  });

  it('refuses a sample app.yaml that disagrees with its base, and a value invalid on its own', async () => {
    await copySamples();
    await edit('apps/catalog/app.yaml', 'readiness: /readyz', 'readiness: /ready');
    await edit('apps/storefront/app.yaml', 'minReplicas: 2', 'minReplicas: 11');
    const { code, stdout, stderr } = await check(root, root);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL +apps\/catalog\/app\.yaml$/m);
    expect(stdout).toMatch(/^ok +apps\/orders\/app\.yaml/m);
    expect(stderr).toContain(
      'apps/catalog/app.yaml: health.readiness: is /ready but the readinessProbe of container catalog of Deployment/catalog gets "/readyz"',
    );
    expect(stderr).toContain(
      'apps/storefront/app.yaml: autoscaling.minReplicas: (11) is greater than autoscaling.maxReplicas (10)',
    );
  });

  it('refuses a base that does not render, naming its kustomization file and field', async () => {
    await copyBoutique();
    await edit('apps/boutique/base/kustomization.yaml', '- redis.yaml', '- valkey.yaml');
    const { code, stderr } = await check(root, root);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /apps\/boutique\/base\/kustomization\.yaml: resources\[2\]: does not render: .*valkey\.yaml/,
    );
  });

  it('skips a directory under apps/ that has no base, and refuses an app.yaml without one', async () => {
    await copyBoutique();
    await mkdir(join(root, 'apps/docs'));
    await mkdir(join(root, 'apps/payments'));
    await writeFile(join(root, 'apps/payments/app.yaml'), 'image: { repository: boutique/payments }\n');
    const { code, stdout, stderr } = await check(root, root);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^skip +apps\/docs\/ +\(no base\/kustomization\.yaml: not an app\)$/m);
    expect(stderr).toContain(
      'apps/payments/app.yaml: describes an app without a kustomize base: an app is a directory with apps/payments/base/kustomization.yaml',
    );
  });

  it('refuses env.yaml that is not YAML', async () => {
    await copySamples();
    await edit('environments/dev/env.yaml', 'branch: main', 'branch: [main');
    const { code, stderr } = await check(root, root);
    expect(code).toBe(1);
    expect(stderr).toContain('environments/dev/env.yaml: is not valid YAML');
  });

  it("refuses an overlay that renders objects outside env.yaml's namespace", async () => {
    await copySamples();
    await edit('environments/staging/kustomization.yaml', 'namespace: shop-staging', 'namespace: shop-stage');
    const { code, stderr } = await check(root, root);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'environments/staging/env.yaml: namespace: is "shop-staging" but environments/staging renders ',
    );
    expect(stderr).toContain('into "shop-stage": Namespace/shop-stage,');
  });

  it('refuses files that clash with each other, on the file to edit', async () => {
    await copySamples();
    await edit('environments/staging/env.yaml', 'enabled: false', 'enabled: true');
    const { code, stdout, stderr } = await check(root, root);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL +environments\/staging\/env\.yaml$/m);
    expect(stderr).toContain(
      'environments/staging/env.yaml: preview.enabled: is true, as in environments/dev/env.yaml',
    );
  });

  it('checks the git repository holding the working directory when no directory is given', async () => {
    await copyBoutique();
    await mkdir(join(root, '.git'));
    await edit('apps/boutique/app.yaml', 'maxReplicas: 5', 'maxReplicas: 6');
    const { code, stderr } = await check(join(root, 'apps/boutique/base'));
    expect(code).toBe(1);
    expect(stderr).toContain(
      'apps/boutique/app.yaml: workloads[0].autoscaling.maxReplicas: is 6 but HorizontalPodAutoscaler/frontend says 5',
    );
  });

  it('exits 1 when there is nothing to check, or no directory', async () => {
    expect(await check(root, 'nowhere')).toMatchObject({
      code: 1,
      stderr: `Error: ${join(root, 'nowhere')}: no such directory\n`,
    });
    const { code, stderr } = await check(root, '.');
    expect(code).toBe(1);
    expect(stderr).toContain('no app (apps/*/base/kustomization.yaml) or environment (environments/*/env.yaml)');
  });

  it('prints each problem as a GitHub Actions workflow command at its file, line and field with --annotate github', async () => {
    await copySamples();
    await edit('environments/dev/env.yaml', /timeout: \S+/, 'timeout: soon');
    const line = (await readFile(join(root, 'environments/dev/env.yaml'), 'utf8')).split('\n').findIndex((l) => l.includes('timeout: soon')) + 1;

    const { code, stdout } = await check(root, '.', '--annotate', 'github');

    expect(code).toBe(1);
    expect(stdout).toMatch(
      new RegExp(`^::error file=environments/dev/env.yaml,line=${line},title=environments/dev/env.yaml%3A apply.timeout::.*soon`, 'm'),
    );
  });

  it('refuses an --annotate format it does not know', async () => {
    const { code, stderr } = await check(root, '--annotate', 'gitlab');
    expect(code).toBe(1);
    expect(stderr).toContain('--annotate takes github');
  });

  it('is what `npm run check` runs: the gantry executable exits 0 on this repository', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'cli/main.ts'), 'check'],
      {
        cwd: REPO_ROOT,
      },
    );
    expect(stdout).toMatch(/^ok +apps\/catalog\/app\.yaml/m);
    const scripts = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.check).toContain('cli/main.ts check');
  });
});
