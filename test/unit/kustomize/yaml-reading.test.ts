import { formatGoFloat, formatNumberLikeKustomize, parseGoInteger } from '../../../kustomize/yaml/go-number.js';
import { foldedRoundTrip } from '../../../kustomize/yaml/folded-round-trip.js';
import { YamlError, parseYamlDocuments } from '../../../kustomize/yaml/parse-yaml.js';
import { resolvePlainScalar } from '../../../kustomize/yaml/resolve-scalar.js';
import { parseYamlTimestamp } from '../../../kustomize/yaml/timestamp.js';

describe('plain scalars resolve as go-yaml resolves them', () => {
  it.each<[string, unknown]>([
    ['42', 42],
    ['0123', 83],
    ['0o17', 15],
    ['0x1F', 31],
    ['0b101', 5],
    ['1_000', 1000],
    ['+12', 12],
    ['08', 8],
    ['1.0', 1],
    ['.5', 0.5],
    ['1e3', 1000],
    ['1e400', '1e400'],
    ['yes', 'yes'],
    ['True', true],
    ['~', null],
    ['', null],
    ['2001-12-14', '2001-12-14T00:00:00Z'],
    ['2001-12-14T21:59:43.10-05:00', '2001-12-14T21:59:43.1-05:00'],
    ['2001-02-30', '2001-02-30'],
    ['v1.2', 'v1.2'],
  ])('%j in resources (go-yaml v3) → %j', (text, value) => {
    expect(resolvePlainScalar(text, 'go-yaml-v3').value).toEqual(value);
  });

  it.each<[string, unknown]>([
    ['yes', true],
    ['y', true],
    ['off', false],
    ['N', false],
  ])('%j in kustomization files (go-yaml v2, YAML 1.1) → %j', (text, value) => {
    expect(resolvePlainScalar(text, 'go-yaml-v2').value).toBe(value);
  });
});

describe("Go's number handling", () => {
  it.each<[string, bigint | undefined]>([
    ['0', 0n],
    ['-0x10', -16n],
    ['0777', 511n],
    ['089', undefined],
    ['18446744073709551615', 18446744073709551615n],
    ['-9223372036854775809', undefined],
    ['+18446744073709551615', undefined],
  ])('ParseInt/ParseUint(%j) = %j', (text, value) => {
    expect(parseGoInteger(text)).toBe(value);
  });

  it.each<[number, string]>([
    [1e6, '1e+06'],
    [123456.5, '123456.5'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-2.5, '-2.5'],
  ])("FormatFloat(%j, 'g', -1) = %s", (value, text) => {
    expect(formatGoFloat(value)).toBe(text);
  });

  it.each<[number, string]>([
    [1e6, '1000000'],
    [1e19, '10000000000000000000'],
    [1e20, '1e+20'],
    [1e21, '1e+21'],
    [1234567.5, '1.2345675e+06'],
    [-0, '0'],
  ])('kustomize prints %j as %s', (value, text) => {
    expect(formatNumberLikeKustomize(value)).toBe(text);
  });

  it('refuses infinities, as kustomize fails to encode them to JSON', () => {
    expect(() => formatNumberLikeKustomize(Infinity)).toThrow(/unsupported value/);
  });
});

