import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { binaryDirs } from './paths.js';
import { installFakeGo, type FakeGo } from './support/fake-go.js';
import { readVersions } from './versions.js';

const run = promisify(execFile);
const BUILD = fileURLToPath(new URL('./bin/build-binaries.sh', import.meta.url));
const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok'];

/** An executable placeholder: build-binaries.sh only checks that a binary is there, it never runs it. */
function placeholder(path: string): void {
  writeFileSync(path, '#!/bin/sh\necho placeholder\n');
  chmodSync(path, 0o755);
}

// These runs use a temporary GANTRY_CACHE (the real cache is never touched) and put a fake `go` first on PATH
// that records each call and fails it: a run that builds nothing must never call it.
describe('build-binaries.sh with binaries or a cluster the user already has', () => {
  const versions = readVersions();
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let go: FakeGo;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-build-'));
    go = installFakeGo(dir);
    env = { ...process.env, GANTRY_CACHE: join(dir, 'cache'), PATH: `${go.binDir}:${process.env.PATH ?? ''}` };
    delete env.KUBEBUILDER_ASSETS;
    delete env.GANTRY_KUBECONFIG;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('builds nothing that KUBEBUILDER_ASSETS holds, and says so for each binary', async () => {
    const assets = join(dir, 'assets');
    mkdirSync(assets);
    CONTROL_PLANE.forEach((name) => placeholder(join(assets, name)));
    // kwok's stage file always comes from the cache (binaries.ts reads it there).
    const kwokDir = binaryDirs(versions, env).kwok;
    mkdirSync(kwokDir, { recursive: true });
    writeFileSync(join(kwokDir, 'stages-fast.yaml'), 'kind: Stage\n');

    const { stderr } = await run('bash', [BUILD, 'kubernetes', 'etcd', 'kwok'], {
      env: { ...env, KUBEBUILDER_ASSETS: assets },
    });
    expect(stderr).toContain(
      `kube-apiserver, kube-controller-manager, kube-scheduler, kubectl not built: present in KUBEBUILDER_ASSETS (${assets})`,
    );
    expect(stderr).toContain(`etcd ${versions.ETCD_VERSION}: not built: present in KUBEBUILDER_ASSETS`);
    expect(stderr).toContain(`kwok ${versions.KWOK_VERSION}: kwok not built: present in KUBEBUILDER_ASSETS`);
    expect(stderr).not.toMatch(/building/);
    expect(go.calls()).toEqual([]);
    expect(readdirSync(join(dir, 'cache')).filter((f) => f.startsWith('build-'))).toEqual([]);
  });

  it('skips the control plane and kwok when GANTRY_KUBECONFIG names the cluster to use', async () => {
    const kubeconfig = join(dir, 'existing.kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    // kustomize is still needed (the sample-config tests compare against it): here it is already cached.
    const kustomizeDir = binaryDirs(versions, env).kustomize;
    mkdirSync(kustomizeDir, { recursive: true });
    placeholder(join(kustomizeDir, 'kustomize'));

    const { stderr } = await run('bash', [BUILD], { env: { ...env, GANTRY_KUBECONFIG: kubeconfig } });
    expect(stderr).toContain(
      `kubernetes, etcd, kwok: not built: GANTRY_KUBECONFIG=${kubeconfig} is used instead of a local control plane`,
    );
    expect(stderr).toContain(`kustomize ${versions.KUSTOMIZE_VERSION}: cached in ${kustomizeDir}`);
    expect(stderr).not.toMatch(/building/);
    expect(go.calls()).toEqual([]);
    expect(readdirSync(join(dir, 'cache', 'bin')).sort()).toEqual([`kustomize-${versions.KUSTOMIZE_VERSION}`]);
  });

  it('builds only the Kubernetes binaries that KUBEBUILDER_ASSETS lacks (an envtest directory has no scheduler)', async () => {
    const assets = join(dir, 'assets');
    mkdirSync(assets);
    ['etcd', 'kube-apiserver', 'kubectl'].forEach((name) => placeholder(join(assets, name)));

    // The recording `go` fails, so the build stops at its first Go call; what it set out to build is in the log.
    const err = await run('bash', [BUILD, 'kubernetes'], { env: { ...env, KUBEBUILDER_ASSETS: assets } }).catch(
      (e: { stderr: string }) => e,
    );
    const stderr = (err as { stderr: string }).stderr;
    expect(stderr).toContain('kube-apiserver, kubectl not built: present in KUBEBUILDER_ASSETS');
    expect(stderr).toContain(
      `kubernetes ${versions.KUBERNETES_VERSION}: building kube-controller-manager, kube-scheduler (`,
    );
  });
});
