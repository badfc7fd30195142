import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCommonYaml } from '../../../kustomize/yaml/common-yaml.js';
import {
  type ParseYamlOptions,
  convertYamlAst,
  parseWithYamlPackage,
  parseYamlDocuments,
} from '../../../kustomize/yaml/parse-yaml.js';
import { krustyCasesDir } from '../../kustomize/krusty/krusty-cases.js';
import { readPublicRoots } from '../../kustomize/public-roots/public-roots.js';
import { REPO_ROOT } from '../../platform/paths.js';
import { readVersions } from '../../platform/versions.js';

// The lean reader of the common YAML subset (kustomize/yaml/common-yaml.ts) must read every text it accepts exactly
// as the full reader (the `yaml` package with go-yaml's rules) does, in both dialects and both duplicate-key modes,
// and must leave to the full reader every text the full reader refuses.

/** The ways kustomize-ts reads YAML: resources (go-yaml v3), kustomization files and patches (go-yaml v2). */
const READINGS: readonly ParseYamlOptions[] = [
  { annotationsAsText: true },
  { dialect: 'go-yaml-v3' },
  { dialect: 'go-yaml-v2', lastDuplicateKeyWins: true },
];

type Outcome = { readonly values: unknown[] } | { readonly error: string };

function fullReading(text: string, options: ParseYamlOptions): Outcome {
  try {
    return { values: convertYamlAst(parseWithYamlPackage(text, options), options) };
  } catch (error) {
    return { error: String(error) };
  }
}

/** Compares the two readers on one text; returns whether the lean one accepted it. */
function compare(text: string): boolean {
  const common = readCommonYaml(text);
  for (const options of READINGS) {
    const full = fullReading(text, options);
    if (common === undefined) continue;
    expect(full).toEqual({ values: convertYamlAst({ common }, options) });
  }
  return common !== undefined;
}

const YAML_NAME = /(?:\.ya?ml|^Kustomization)$/;

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '.git') yamlFiles(path, out);
    } else if (entry.isFile() && YAML_NAME.test(entry.name) && statSync(path).size <= 10 * 2 ** 20) {
      out.push(path);
    }
  }
  return out;
}

/** Every YAML file of the conformance corpora (krusty cases, public build roots) and of this repository's samples. */
function corpus(): string[] {
  const { KUSTOMIZE_VERSION } = readVersions();
  const dirs = [
    krustyCasesDir(KUSTOMIZE_VERSION),
    ...new Set((readPublicRoots(KUSTOMIZE_VERSION) ?? []).map((root) => root.moduleDir)),
    join(REPO_ROOT, 'test', 'kustomize'),
    join(REPO_ROOT, 'environments'),
    join(REPO_ROOT, 'apps'),
  ];
  const missing = dirs.filter((dir) => !existsSync(dir));
  if (missing.length > 0) throw new Error(`corpus directories missing (run setup): ${missing.join(', ')}`);
  return dirs.flatMap((dir) => yamlFiles(dir));
}

