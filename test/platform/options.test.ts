import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveControlPlaneBinaries } from './binaries.js';
import { need } from './connect.js';
import { binaryDirs } from './paths.js';
import { startPlatform, stopPlatform } from './platform.js';
import { readVersions } from './versions.js';
import { MissingToolError } from './tools.js';

describe('platform options for users who already have a cluster or binaries', () => {
  const versions = readVersions();
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gantry-options-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes etcd and kube-apiserver from KUBEBUILDER_ASSETS and the rest from the cache', () => {
    const cached = binaryDirs(versions);
    symlinkSync(join(cached.etcd, 'etcd'), join(dir, 'etcd'));
    symlinkSync(join(cached.kubernetes, 'kube-apiserver'), join(dir, 'kube-apiserver'));
    const bins = resolveControlPlaneBinaries(versions, { ...process.env, KUBEBUILDER_ASSETS: dir });
    expect(bins.etcd).toBe(join(dir, 'etcd'));
    expect(bins.kubeApiserver).toBe(join(dir, 'kube-apiserver'));
    expect(bins.kubeScheduler).toBe(join(cached.kubernetes, 'kube-scheduler'));
  });

  it('says which build command makes a missing binary', () => {
    const err = (() => {
      try {
        resolveControlPlaneBinaries(versions, { ...process.env, GANTRY_CACHE: dir });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MissingToolError);
    expect((err as Error).message).toContain('bash test/platform/bin/build-binaries.sh etcd');
  });

  it('uses an existing cluster from GANTRY_KUBECONFIG instead of starting a control plane', async () => {
    const existing = need('kubernetes').kubeconfig;
    const state = await startPlatform({ parts: ['kubernetes'], env: { ...process.env, GANTRY_KUBECONFIG: existing }, log: () => undefined });
    try {
      expect(state.kubernetes).toMatchObject({ kubeconfig: existing, external: true });
      expect(state.components).toEqual([]);
    } finally {
      await stopPlatform(state);
    }
  });

  it('refuses a GANTRY_KUBECONFIG that does not exist, naming it', async () => {
    const missing = join(dir, 'nope.kubeconfig');
    await expect(startPlatform({ parts: ['kubernetes'], env: { ...process.env, GANTRY_KUBECONFIG: missing }, log: () => undefined }))
      .rejects.toThrow(`GANTRY_KUBECONFIG=${missing} does not exist`);
  });
});
