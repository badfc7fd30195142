// Test helper: a stand-in `go` for build-binaries.sh runs that must not (or cannot) reach the Go module proxy.
// It answers the script's version check as Go 1.26 would, records every other call, and fails it, as a build
// without network or with a broken module would.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeGo {
  /** Put this first on PATH. */
  readonly binDir: string;
  /** The `go ...` command lines it was asked to run, other than `go env GOVERSION`. */
  calls(): string[];
}

export function installFakeGo(dir: string): FakeGo {
  const binDir = join(dir, 'fake-go-bin');
  const log = join(dir, 'fake-go-calls');
  mkdirSync(binDir, { recursive: true });
  writeFileSync(
    join(binDir, 'go'),
    [
      '#!/bin/sh',
      'if [ "$*" = "env GOVERSION" ]; then echo go1.26.0; exit 0; fi',
      `echo "go $*" >> '${log}'`,
      'echo "fake go: $1 failed (no module proxy in this test)" >&2',
      'exit 1',
      '',
    ].join('\n'),
  );
  chmodSync(join(binDir, 'go'), 0o755);
  return { binDir, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}
