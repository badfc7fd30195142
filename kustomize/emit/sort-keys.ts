/**
 * The order go-yaml v2 gives a map's string keys when it marshals a Go map: a "natural" order in which letters
 * compare by code point, a letter sorts after a non-letter, and runs of digits compare by numeric value
 * (`a2` < `a10`). kustomize's output goes through that marshaller, so this is the key order of `kustomize build`.
 */
export function goYamlKeyLess(a: string, b: string): boolean {
  // Nearly every key is ASCII with short digit runs: compare those in place, without building arrays of code points
  // or BigInts (this comparison is a tenth of a cold render's CPU otherwise).
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ai0 = a.charCodeAt(i);
    const bi0 = b.charCodeAt(i);
    if (ai0 >= 0x80 || bi0 >= 0x80) return codePointKeyLess(a, b);
    if (ai0 === bi0) continue;
    const al = isAsciiLetter(ai0);
    const bl = isAsciiLetter(bi0);
    if (al && bl) return ai0 < bi0;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ai0 === 0x30 || bi0 === 0x30) {
      for (let j = i - 1; j >= 0 && isAsciiDigit(a.charCodeAt(j)); j--) {
        if (a.charCodeAt(j) !== 0x30) {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < a.length && isAsciiDigit(a.charCodeAt(ai)); ai++) an = an * 10 + (a.charCodeAt(ai) - 0x30);
    let bi = i;
    for (; bi < b.length && isAsciiDigit(b.charCodeAt(bi)); bi++) bn = bn * 10 + (b.charCodeAt(bi) - 0x30);
    // Past 15 digits a double is no longer exact, and a non-ASCII digit may continue the run: the general path decides.
    if (
      ai - i > 15 ||
      bi - i > 15 ||
      (ai < a.length && a.charCodeAt(ai) >= 0x80) ||
      (bi < b.length && b.charCodeAt(bi) >= 0x80)
    ) {
      return codePointKeyLess(a, b);
    }
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ai0 < bi0;
  }
  // One is a prefix of the other, and that prefix is ASCII: the shorter has fewer code points.
  return a.length < b.length;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The comparison over code points, for keys with characters beyond ASCII or long runs of digits. */
export function codePointKeyLess(a: string, b: string): boolean {
  const ar = [...a].map((c) => c.codePointAt(0) ?? 0);
  const br = [...b].map((c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ai0 = ar[i] ?? 0;
    const bi0 = br[i] ?? 0;
    if (ai0 === bi0) continue;
    const al = isLetter(ai0);
    const bl = isLetter(bi0);
    if (al && bl) return ai0 < bi0;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ai0 === 0x30 || bi0 === 0x30) {
      // A zero inside a number that started earlier counts as a digit, not a leading zero.
      for (let j = i - 1; j >= 0 && isDigit(ar[j] ?? 0); j--) {
        if (ar[j] !== 0x30) {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai] ?? 0); ai++) an = an * 10n + BigInt((ar[ai] ?? 0x30) - 0x30);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi] ?? 0); bi++) bn = bn * 10n + BigInt((br[bi] ?? 0x30) - 0x30);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ai0 < bi0;
  }
  return ar.length < br.length;
}

/** Sorts keys into go-yaml v2's order. */
export function sortKeysLikeGoYaml(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => (goYamlKeyLess(a, b) ? -1 : goYamlKeyLess(b, a) ? 1 : 0));
}

function isLetter(c: number): boolean {
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return /\p{L}/u.test(String.fromCodePoint(c));
}

function isDigit(c: number): boolean {
  if (c < 0x80) return c >= 0x30 && c <= 0x39;
  return /\p{Nd}/u.test(String.fromCodePoint(c));
}
