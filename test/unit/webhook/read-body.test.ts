import { readBody } from '../../../webhook/read-body.js';

/** A body of `chunks` chunks of `size` bytes that counts how many were pulled. */
function countingBody(chunks: number, size: number) {
  const counter = { pulled: 0 };
  async function* generate() {
    for (let i = 0; i < chunks; i++) {
      counter.pulled++;
      yield Buffer.alloc(size, 0x61);
    }
  }
  return { body: generate(), counter };
}

describe('readBody', () => {
  it('reads a body up to the limit whole', async () => {
    const { body } = countingBody(4, 10);
    const read = await readBody(body, 40);

    expect(read.kind).toBe('complete');
    expect(read.kind === 'complete' && read.body.toString()).toBe('a'.repeat(40));
  });

  it('stops pulling as soon as the body passes the limit', async () => {
    const { body, counter } = countingBody(100, 10);

    expect(await readBody(body, 35)).toEqual({ kind: 'too-large', limit: 35 });
    expect(counter.pulled).toBe(4);
  });

  it('refuses a declared Content-Length over the limit without reading at all', async () => {
    const { body, counter } = countingBody(1, 10);

    expect(await readBody(body, 35, 36)).toEqual({ kind: 'too-large', limit: 35 });
    expect(counter.pulled).toBe(0);
  });
});
