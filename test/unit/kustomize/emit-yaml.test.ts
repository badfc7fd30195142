import { SIMPLE_ANALYSIS, analyzeScalar, isSimplePlain } from '../../../kustomize/emit/analyze-scalar.js';
import { emitYamlDocument } from '../../../kustomize/emit/emit-yaml.js';
import { codePointKeyLess, goYamlKeyLess, sortKeysLikeGoYaml } from '../../../kustomize/emit/sort-keys.js';
import type { JsonValue } from '../../../kustomize/yaml/json-value.js';

// Every expected text below is what `kustomize build` v5.8.2 printed for the same value.
const scalar = (value: JsonValue): string => emitYamlDocument({ v: value }).replace(/^v:/, '').replace(/\n$/, '');

describe('emitYamlDocument writes scalars the way kustomize build does', () => {
  it.each<[string, JsonValue, string]>([
    ['a plain word', 'hello', ' hello'],
    ['YAML 1.1 booleans double-quoted', 'yes', ' "yes"'],
    ['a one-letter boolean double-quoted', 'Y', ' "Y"'],
    ['on/off double-quoted', 'off', ' "off"'],
    ['a leading-zero number double-quoted', '0123', ' "0123"'],
    ['a float-looking string double-quoted', '1.5', ' "1.5"'],
    ['an exponent-looking string double-quoted', '1e3', ' "1e3"'],
    ['hex-looking double-quoted', '0x1F', ' "0x1F"'],
    ['the empty string double-quoted', '', ' ""'],
    ['null-looking double-quoted', 'null', ' "null"'],
    ['a tilde double-quoted', '~', ' "~"'],
    ['a date double-quoted', '2001-12-14', ' "2001-12-14"'],
    ['a sexagesimal number double-quoted', '1:30', ' "1:30"'],
    ['colon-space single-quoted', 'a: b', " 'a: b'"],
    ['colon without space plain', 'host:80', ' host:80'],
    ['space-hash single-quoted', 'a #b', " 'a #b'"],
    ['a leading star single-quoted', '*x', " '*x'"],
    ['a leading dash-space single-quoted', '- x', " '- x'"],
    ['a leading space single-quoted', ' x', " ' x'"],
    ['single quotes doubled inside single quotes', "'q'", " '''q'''"],
    ['a tab escaped in double quotes', 'a\tb', ' "a\\tb"'],
    ['a control character escaped as \\x', 'a\u0001b', ' "a\\x01b"'],
    ['an astral character escaped as \\U', '\u{1F600}', ' "\\U0001F600"'],
    ['accented letters plain', 'héllo', ' héllo'],
    ['three dashes single-quoted', '---', " '---'"],
    ['an integer', 42, ' 42'],
    ['a whole float as an integer', 1.0, ' 1'],
    ['a million as an integer', 1e6, ' 1000000'],
    ['a fractional million in exponent form', 1234567.5, ' 1.2345675e+06'],
    ['a small float in exponent form', 1.5e-7, ' 1.5e-07'],
    ['a huge float in exponent form', 1e20 * 10, ' 1e+21'],
    ['true', true, ' true'],
    ['null', null, ' null'],
    ['an empty map', {}, ' {}'],
    ['an empty list', [], ' []'],
  ])('%s', (_what, value, expected) => {
    expect(scalar(value)).toBe(expected);
  });

  it.each<[string, string, string]>([
    ['a trailing newline as a clipped literal block', 'a\nb\n', ' |\n  a\n  b'],
    ['no trailing newline as a stripped literal block', 'a\nb', ' |-\n  a\n  b'],
    ['two trailing newlines as a kept literal block', 'x\n\n', ' |+\n  x\n'],
    ['a leading space with an indentation hint', '\n lead\n', ' |2\n\n   lead'],
    ['a space before a newline in double quotes instead', 'a \nb', ' "a \\nb"'],
  ])('writes %s', (_what, value, expected) => {
    expect(scalar(value)).toBe(expected);
  });

  it('folds a long plain string after column 80, indented under its key', () => {
    const words = 'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr';
    expect(emitYamlDocument({ data: { long: words } })).toBe(
      'data:\n  long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n    pppp qqqq rrrr\n',
    );
  });

  it('does not indent a list under its key, and starts a mapping item on the dash line', () => {
    expect(emitYamlDocument({ containers: [{ name: 'a', image: 'x' }, ['z']] })).toBe(
      'containers:\n- image: x\n  name: a\n- - z\n',
    );
  });

  it('writes a key over 128 bytes as a complex key', () => {
    const key = 'k'.repeat(130);
    expect(emitYamlDocument({ [key]: 'v' })).toBe(`? ${key}\n: v\n`);
  });

  it('quotes keys that YAML 1.1 reads as booleans', () => {
    expect(emitYamlDocument({ y: 1, n: 2, on: 3 })).toBe('"n": 2\n"on": 3\n"y": 1\n');
  });
});

