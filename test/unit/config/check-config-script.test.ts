// scripts/check-config.ts as `npm run check` runs it, against a copy of the samples broken one way at a time.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './load-samples.js';

const run = promisify(execFile);

async function checkConfig(root: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'scripts/check-config.ts'), root],
      { cwd: REPO_ROOT },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('scripts/check-config.ts', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'gantry-check-config-'));
    await cp(join(REPO_ROOT, 'apps'), join(root, 'apps'), { recursive: true });
    await cp(join(REPO_ROOT, 'environments'), join(root, 'environments'), { recursive: true });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function edit(file: string, from: string | RegExp, to: string): Promise<void> {
    const path = join(root, file);
    const text = await readFile(path, 'utf8');
    const edited = text.replace(from, to);
    if (edited === text) throw new Error(`${file} has no ${String(from)} to replace`);
    await writeFile(path, edited);
  }

  it('prints one ok line per sample file and exits 0', async () => {
    const { code, stdout } = await checkConfig(root);
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
    expect(stdout).toMatch(/^skip +environments\/platform\//m);
  });

  it('exits 1 on an invalid app.yaml, naming the file and the field', async () => {
    await edit('apps/catalog/app.yaml', 'minReplicas: 2', 'minReplicas: 9');
    const { code, stdout, stderr } = await checkConfig(root);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL +apps\/catalog\/app\.yaml$/m);
    expect(stdout).toMatch(/^ok +apps\/orders\/app\.yaml/m);
    expect(stderr).toContain(
      'apps/catalog/app.yaml: autoscaling.minReplicas: (9) is greater than autoscaling.maxReplicas (6)',
    );
  });

  it('exits 1 on env.yaml that is not YAML', async () => {
    await edit('environments/dev/env.yaml', 'branch: main', 'branch: [main');
    const { code, stderr } = await checkConfig(root);
    expect(code).toBe(1);
    expect(stderr).toContain('environments/dev/env.yaml: is not valid YAML');
  });

  it('exits 1 when env.yaml and the overlay disagree on the namespace', async () => {
    await edit('environments/staging/kustomization.yaml', 'namespace: shop-staging', 'namespace: shop-stage');
    const { code, stderr } = await checkConfig(root);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'environments/staging/env.yaml: namespace: is "shop-staging" but environments/staging renders ',
    );
    expect(stderr).toContain('into "shop-stage": Namespace/shop-stage,');
  });

  it('exits 1 when files clash with each other', async () => {
    await edit('environments/staging/env.yaml', 'enabled: false', 'enabled: true');
    const { code, stdout, stderr } = await checkConfig(root);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL +environments\/staging\/env\.yaml$/m);
    expect(stderr).toContain(
      'environments/staging/env.yaml: preview.enabled: is true, as in environments/dev/env.yaml',
    );
  });

  it('exits 1 on an app directory without app.yaml', async () => {
    await mkdir(join(root, 'apps/payments'));
    const { code, stderr } = await checkConfig(root);
    expect(code).toBe(1);
    expect(stderr).toContain('apps/payments/app.yaml: is missing');
  });

  it('exits 1 when there is nothing to check', async () => {
    const { code, stderr } = await checkConfig(join(root, 'nowhere'));
    expect(code).toBe(1);
    expect(stderr).toContain('no apps/*/app.yaml or environments/*/env.yaml');
  });
});
