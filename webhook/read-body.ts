/** A request body read up to a limit. */
export type BodyRead = { readonly kind: 'complete'; readonly body: Buffer } | { readonly kind: 'too-large'; readonly limit: number };

/**
 * GitHub caps webhook payloads at 25 MB and drops larger ones without sending them, so anything bigger is not
 * from GitHub.
 */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

/**
 * Reads a request body into memory, refusing more than `limit` bytes: a declared `Content-Length` over the limit
 * is refused before reading anything, and a body that grows past it (chunked, or lying about its length) is
 * refused as soon as it does. Reading then simply stops; nothing more is pulled from the stream (the iterator is
 * left, not closed, because closing a request stream destroys its socket before an answer can be sent).
 */
export async function readBody(stream: AsyncIterable<Uint8Array>, limit: number, declaredLength?: number): Promise<BodyRead> {
  if (declaredLength !== undefined && declaredLength > limit) return { kind: 'too-large', limit };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const iterator = stream[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    size += next.value.length;
    if (size > limit) return { kind: 'too-large', limit };
    chunks.push(next.value);
  }
  return { kind: 'complete', body: Buffer.concat(chunks, size) };
}
