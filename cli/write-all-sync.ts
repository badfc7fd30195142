import { writeSync } from 'node:fs';

/** Parks the thread for a millisecond: a non-blocking pipe that is full has no other way to wait synchronously. */
const pause = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);

/**
 * Writes all of `text` to the file descriptor `fd` before returning, whatever the descriptor is (a file, a TTY, a
 * pipe that another process left non-blocking: EAGAIN waits and retries). A reader that has gone away (EPIPE, as in
 * `gantry render | head`) ends the output quietly: there is no one left to tell.
 */
export function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') pause();
      else if (code === 'EPIPE') return;
      else throw err;
    }
  }
}