describe('the lean YAML reader against the full reader', () => {
  it('reads every corpus file it accepts as the full reader does, and accepts most of them', () => {
    const files = corpus();
    let accepted = 0;
    let readable = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      try {
        parseYamlDocuments(text);
        readable++;
      } catch {
        // A file the full reader refuses is compared too: the lean reader must refuse it.
      }
      try {
        if (compare(text)) accepted++;
      } catch (error) {
        throw new Error(`${file}: ${String(error)}`);
      }
    }
    expect(files.length).toBeGreaterThan(1000);
    // The subset is only worth having if it covers what real repositories hold.
    expect(accepted / readable).toBeGreaterThan(0.8);
  });

  it('reads generated texts as the full reader does whenever it accepts them', () => {
    // Texts of a few lines built from the fragments where the two readers could part (keys, values, continuation
    // and block lines, markers at every indentation), from a fixed seed so that every run checks the same texts.
    let seed = 7;
    const next = (n: number) => {
      // A 32-bit linear congruential generator, read from its high bits (its low bits repeat with a short period).
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 16) % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)]!;
    const keys = ['a', 'b', '"c"', "'d'", '-e', 'f g', 'h.i/j', '"k l"', '1', 'true', 'x:y'];
    const values = [
      ...['', ' v', ' 1', ' yes', ' ~', " ''", ' ""', ' "x\\ny"', ' |', ' |-', ' [a, b]', ' []', ' {}', ' # c'],
      ...[' w # c', " 'p''q'", ' "r', " 's", ' t:', ' u: v', ' - w', ' 2001-12-14', ' .5', ' -1', ' a b  ', ' [x'],
      ...[' ["m", n]', ' >', ' &a x', ' *a', ' !!str 1', ' &a', ' &b', ' *b', ' &a |', ' &b [x]', ' &a # c', ' *a # c'],
      ...[' *a x', ' &a *b', ' &a&b', ' *c', ' &b "q', ' & x', ' &a-b_1 {}', ' *a-b_1'],
    ];
    const lines = [
      ...['   ', '      lit', 'lit  ', '#in', '---x', 'a: |', '"x\\n', 'x', 'y z', '- q', '# c', 'k: v', '"', "'"],
      ...['> 0', '', 'end"', "end'", '  deeper'],
    ];
    let accepted = 0;
    let withAliases = 0;
    for (let n = 0; n < 20_000; n++) {
      // Half the texts open with anchors, so that the aliases below have something to name.
      const text: string[] =
        next(2) === 0 ? [] : [pick(['p: &a x', 'p: &b\n  k: [v]', 'p: &a\n- 1\nq: &b y', '- &a\n  k: v\n- &b 2'])];
      for (let l = 1 + next(6); l > 0; l--) {
        const indent = ' '.repeat(pick([0, 0, 1, 2, 2, 3, 4, 6]));
        const kind = next(10);
        if (kind < 5) text.push(`${indent}${pick(keys)}:${pick(values)}`);
        else if (kind < 7) text.push(`${indent}-${pick([...values, ' k: v', ' "q": 1', ' &a k: v'])}`);
        else if (kind < 9) text.push(indent + pick(lines));
        else text.push(pick(['---', '', '# x', '...']));
      }
      const joined = text.join('\n') + (next(4) === 0 ? '' : '\n');
      if (compare(joined)) {
        accepted++;
        if (/(?::|-) \*[ab]/.test(joined)) withAliases++;
      }
    }
    expect(accepted).toBeGreaterThan(1_500);
    expect(withAliases).toBeGreaterThan(20);
  });

  it.each([
    ['mappings, sequences, comments', 'a: 1\n# c\nb:\n  c: [] # x\n  d: {}\nl:\n- x\n-   y: 2\n    z: "q"\n-\n- w\n'],
    ['compact items', '- name: a\n  image: b:1\n  args:\n  - --x=1\n  - "--y"\n- name: c\n'],
    ['literal blocks', 'a: |\n  one\n\n   two\n\nb: |-\n    x\n    y\nc:\n  - |\n    z\n'],
    ['documents', '---\na: 1\n---\n# only a comment\n---\n---\nb: yes\n'],
    ['scalars', "a: 'it''s'\nb: \"x\\\"y\\n\"\nc: 1.0\nd: ~\ne: 2001-12-14\nf: a b  # c\ng: a#b\n'h': y\n\"i j\": n\n"],
    ['annotations', 'metadata:\n  annotations:\n    a: 1.0\n    b: |\n      x\n    c:\n    d: []\n'],
    ['indented root', '  a: 1\n  b:\n  - 2\n'],
    ['multi-line double-quoted scalars', 'a: "one\\n  \n  two \\"x\\"\n\n  three\\t  "\nb:\n- "p\n  q" # c\n'],
    ['multi-line single-quoted scalars', "a: 'it''s\n  a  \n\n   long one '\nb:\n- 'x\n  y' # c\n"],
    [
      'plain continuation lines starting with indicators',
      'a: x\n  > 0 && y\n  || !z [r] {s} *t &u %v @w `x` \'y "q\nc: d\n',
    ],
    ['multi-line plain scalars', 'a: one\n  two\n\n\n   three  \nb:\n- x\n   y\n-  z: 1\n    2\nc: d\n e\n'],
    ['flow sequences', 'a: ["memory", \'cpu\']\nb: [get, list , 1, true, 2001-12-14]\nc: [ ]\nd:\n- [x]\n'],
    ['an anchored scalar and its alias', 'a: &x 1\nb: *x # same\nc:\n- *x\n'],
    [
      'anchored collections and their aliases, as a Deployment shares its labels',
      'spec:\n  selector:\n    matchLabels: &labels\n      app: a\n  template:\n    metadata:\n      labels: *labels\n' +
        'l: &l\n- x\n- &i\n  y: 1\nm:\n- *i\n- *l\n',
    ],
    ['an alias of a collection holding an alias', 'a: &a\n  x: 1\nb: &b\n  y: *a\nc: *b\n'],
    ['annotations from aliases', 'x: &v 1.0\nmetadata:\n  annotations:\n    a: *v\n    b: &m\n      c: d\n    e: *m\n'],
    ['a name anchored again in a later document', 'a: &x 1\n---\na: &x 2\nb: *x\n'],
  ])('%s', (_name, text) => {
    expect(compare(text)).toBe(true);
  });

  it('refuses a billion laughs of block sequences as the full reader does', () => {
    // 18 levels, each a sequence of two aliases of the one before: 2^18 nodes, over the limit of 100,000.
    const levels = Array.from({ length: 18 }, (_, n) =>
      n === 0 ? 'l0: &l0\n- lol\n- lol\n' : `l${n}: &l${n}\n- *l${n - 1}\n- *l${n - 1}\n`,
    );
    const text = levels.join('');
    const common = readCommonYaml(text);
    expect(common).toBeDefined();
    for (const options of READINGS) {
      const full = fullReading(text, options);
      expect(full).toEqual({ error: expect.stringContaining('excessive aliasing') });
      expect(() => convertYamlAst({ common: common! }, options)).toThrow(
        (full as { error: string }).error.replace(/^YamlError: /, ''),
      );
    }
    // Under the limit, both expand every alias.
    expect(compare(levels.slice(0, 8).join(''))).toBe(true);
  });

  it.each([
    ['a comment inside a multi-line plain scalar', 'a: one\n  # c\n  two\n'],
    ['a continuation line that is a mapping', 'a: one\n  b: two\n'],
    ['a continuation line that starts like a sequence item', 'a: one\n  - two\n'],
    ['an escaped line break', 'a: "one\\\n  two"\n'],
    ["a single-quoted scalar continued at the key's column", "a:\n  b: 'one\n  two'\n"],
    ['an alias of an anchor of another document', 'a: &x 1\n---\nb: *x\n'],
    ['an alias inside the value it names', 'a: &x\n  b: *x\n'],
    ['a name anchored twice', 'a: &x 1\nb: &x 2\nc: *x\n'],
    ['an anchored null', 'a: &x\nb: *x\n'],
    ['an anchor on a key', '&x a: 1\n'],
    ['an anchor name with other characters', 'a: &x.y 1\nb: *x.y\n'],
    ['a merge key with an alias', 'a: &x\n  b: 1\nc:\n  <<: *x\n'],
    ['a merge key', 'a: {}\n<<: {}\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a flow mapping with content', 'a: {b: 1}\n'],
    ['a nested flow sequence', 'a: [[1], 2]\n'],
    ['a flow sequence with a trailing comma', 'a: [1, 2,]\n'],
    ['a flow sequence over two lines', 'a: [1,\n  2]\n'],
    ['a flow timestamp with a time', 'a: [2001-12-14T21:59:43Z]\n'],
    ['a folded block', 'a: >\n  x\n'],
    ['a kept block', 'a: |+\n  x\n\n'],
    ['a block at the end without a line break', 'a: |\n  x'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a tab', 'a:\t1\n'],
    ['CRLF line breaks', 'a: 1\r\n'],
    ['a BOM', '\uFEFFa: 1\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a scalar document', 'just text\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a mapping value after a value', 'a: b: c\n'],
    ['a \\u escape', 'a: "\\u00e9"\n'],
  ])('leaves %s to the full reader', (_name, text) => {
    expect(readCommonYaml(text)).toBeUndefined();
    compare(text);
  });
});