describe('parseYamlDocuments', () => {
  it('drops empty and comment-only documents', () => {
    expect(parseYamlDocuments('# c\n---\na: 1\n---\n---\n# only\n')).toEqual([{ a: 1 }]);
  });

  it('expands aliases and merge keys, explicit keys winning', () => {
    expect(parseYamlDocuments('base: &b {x: 1, y: 2}\nout:\n  <<: *b\n  y: 3\n')).toEqual([
      { base: { x: 1, y: 2 }, out: { x: 1, y: 3 } },
    ]);
  });

  it('refuses a billion-laughs alias bomb before it exhausts memory', () => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const attempt = (): unknown => parseYamlDocuments(levels.join('\n'));
    expect(attempt).toThrow(YamlError);
    expect(attempt).toThrow(/excessive aliasing/);
  });

  it('refuses control characters as go-yaml does', () => {
    expect(() => parseYamlDocuments('a: "x\u007fy"')).toThrow(/control characters are not allowed/);
  });

  it('refuses duplicate keys', () => {
    expect(() => parseYamlDocuments('a: 1\na: 2\n')).toThrow(YamlError);
  });

  it('lets the last duplicate key win when asked, as kustomization files are read', () => {
    expect(parseYamlDocuments('a: 1\na: 2\n', { lastDuplicateKeyWins: true })).toEqual([{ a: 2 }]);
  });

  it('reads quoted scalars whose continuation lines sit at or left of the key, as go-yaml does', () => {
    const text = "m:\n  n:\n    s: 'one\n    two\n  three ''q''\nfour'\n    d: \"x\n  y\\\n  z\"\n    e: 1\n";
    expect(parseYamlDocuments(text)).toEqual([{ m: { n: { s: "one two three 'q' four", d: 'x yz', e: 1 } } }]);
  });

  it('reads flow collections whose lines sit at or left of the key, as go-yaml does', () => {
    expect(parseYamlDocuments('m:\n  l: [a,\n  b]\n  o: {c: 1,\nd: 2}\n')).toEqual([
      { m: { l: ['a', 'b'], o: { c: 1, d: 2 } } },
    ]);
  });

  it('still ends a quoted scalar at a document marker, with the line and column of the missing quote', () => {
    expect(() => parseYamlDocuments("a: 'x\n--- y'\n")).toThrow(/Missing closing 'quote at line 1, column 6/);
  });

  it('keeps an explicit !!str as a string and checks !!int', () => {
    expect(parseYamlDocuments('a: !!str 12\nb: !!int "13"\n')).toEqual([{ a: '12', b: 13 }]);
    expect(() => parseYamlDocuments('a: !!int abc\n')).toThrow(/cannot decode/);
  });

  it('reads annotations as their source text when asked, as kustomize writes them back', () => {
    const [doc] = parseYamlDocuments('metadata:\n  annotations:\n    a: 1.0\n    b: ~\n    c: yes\n', {
      annotationsAsText: true,
    });
    expect(doc).toEqual({ metadata: { annotations: { a: '1.0', b: '~', c: 'yes' } } });
  });

  it('keeps a time-of-day timestamp inside a flow list as its text, as kustomize does', () => {
    expect(parseYamlDocuments('l: [2001-12-14T21:59:43Z, 2001-12-14]\n')).toEqual([
      { l: ['2001-12-14T21:59:43Z', '2001-12-14T00:00:00Z'] },
    ]);
  });
});

describe('parseYamlTimestamp', () => {
  it.each<[string, string | undefined]>([
    ['2001-12-14 21:59:43.10', '2001-12-14T21:59:43.1Z'],
    ['2001-1-2', '2001-01-02T00:00:00Z'],
    ['2001-12-14t21:59:43+00:00', '2001-12-14T21:59:43Z'],
    ['2001-12-14T21:59:43', undefined],
    ['20011214', undefined],
  ])('%j → %j', (text, expected) => {
    expect(parseYamlTimestamp(text)).toBe(expected);
  });
});