describe("go-yaml v2's natural key order", () => {
  it.each<[string, string, boolean]>([
    ['a2', 'a10', true],
    ['a10', 'a2', false],
    ['a9', 'a09', true],
    ['A', 'a', true],
    ['_u', 'A', true],
    ['1', 'A', true],
    ['-', '_u', true],
    ['ab', 'abc', true],
  ])('%s < %s is %s', (a, b, expected) => {
    expect(goYamlKeyLess(a, b)).toBe(expected);
  });

  it('sorts a ConfigMap-style key set the way kustomize prints it', () => {
    expect(sortKeysLikeGoYaml(['a10', 'A', '1', '-', 'a9', 'a09', '_u'])).toEqual([
      '-',
      '_u',
      '1',
      'A',
      'a9',
      'a09',
      'a10',
    ]);
  });
});

describe('goYamlKeyLess (ASCII fast path)', () => {
  it('agrees with the comparison over code points on keys mixing letters, digit runs, punctuation and non-ASCII', () => {
    const parts = [
      'a',
      'b',
      'Z',
      '0',
      '00',
      '1',
      '9',
      '10',
      '-',
      '.',
      '_',
      '/',
      'é',
      '٣',
      '😀',
      '+',
      '12345678901234567',
    ];
    const keys = ['', ...parts];
    for (const x of parts) for (const y of parts) keys.push(x + y, `k${x}${y}`);
    const disagreements: string[][] = [];
    for (const a of keys)
      for (const b of keys) if (goYamlKeyLess(a, b) !== codePointKeyLess(a, b)) disagreements.push([a, b]);
    expect(disagreements).toEqual([]);
  });
});

describe("the emitter's fast path for simple plain texts", () => {
  const codePoints = (text: string) => [...text].map((ch) => ch.codePointAt(0) ?? 0);

  it('accepts only texts the full analysis finds simple', () => {
    // Every text of up to three characters over an alphabet holding each class the rule distinguishes.
    const alphabet = ['a', 'Z', '0', '_', '.', '/', '=', '+', '$', ':', '-', ' ', '#', "'", '"', '?', ',', '[', '\n'];
    let texts = [''];
    const all: string[] = [];
    for (let length = 1; length <= 3; length++) {
      texts = texts.flatMap((t) => alphabet.map((c) => t + c));
      all.push(...texts);
    }
    let simple = 0;
    for (const text of [...all, '...a', 'a...', 'registry:5000/app:1.2', 'http://x', 'a:', '-', '-a', '.a']) {
      if (!isSimplePlain(text)) continue;
      simple++;
      expect([text, analyzeScalar(codePoints(text))]).toEqual([text, SIMPLE_ANALYSIS]);
    }
    expect(simple).toBeGreaterThan(1000);
  });

  it.each(['', ' a', 'a b', 'a:', 'a: b', '...', '#a', '-', '- a', ':a', 'é', 'a#b'])(
    'leaves %j to the full analysis',
    (text) => {
      expect(isSimplePlain(text)).toBe(false);
    },
  );
});
