import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import { startComponent, type ComponentRecord } from '../supervise.js';

const MAIN = fileURLToPath(new URL('../github-emulator/main.ts', import.meta.url));

/** The GitHub emulator (github-emulator/) as its own process, so `platform up` can leave it running. */
export async function startGitHubEmulator(stateDir: string, token: string): Promise<{ record: ComponentRecord; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const record = await startComponent({
    name: 'github-emulator',
    command: process.execPath,
    // tsx by absolute URL: the process runs in the state directory, where a bare 'tsx' would not resolve.
    args: ['--import', import.meta.resolve('tsx'), MAIN, '--port', String(port), '--token', token],
    logFile: join(stateDir, 'github-emulator.log'),
    ports: [port],
    ready: () => httpOk(`${url}/_emulator/health`),
    readyTimeoutMs: 30_000,
  });
  return { record, url };
}
