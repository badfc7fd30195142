import { createHash } from 'node:crypto';
import { sha256Hex } from '../../../../core/hash/sha256.js';

const reference = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('sha256Hex', () => {
  it('matches the published digest of the empty string and of "abc"', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  // Lengths around the 55/56/64-byte padding boundaries, where a SHA-256 implementation most often goes wrong.
  it.each([1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 100_000])('matches node:crypto for %i bytes', (length) => {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
    expect(sha256Hex(bytes)).toBe(reference(bytes));
  });

  it('hashes strings as UTF-8, as node:crypto does', () => {
    const text = 'pässwörd ✓ 密码';
    expect(sha256Hex(text)).toBe(reference(text));
  });
});
