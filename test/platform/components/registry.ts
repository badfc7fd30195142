import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import { startComponent, stopProcessGroup, type ComponentRecord } from '../supervise.js';
import { requireCommand, requireFile } from '../tools.js';

const run = promisify(execFile);

/**
 * Debian's docker-registry (the CNCF Distribution registry) with filesystem storage in the state directory, holding
 * the local base image (made at setup from Debian packages by bin/build-base-image.sh) as
 * `<host>/gantry/base/node:<major>-<suite>`, since builds here cannot pull from Docker Hub.
 */
export async function startRegistry(
  stateDir: string,
  baseImageDir: string,
): Promise<{ record: ComponentRecord; host: string; baseImage: string }> {
  const command = await requireCommand('docker-registry', 'apt-get install docker-registry');
  const skopeo = await requireCommand('skopeo', 'apt-get install skopeo');
  const ref = readFileSync(
    requireFile(join(baseImageDir, 'ref'), 'the local base image', 'bash test/platform/bin/build-base-image.sh'),
    'utf8',
  ).trim();
  const storage = join(stateDir, 'registry');
  mkdirSync(storage, { recursive: true });
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = join(stateDir, 'registry.yml');
  writeFileSync(
    config,
    `version: 0.1
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
`,
  );
  const record = await startComponent({
    name: 'registry',
    command,
    args: ['serve', config],
    logFile: join(stateDir, 'registry.log'),
    ports: [port],
    ready: () => httpOk(`http://${host}/v2/`),
    readyTimeoutMs: 15_000,
  });
  // ref is `node-18-bookworm`: repository `gantry/base/node`, tag `18-bookworm`, the shape of Docker Hub's names.
  const [name, ...tag] = ref.split('-');
  const baseImage = `${host}/gantry/base/${name}:${tag.join('-')}`;
  try {
    // The layer is stored gzip-compressed, so this copies blobs as they are (under a second).
    await run(skopeo, [
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      `oci:${join(baseImageDir, 'oci')}:${ref}`,
      `docker://${baseImage}`,
    ]);
  } catch (err) {
    await stopProcessGroup(record.pid);
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new Error(`registry: pushing the base image ${ref} from ${baseImageDir} failed: ${stderr.trim()}`);
  }
  return { record, host, baseImage };
}
