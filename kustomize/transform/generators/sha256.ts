/**
 * SHA-256 (FIPS 180-4) of a text's UTF-8 bytes, as lowercase hex.
 *
 * For the small texts of most generated ConfigMaps and Secrets: loading node:crypto compiles about twenty of Node's
 * internal modules, which costs a cold `gantry render` process more than hashing them here (content-hash.ts picks
 * one or the other by size). test/unit/kustomize/sha256.test.ts holds it equal to node:crypto.
 */
export function sha256Hex(text: string): string {
  const bytes = new TextEncoder().encode(text);
  // The message, a 1 bit, zeros, then its length in bits as a 64-bit big-endian number, in whole 64-byte blocks.
  const blocks = new Uint8Array(Math.ceil((bytes.length + 9) / 64) * 64);
  blocks.set(bytes);
  blocks[bytes.length] = 0x80;
  const view = new DataView(blocks.buffer);
  const bits = bytes.length * 8;
  view.setUint32(blocks.length - 8, Math.floor(bits / 0x1_0000_0000));
  view.setUint32(blocks.length - 4, bits >>> 0);

  const state = Uint32Array.from(INITIAL_STATE);
  const w = new Uint32Array(64);
  for (let offset = 0; offset < blocks.length; offset += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(offset + 4 * t);
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15]!;
      const b = w[t - 2]!;
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
      const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
      w[t] = w[t - 16]! + s0 + w[t - 7]! + s1; // a Uint32Array stores the sum modulo 2^32
    }
    let [a, b, c, d, e, f, g, h] = state as unknown as [number, number, number, number, number, number, number, number];
    for (let t = 0; t < 64; t++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + ROUND_CONSTANTS[t]! + w[t]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    [a, b, c, d, e, f, g, h].forEach((value, i) => {
      state[i] = state[i]! + value;
    });
  }
  let hex = '';
  for (const word of state) hex += word.toString(16).padStart(8, '0');
  return hex;
}

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/** The first `count` primes. */
function primes(count: number): number[] {
  const found: number[] = [];
  for (let n = 2; found.length < count; n++) if (found.every((p) => n % p !== 0)) found.push(n);
  return found;
}

/** The first 32 bits of the fractional part of x (the standard defines its constants so). */
function fractionBits(x: number): number {
  return Math.floor((x - Math.floor(x)) * 0x1_0000_0000) >>> 0;
}

// Derived as the standard defines them rather than listed, so no digit can be mistyped: the initial hash value from
// the square roots of the first 8 primes, the round constants from the cube roots of the first 64. Doubles carry
// these roots to far more than the 32 fractional bits taken.
const INITIAL_STATE = primes(8).map((p) => fractionBits(Math.sqrt(p)));
const ROUND_CONSTANTS = Uint32Array.from(primes(64), (p) => fractionBits(Math.cbrt(p)));
