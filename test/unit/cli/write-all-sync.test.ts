import { spawn, execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAllSync } from '../../../cli/write-all-sync.js';

describe('writeAllSync', () => {
  let work: string;
  beforeEach(() => (work = mkdtempSync(join(tmpdir(), 'gantry-write-all-'))));
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('writes everything through a non-blocking pipe that fills up (EAGAIN), as another process reads it', async () => {
    const fifo = join(work, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // The reader holds the read end while the write end is opened non-blocking; `cat` drains it into a file.
    const holder = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    const reader = spawn('sh', ['-c', `cat < "${fifo}" > "${join(work, 'out')}"`]);
    closeSync(holder);
    // 4 MiB is 64 times a Linux pipe's buffer: the write cannot complete without waiting for the reader.
    const text = 'gantry\n'.repeat(600_000) + 'é end\n';
    writeAllSync(fd, text);
    closeSync(fd);
    await once(reader, 'exit');
    expect(readFileSync(join(work, 'out'), 'utf8')).toBe(text);
  });

  it('ends quietly when the reader has gone away (EPIPE)', () => {
    const fifo = join(work, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    closeSync(reader);
    expect(() => writeAllSync(fd, 'nobody reads this\n')).not.toThrow();
    closeSync(fd);
  });

  it('throws any other error', () => {
    const fd = openSync(join(work, 'read-only'), 'w');
    closeSync(fd);
    const readOnly = openSync(join(work, 'read-only'), 'r');
    expect(() => writeAllSync(readOnly, 'x')).toThrow(/EBADF/);
    closeSync(readOnly);
  });
});
