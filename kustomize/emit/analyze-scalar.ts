/**
 * What a scalar's characters allow, by the rules of libyaml's emitter (which go-yaml v2 ports): whether it may be
 * written plain, single-quoted or as a literal block. kustomize's output goes through that emitter, so these rules
 * decide every quote in `kustomize build` output.
 */
export interface ScalarAnalysis {
  readonly multiline: boolean;
  readonly blockPlainAllowed: boolean;
  readonly singleQuotedAllowed: boolean;
  readonly blockAllowed: boolean;
}

/** Characters libyaml writes as they are (everything else is escaped in double quotes). */
export function isPrintable(c: number): boolean {
  return (
    c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}

/** Line breaks as libyaml counts them: CR, LF, NEL, LS, PS. */
export function isBreak(c: number | undefined): boolean {
  return c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
}

const isBlank = (c: number | undefined): boolean => c === 0x20 || c === 0x09;

/**
 * Texts that analyze as {@link SIMPLE_ANALYSIS} without looking at each code point: printable ASCII with no space,
 * quote, `#` or leading indicator, a `:` only between other characters, not starting with `...`. Most keys and
 * values of a manifest are such texts, so the emitter's fast path skips the analysis for them.
 */
const SIMPLE_PLAIN = /^[A-Za-z0-9_./=+$][A-Za-z0-9_./=+$:-]*$/;

/** What {@link analyzeScalar} says of every text {@link isSimplePlain} accepts. */
export const SIMPLE_ANALYSIS: ScalarAnalysis = {
  multiline: false,
  blockPlainAllowed: true,
  singleQuotedAllowed: true,
  blockAllowed: true,
};

/** Whether `text` is one-line printable ASCII that libyaml writes plain as it is (see {@link SIMPLE_PLAIN}). */
export function isSimplePlain(text: string): boolean {
  return SIMPLE_PLAIN.test(text) && !text.endsWith(':') && !text.startsWith('...');
}

/** Analyzes a scalar given as its code points. */
export function analyzeScalar(chars: readonly number[]): ScalarAnalysis {
  if (chars.length === 0) {
    return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;

  const startsWith = (s: string): boolean => chars.length >= 3 && String.fromCodePoint(...chars.slice(0, 3)) === s;
  if (startsWith('---') || startsWith('...')) blockIndicators = true;

  const last = chars.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = chars[i] ?? 0;
    const next = chars[i + 1];
    const followedByWhitespace = i === last || isBlank(next);
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':') && followedByWhitespace) blockIndicators = true;
      else if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else if (ch === ':' && followedByWhitespace) {
      blockIndicators = true;
    } else if (ch === '#' && precededByWhitespace) {
      blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c) || c === 0;
  }

  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
  }
  if (spaceBreak || special) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
    blockAllowed = false;
  }
  if (lineBreaks || blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}
