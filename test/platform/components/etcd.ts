import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import { startComponent, type ComponentRecord } from '../supervise.js';

/** etcd as kube-apiserver's store: one member on loopback, fsync off (throwaway test data, as envtest does). */
export async function startEtcd(binary: string, stateDir: string): Promise<{ record: ComponentRecord; url: string }> {
  const dataDir = join(stateDir, 'etcd');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const record = await startComponent({
    name: 'etcd',
    command: binary,
    args: [`--data-dir=${dataDir}`, `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=default=${peer}`,
      '--unsafe-no-fsync', '--log-level=warn'],
    logFile: join(stateDir, 'etcd.log'),
    ports: [clientPort, peerPort],
    ready: () => httpOk(`${url}/health`),
    readyTimeoutMs: 20_000,
  });
  return { record, url };
}
