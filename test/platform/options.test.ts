import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
    // Placeholders in a temporary cache and assets directory: only where each binary is found matters here.
    const env = { ...process.env, GANTRY_CACHE: join(dir, 'cache'), KUBEBUILDER_ASSETS: join(dir, 'assets') };
    const cached = binaryDirs(versions, env);
    const place = (path: string) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, '#!/bin/sh\n', { mode: 0o755 });
    };
    ['etcd', 'kube-apiserver'].forEach((name) => place(join(dir, 'assets', name)));
    ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'].forEach((name) =>
      place(join(cached.kubernetes, name)),
    );
    ['kwok', 'stages-fast.yaml'].forEach((name) => place(join(cached.kwok, name)));
    const bins = resolveControlPlaneBinaries(versions, env);
    expect(bins.etcd).toBe(join(dir, 'assets', 'etcd'));
    expect(bins.kubeApiserver).toBe(join(dir, 'assets', 'kube-apiserver'));
    expect(bins.kubeScheduler).toBe(join(cached.kubernetes, 'kube-scheduler'));
    expect(bins.kwokStages).toBe(join(cached.kwok, 'stages-fast.yaml'));
  });

  it('says which build command makes a missing binary', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, GANTRY_CACHE: dir };
    delete env.KUBEBUILDER_ASSETS;
    const err = (() => {
      try {
        resolveControlPlaneBinaries(versions, env);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MissingToolError);
    expect((err as Error).message).toContain('bash test/platform/bin/build-binaries.sh etcd');
  });

  it('uses an existing cluster from GANTRY_KUBECONFIG instead of starting a control plane', async () => {
    const existing = need('kubernetes').kubeconfig;
    const state = await startPlatform({
      parts: ['kubernetes'],
      env: { ...process.env, GANTRY_KUBECONFIG: existing },
      log: () => undefined,
    });
    try {
      expect(state.kubernetes).toMatchObject({ kubeconfig: existing, external: true });
      expect(state.components).toEqual([]);
    } finally {
      await stopPlatform(state);
    }
  });

  it('refuses a GANTRY_KUBECONFIG that does not exist, naming it', async () => {
    const missing = join(dir, 'nope.kubeconfig');
    await expect(
      startPlatform({
        parts: ['kubernetes'],
        env: { ...process.env, GANTRY_KUBECONFIG: missing },
        log: () => undefined,
      }),
    ).rejects.toThrow(`GANTRY_KUBECONFIG=${missing} does not exist`);
  });
});
