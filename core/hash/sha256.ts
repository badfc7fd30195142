// SHA-256 (FIPS 180-4) for core/ and kustomize-ts, from @noble/hashes (pure JavaScript, audited): core/ may not
// import node:crypto, and kustomize-ts hashing a generated ConfigMap through node:crypto made a `gantry render`
// process compile node:crypto's modules, several ms of its start-up (BENCHMARKS.md). Uses: the digest of a release's
// rendered manifests, the markers that stand in for Secret values in a diff, and generated resources' name suffixes.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** The SHA-256 digest of `data` as 64 lowercase hex digits. Strings are hashed as their UTF-8 bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return bytesToHex(sha256(typeof data === 'string' ? utf8ToBytes(data) : data));
}
