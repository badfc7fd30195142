/**
 * Go's number parsing and printing, as far as kustomize's YAML round trip depends on them: `strconv.ParseInt(s, 0,
 * 64)` decides what a plain scalar means, and `encoding/json` followed by go-yaml v2's `FormatFloat(f, 'g', -1)`
 * decides how a number is printed.
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
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

/** Shortest round-trip digits and decimal point position of a finite, non-zero number. */
function shortestDigits(value: number): { digits: string; dp: number } {
  const [mantissa = '0', exponent = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, dp: Number(exponent) + 1 };
}

/** `strconv.FormatFloat(value, 'g', -1, 64)`, with go-yaml's `.inf`/`.nan` spellings. */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const sign = value < 0 ? '-' : '';
  const { digits, dp } = shortestDigits(value);
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
