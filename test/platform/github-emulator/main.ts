import { parseArgs } from 'node:util';
import { startGitHubEmulator } from './start-github-emulator.js';

/**
 * The emulator as a process, for the platform orchestrator and the local demo:
 *   node --import tsx test/platform/github-emulator/main.ts --port 4010 [--host 127.0.0.1] [--token T]...
 * Prints `{"ready":true,"url":…}` on stdout once listening, logs requests as JSON lines on stderr, and exits 0 on
 * SIGTERM or SIGINT after closing its listener.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string', multiple: true },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
  }
  const log = (line: Readonly<Record<string, unknown>>): void => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
  };
  const started = Date.now();
  const emulator = await startGitHubEmulator({
    port,
    host: values.host,
    ...(values.token === undefined ? {} : { tokens: values.token }),
    log,
  });
  log({ level: 'info', msg: 'listening', url: emulator.url, startupMs: Date.now() - started });
  process.stdout.write(`${JSON.stringify({ ready: true, url: emulator.url })}\n`);

  const stop = (signal: NodeJS.Signals): void => {
    log({ level: 'info', msg: 'stopping', signal });
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log({ level: 'error', msg: 'close failed', error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', msg: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});
