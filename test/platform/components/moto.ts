import { join } from 'node:path';
import { freePort } from '../ports.js';
import { httpOk } from '../probe.js';
import { startComponent, type ComponentRecord } from '../supervise.js';
import { requireExecutable } from '../tools.js';

/**
 * moto in server mode: one endpoint emulating ECR, CodeBuild, S3, CloudWatch Logs and Cloud Map. AWS SDK v3
 * clients reach it through AWS_ENDPOINT_URL with dummy credentials (connect.ts: awsEnv() for those variables,
 * awsClientConfig() for explicit client options).
 */
export async function startMoto(venv: string, stateDir: string): Promise<{ record: ComponentRecord; url: string }> {
  const command = requireExecutable(
    join(venv, 'bin', 'moto_server'),
    'moto_server',
    'scripts/setup.sh (creates the moto virtualenv)',
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const record = await startComponent({
    name: 'moto',
    command,
    args: ['-H', '127.0.0.1', '-p', String(port)],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'false', AWS_DEFAULT_REGION: 'us-east-1' },
    logFile: join(stateDir, 'moto.log'),
    ports: [port],
    ready: () => httpOk(`${url}/moto-api/data.json`),
    readyTimeoutMs: 30_000,
  });
  return { record, url };
}
