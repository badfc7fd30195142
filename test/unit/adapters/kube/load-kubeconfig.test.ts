import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeconfigNotFoundError, loadKubeConfig } from '../../../../adapters/kube/load-kubeconfig.js';

const KUBECONFIG = [
  'apiVersion: v1',
  'kind: Config',
  'clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443"}}]',
  'contexts: [{name: ctx, context: {cluster: c, user: u}}]',
  'current-context: ctx',
  'users: [{name: u, user: {token: t}}]',
  '',
].join('\n');

describe('loadKubeConfig: the kubeconfig given, else the default lookup, else "no kubeconfig found"', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'gantry-kubeconfig-'));
  });
  afterEach(() => rmSync(home, { recursive: true }));

  it('says "no kubeconfig found" and where it looked, instead of falling back to http://localhost:8080', () => {
    expect(() => loadKubeConfig(undefined, { HOME: home })).toThrow(KubeconfigNotFoundError);
    expect(() => loadKubeConfig(undefined, { HOME: home })).toThrow(
      new RegExp(
        `^no kubeconfig found: KUBECONFIG is not set, ${home}/\\.kube/config does not exist, and this is not a pod`,
      ),
    );
  });

  it('reads ~/.kube/config when no file is given', () => {
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), KUBECONFIG);

    expect(loadKubeConfig(undefined, { HOME: home }).getCurrentCluster()?.server).toBe('https://10.0.0.1:6443');
  });

  it('names the file it was given when that file cannot be read', () => {
    const missing = join(home, 'nope.yaml');
    expect(() => loadKubeConfig(missing, { HOME: home })).toThrow(`kubeconfig ${missing} could not be read`);
  });
});
