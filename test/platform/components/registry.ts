import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import { startComponent, type ComponentRecord } from '../supervise.js';
import { requireCommand } from '../tools.js';

/** Debian's docker-registry (the CNCF Distribution registry) with filesystem storage in the state directory. */
export async function startRegistry(stateDir: string): Promise<{ record: ComponentRecord; host: string }> {
  const command = await requireCommand('docker-registry', 'apt-get install docker-registry');
  const storage = join(stateDir, 'registry');
  mkdirSync(storage, { recursive: true });
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = join(stateDir, 'registry.yml');
  writeFileSync(config, `version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${storage}
  delete:
    enabled: true
http:
  addr: ${host}
  headers:
    X-Content-Type-Options: [nosniff]
`);
  const record = await startComponent({
    name: 'registry',
    command,
    args: ['serve', config],
    logFile: join(stateDir, 'registry.log'),
    ports: [port],
    ready: () => httpOk(`http://${host}/v2/`),
    readyTimeoutMs: 15_000,
  });
  return { record, host };
}
