import { createHash } from 'node:crypto';
import { sha256Hex } from '../../../kustomize/transform/generators/sha256.js';

const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A fixed pseudo-random sequence (xorshift32), so every run checks the same texts. */
function randomTexts(count: number, seed: number): string[] {
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  // ASCII, Latin-1, BMP and astral code points, and lone surrogates (both encoders write them as U+FFFD).
  const pools = [
    [0x20, 0x7e],
    [0x00, 0xff],
    [0x100, 0xd7ff],
    [0x1_0000, 0x10_ffff],
    [0xd800, 0xdfff],
  ] as const;
  return Array.from({ length: count }, () => {
    const length = next() % 300;
    let text = '';
    for (let i = 0; i < length; i++) {
      const [low, high] = pools[next() % (next() % 4 === 0 ? pools.length : 1)]!;
      text += String.fromCodePoint(low + (next() % (high - low + 1)));
    }
    return text;
  });
}

// Generated names carry the first hex digits of this hash; one wrong bit renames every generated ConfigMap.
describe('sha256Hex', () => {
  it('gives the standard test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('equals node:crypto on every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const text = 'k'.repeat(length);
      expect(sha256Hex(text)).toBe(nodeSha256(text));
    }
  });

  it('equals node:crypto on texts of many scripts, astral characters and lone surrogates', () => {
    for (const text of randomTexts(2_000, 0x9e37_79b9)) expect(sha256Hex(text)).toBe(nodeSha256(text));
  });

  it('equals node:crypto on a text of several megabytes', () => {
    const text = 'data: ünïcødé 🚀\n'.repeat(200_000);
    expect(sha256Hex(text)).toBe(nodeSha256(text));
  });
});