// Values from Go's strconv.FormatFloat(f, 'g', -1, 32), which sigs.k8s.io/yaml applies to a float map key.
describe('formatGoFloat as a float32', () => {
  it.each<[number, string]>([
    [1.5, '1.5'],
    [0.1, '0.1'],
    [12345678.9, '1.2345679e+07'],
    [1e-7, '1e-07'],
    [3.4e38, '3.4e+38'],
    [1e39, '.inf'],
    [100000, '100000'],
    [1000000, '1e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [16777217, '1.6777216e+07'],
    [-2.5, '-2.5'],
    [123456.7, '123456.7'],
    [1.17549435e-38, '1.1754944e-38'],
    [1e-45, '1e-45'],
    [7.038531e-26, '7.0385313e-26'],
    [9.999999e-5, '9.999999e-05'],
  ])('%p → %s', (value, text) => {
    expect(formatGoFloat(value, 32)).toBe(text);
  });
});

// sigs.k8s.io/yaml (a `crds:` file) resolves plain keys with go-yaml v2 and prints them back as JSON keys.
describe('mapping keys read as sigs.k8s.io/yaml reads them (keysAsJson)', () => {
  const key = (text: string) =>
    Object.keys(parseYamlDocuments(`${text}: x\n`, { dialect: 'go-yaml-v2', keysAsJson: true })[0] as object)[0];

  it.each<[string, string]>([
    ['on', 'true'],
    ['Off', 'false'],
    ['y', 'true'],
    ['n', 'false'],
    ['0x1F', '31'],
    ['017', '15'],
    ['0b101', '5'],
    ['1_000', '1000'],
    ['+12', '12'],
    ['-0', '0'],
    ['9223372036854775807', '9223372036854775807'],
    ['1.50', '1.5'],
    ['1e3', '1000'],
    ['.Inf', '.inf'],
    ['-.inf', '-.inf'],
    ['.NaN', '.nan'],
    ['2001-12-14', '2001-12-14'],
    ['"on"', 'on'],
    ["'0x1F'", '0x1F'],
    ['!!str yes', 'yes'],
    ['name', 'name'],
  ])('%s → %s', (text, expected) => {
    expect(key(text)).toBe(expected);
  });

  it('refuses a null key and an integer beyond int64, which sigs.k8s.io/yaml cannot convert', () => {
    expect(() => key('~')).toThrow(YamlError);
    expect(() => key('null')).toThrow('unsupported map key');
    expect(() => key('9223372036854775808')).toThrow('uint64');
  });

  it('leaves keys as written without the option (resources and kustomization files keep them)', () => {
    expect(parseYamlDocuments('on: x\n0x1F: z\n', { dialect: 'go-yaml-v2' })[0]).toEqual({ on: 'x', '0x1F': 'z' });
  });
});

// Expected values are what kustomize v5.8.2 printed for the same folded blocks (test/kustomize/cases/
// yaml-folded-blocks-more-indented-lines and its neighbours).
describe('folded blocks after kyaml re-encodes them (foldedRoundTrip)', () => {
  it.each<[string, string]>([
    ['p\n q\n', 'p\n\n q\n'],
    ['p\n\n q\n', 'p\n\n\n q\n'],
    ['x\n\n\ty\n', 'x\n\n\n\ty\n'],
    ['x\n\ty\nz\n', 'x\n\n\ty\nz\n'],
    ['p\n q\nr\n\n\n', 'p\n\n q\nr\n\n\n\n'],
    ['p\n q\n\n', 'p\n\n q\n\n'],
    ['p\n\n', 'p\n\n\n'],
    ['p\n', 'p\n'],
    ['\np\n q\n', '\np\n\n q\n'],
    ['p\nq\n\nr\n', 'p\nq\n\nr\n'],
    ['  x\np q\nr\n s\n', '  x\np q r\n s\n'],
    [' a\nb\n\nc\n', ' a\nb\nc\n'],
    ['', ''],
  ])('%j → %j', (value, expected) => {
    expect(foldedRoundTrip(value)).toBe(expected);
  });

  it('applies to folded blocks in resources only', () => {
    const text = 'a: >\n  p\n   q\nb: |\n  p\n   q\n';
    expect(parseYamlDocuments(text)[0]).toEqual({ a: 'p\n\n q\n', b: 'p\n q\n' });
    expect(parseYamlDocuments(text, { dialect: 'go-yaml-v2' })[0]).toEqual({ a: 'p\n q\n', b: 'p\n q\n' });
  });
});
