/**
 * Go's number parsing and printing, as far as kustomize's YAML round trip depends on them: `strconv.ParseInt(s, 0,
 * 64)` decides what a plain scalar means, and `encoding/json` followed by go-yaml v2's `FormatFloat(f, 'g', -1)`
 * decides how a number is printed.
 */

const INT64_MIN = -(2n ** 63n);
/** The largest int64, beyond which go-yaml resolves an integer as a uint64. */
export const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const DIGITS: Record<number, RegExp> = {
  2: /^[01]+$/,
  8: /^[0-7]+$/,
  10: /^[0-9]+$/,
  16: /^[0-9a-fA-F]+$/,
};

/**
 * `strconv.ParseInt(text, 0, 64)` then, if that fails, `strconv.ParseUint(text, 0, 64)`: an optional sign, then
 * `0x`/`0o`/`0b` or a leading `0` (octal) prefix. Returns undefined when neither accepts the text.
 */
export function parseGoInteger(text: string): bigint | undefined {
  let rest = text;
  let negative = false;
  let signed = false;
  if (rest.startsWith('+') || rest.startsWith('-')) {
    negative = rest.startsWith('-');
    signed = true;
    rest = rest.slice(1);
  }
  let base = 10;
  const lower = rest.slice(0, 2).toLowerCase();
  if (lower === '0x') {
    base = 16;
    rest = rest.slice(2);
  } else if (lower === '0o') {
    base = 8;
    rest = rest.slice(2);
  } else if (lower === '0b') {
    base = 2;
    rest = rest.slice(2);
  } else if (rest.length > 1 && rest.startsWith('0')) {
    base = 8;
    rest = rest.slice(1);
  }
  const digits = DIGITS[base];
  if (rest === '' || digits === undefined || !digits.test(rest)) return undefined;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  const magnitude = BigInt(prefix + rest);
  const value = negative ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  // ParseUint takes no sign.
  if (!signed && value <= UINT64_MAX) return value;
  return undefined;
}

/** go-yaml's float shape: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`. */
export const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/**
 * Shortest round-trip digits and decimal point position of a finite, non-zero number, as a float64 or (`bits` 32) as
 * the float32 nearest to it: the fewest digits that read back as the same float32.
 */
function shortestDigits(value: number, bits: 32 | 64): { digits: string; dp: number } {
  const magnitude = Math.abs(value);
  let text = magnitude.toExponential();
  if (bits === 32) {
    for (let precision = 1; precision <= 9; precision++) {
      text = magnitude.toExponential(precision - 1);
      if (parseFloat32(text) !== magnitude) continue;
      // JavaScript rounds a value exactly halfway between two such texts up; Go's shortest formatting to the even one.
      const longer = magnitude.toExponential(precision);
      if (longer.split('e')[0]?.endsWith('5') === true && compareDecimalToDouble(longer, magnitude) === 0) {
        const [mantissa = '', exponent = ''] = longer.split('e');
        const truncated = `${mantissa.slice(0, -1).replace(/\.$/, '')}e${exponent}`;
        if (Number(mantissa.replace('.', '').at(-2) ?? '0') % 2 === 0) text = truncated;
      }
      break;
    }
  }
  const [mantissa = '0', exponent = '0'] = text.split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, dp: Number(exponent) + 1 };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The float32 next to a positive float32, above (`step` 1) or below (-1). */
function nextFloat32(value: number, step: 1 | -1): number {
  f32[0] = value;
  u32[0] = (u32[0] ?? 0) + step;
  return f32[0];
}

/** -1, 0 or 1 as the decimal `text` (`d.ddde±x`, positive) is below, at or above the positive float64 `value`. */
function compareDecimalToDouble(text: string, value: number): number {
  const [mantissa = '0', exponent = '0'] = text.split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  const decimalDigits = BigInt(mantissa.replace('.', ''));
  const decimalExp = Number(exponent) - fraction.length;
  f64[0] = value;
  const bits = u64[0] ?? 0n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const significand = (bits & ((1n << 52n) - 1n)) | (biased === 0 ? 0n : 1n << 52n);
  const binaryExp = (biased === 0 ? 1 : biased) - 1075;
  // text = decimalDigits × 10^decimalExp and value = significand × 2^binaryExp, scaled to integers.
  let left = decimalDigits * (decimalExp > 0 ? 10n ** BigInt(decimalExp) : 1n);
  let right = significand * (binaryExp > 0 ? 2n ** BigInt(binaryExp) : 1n);
  if (decimalExp < 0) right *= 10n ** BigInt(-decimalExp);
  if (binaryExp < 0) left *= 2n ** BigInt(-binaryExp);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * A positive decimal text read straight to the nearest float32, as Go's ParseFloat(text, 32) does. Reading it as a
 * float64 first and rounding that can land exactly between two float32s when the text itself is not (double
 * rounding: `7.038531e-26`), so that case is settled by comparing the text with the midpoint exactly.
 */
function parseFloat32(text: string): number {
  const double = Number(text);
  const single = Math.fround(double);
  if (single === double || !Number.isFinite(single)) return single;
  const [below, above] = single < double ? [single, nextFloat32(single, 1)] : [nextFloat32(single, -1), single];
  if ((below + above) / 2 !== double) return single;
  const side = compareDecimalToDouble(text, double);
  return side < 0 ? below : side > 0 ? above : single;
}

/**
 * `strconv.FormatFloat(value, 'g', -1, bits)`, with go-yaml's `.inf`/`.nan` spellings; `bits` 32 first rounds the
 * value to a float32, as sigs.k8s.io/yaml does to a float map key.
 */
export function formatGoFloat(input: number, bits: 32 | 64 = 64): string {
  const value = bits === 32 ? Math.fround(input) : input;
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const sign = value < 0 ? '-' : '';
  const { digits, dp } = shortestDigits(value, bits);
  const exp = dp - 1;
  // Shortest 'g' switches to exponent form below 1e-4 and from 1e6 (Go uses precision 6 for the decision).
  if (exp < -4 || exp >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= digits.length) return `${sign}${digits}${'0'.repeat(dp - digits.length)}`;
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/**
 * How kustomize prints a number: the resource goes through Go's `encoding/json` (shortest digits, exponent form
 * outside 1e-6..1e21) and back through go-yaml v2, which reads integer-looking text as an integer when it fits 64
 * bits and prints everything else with `FormatFloat('g')`. So `1.0` prints `1`, `1e6` prints `1000000` and
 * `1234567.5` prints `1.2345675e+06`.
 */
export function formatNumberLikeKustomize(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`json: unsupported value: ${value}`);
  const jsonText = Object.is(value, -0) ? '0' : String(value);
  if (/^-?\d+$/.test(jsonText)) {
    const int = BigInt(jsonText);
    if (int >= INT64_MIN && int <= UINT64_MAX) return int.toString();
  }
  return formatGoFloat(value);
}
