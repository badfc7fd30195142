// Builds the krusty conformance cases: the tests of kustomize's own `api/krusty` package, at the api module version
// the pinned kustomize CLI requires, turned into directories `kustomize build` can render, each with the real CLI's
// output (or failure) as its expectation. Nothing of kustomize's is committed: the module comes from the Go module
// proxy (through `go mod download`), and the cases are written to the gantry cache, keyed by both versions.
//
// A test becomes cases only when it uses the plain harness and builtin features alone: `MakeHarness(t)`, files
// written with literal paths and contents (`WriteF`, `WriteK`, `WriteC`), and runs with the default options
// (`Run`, `RunWithErr`); helpers taking the harness and string arguments (`writeTestSchema(th, "comp/")`) are inlined
// first, and package string constants joined into what is written are resolved. Each run is one case holding the files
// written before it. Anything else (plugin harnesses, options changed, loops, table tests, files written from
// variables, helm, remote files whose outcome depends on the network) skips the whole test, with the reason counted in
// the manifest.
//
//   node --import tsx test/kustomize/krusty/extract-cases.ts     (setup runs it; idempotent, cached)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { binaryDirs } from '../../platform/paths.js';
import { readVersions } from '../../platform/versions.js';
import { KRUSTY_MANIFEST, krustyCasesDir, type KrustyCase, type KrustyManifest } from './krusty-cases.js';

const versions = readVersions();
const kustomize = join(binaryDirs(versions).kustomize, 'kustomize');

/** `go mod download -json` of one module: where its files are (the module cache) and its go.mod. */
function download(module: string): { Dir: string; GoMod: string; Version: string } {
  return JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', module], {
      encoding: 'utf8',
      // As the Go builds of setup: this machine's Go, never a toolchain a module asks for.
      env: { ...process.env, GOTOOLCHAIN: 'local' },
    }),
  ) as {
    Dir: string;
    GoMod: string;
    Version: string;
  };
}

/** The api module version the pinned CLI is built with, from the CLI module's go.mod. */
function apiVersionOfCli(): string {
  const goMod = readFileSync(
    download(`sigs.k8s.io/kustomize/kustomize/v5@${versions.KUSTOMIZE_VERSION}`).GoMod,
    'utf8',
  );
  const match = /^\s*sigs\.k8s\.io\/kustomize\/api (v\S+)/m.exec(goMod);
  if (!match) throw new Error(`kustomize ${versions.KUSTOMIZE_VERSION}'s go.mod requires no sigs.k8s.io/kustomize/api`);
  return match[1]!;
}

/** A Go string literal at `at` (raw or interpreted), or undefined. */
function goString(text: string, at: number): { value: string; end: number } | undefined {
  if (text[at] === '`') {
    const end = text.indexOf('`', at + 1);
    return end < 0 ? undefined : { value: text.slice(at + 1, end), end: end + 1 };
  }
  if (text[at] === '"') {
    let i = at + 1;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    try {
      return { value: JSON.parse(text.slice(at, i + 1)) as string, end: i + 1 };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const skipWhitespace = (text: string, at: number) => {
  while (/\s/.test(text[at] ?? '')) at += 1;
  return at;
};

type Step = { kind: 'write'; path: string; content: string } | { kind: 'run'; path: string; expectError: boolean };

/**
 * The functions of a Go source whose header matches `header` (anchored at a line start, ending in `{`): name and
 * body. The body runs to the matching brace, skipping string literals and comments, so a raw string holding a line
 * with a lone `}` (a JSON document) does not end it.
 */
function functionsOf(source: string, header: RegExp): { name: string; params?: string; body: string }[] {
  const found: { name: string; params?: string; body: string }[] = [];
  for (const match of source.matchAll(header)) {
    const start = match.index + match[0].length;
    let depth = 1;
    let i = start;
    while (i < source.length && depth > 0) {
      const c = source[i]!;
      if (c === '`') i = source.indexOf('`', i + 1);
      else if (c === '"' || c === "'") {
        for (i += 1; i < source.length && source[i] !== c; i += source[i] === '\\' ? 2 : 1);
      } else if (source.startsWith('//', i)) i = source.indexOf('\n', i);
      else if (source.startsWith('/*', i)) i = source.indexOf('*/', i) + 1;
      else if (c === '{') depth += 1;
      else if (c === '}') depth -= 1;
      if (i < 0) break;
      i += 1;
    }
    if (depth === 0 && i > 0) {
      const body = source.slice(start, i - 1).replace(/^\n|\n$/g, '');
      found.push({ name: match[1] ?? '', ...(match[2] === undefined ? {} : { params: match[2] }), body });
    }
  }
  return found;
}

/** Go code with the text of its string literals left out, so that what a test writes cannot look like code. */
function withoutLiterals(code: string): string {
  return code.replace(/`[^`]*`|"(?:[^"\\\n]|\\.)*"/g, (literal) => literal[0]!.repeat(2));
}

/**
 * What the tests of the krusty package share: its helpers that take the harness and strings
 * (`func writeTestSchema(th kusttest_test.Harness, filepath string)`), with their parameters and bodies, and its
 * package-level string constants (`const customSchemaPatch = \`...\``), which tests concatenate into what they write.
 */
interface Package {
  readonly helpers: ReadonlyMap<string, { readonly params: readonly string[]; readonly body: string }>;
  readonly constants: ReadonlyMap<string, string>;
  /** The krusty directory, whose testdata/ a helper may read (`os.ReadFile("./testdata/customschema.json")`). */
  readonly dir: string;
}

function packageOf(sources: readonly string[], dir: string): Package {
  const helpers = new Map<string, { params: string[]; body: string }>();
  const constants = new Map<string, string>();
  for (const source of sources) {
    for (const fn of functionsOf(
      source,
      /^func ([a-z]\w*)\(th kusttest_test\.Harness((?:, \w+)*(?: string)?)\) \{/gm,
    )) {
      const params = (fn.params ?? '')
        .replace(/ string$/, '')
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '');
      helpers.set(fn.name, { params, body: fn.body });
    }
    for (const match of source.matchAll(/^(?:const|var) (\w+) = `([^`]*)`$/gm)) constants.set(match[1]!, match[2]!);
  }
  return { helpers, constants, dir };
}

/** Replaces `name` where it stands as code (not inside a string literal) by `replacement`. */
function replaceInCode(code: string, name: string, replacement: string): string {
  const pattern = new RegExp(`\\b${name}\\b`, 'g');
  return code.replace(
    /(`[^`]*`|"(?:[^"\\\n]|\\.)*")|([^`"]+)/g,
    (whole, literal: string | undefined, rest: string | undefined) =>
      literal !== undefined ? literal : (rest ?? '').replace(pattern, () => replacement),
  );
}

/**
 * A test body with each statement that calls a helper (`writeBase(th)`, `writeTestSchema(th, "comp/")`) replaced by
 * the helper's body, its parameters replaced by the arguments, so that a test whose files a helper writes becomes a
 * case too; a helper's own helpers are inlined the same way, a few levels deep. A file a helper reads from krusty's
 * testdata (`bytes, _ := os.ReadFile(...)`, then `string(bytes)`) becomes a literal of its contents.
 */
function inlineHelpers(body: string, pkg: Package, depth = 0): string {
  if (depth > 4) return body;
  return body.replace(
    /^[ \t]*([a-z]\w*)\(th((?:, (?:"[^"\n]*"|`[^`]*`))*)\)[ \t]*$/gm,
    (statement, name: string, args: string) => {
      const helper = pkg.helpers.get(name);
      const values = args === '' ? [] : args.slice(2).split(/, (?=["`])/);
      if (helper === undefined || values.length !== helper.params.length) return statement;
      let inlined = helper.body;
      helper.params.forEach((param, i) => {
        inlined = replaceInCode(inlined, param, values[i]!);
      });
      for (const read of inlined.matchAll(/^[ \t]*(\w+), _ := os\.ReadFile\("([^"]+)"\)[ \t]*$/gm)) {
        const file = join(pkg.dir, read[2]!);
        if (!existsSync(file)) return statement;
        inlined = inlined.replace(read[0], '');
        inlined = inlined.split(`string(${read[1]!})`).join(JSON.stringify(readFileSync(file, 'utf8')));
      }
      return inlineHelpers(inlined, pkg, depth + 1);
    },
  );
}

/** A test run by krusty's openapi wrapper (`runOpenApiTest(t, func(t *testing.T) { ... })`): the wrapped body. */
function unwrapOpenApiTest(body: string): string {
  const inner = functionsOf(body, /runOpenApiTest\(t, func\(t \*testing\.T\) \{/g)[0];
  if (inner === undefined) return body;
  // Each case runs in a CLI process of its own, so resetting kustomize's process-wide schema is moot.
  return inner.body.replace(/^[ \t]*(?:t\.Helper|openapi\.ResetOpenAPI)\(\)[ \t]*$/gm, '');
}

/** A Go string expression at `at`: literals and package constants joined by `+`. */
function goExpression(text: string, at: number, pkg: Package): { value: string; end: number } | undefined {
  let value = '';
  let i = at;
  for (;;) {
    const literal = goString(text, i);
    if (literal !== undefined) {
      value += literal.value;
      i = literal.end;
    } else {
      const name = /^\w+/.exec(text.slice(i))?.[0];
      const constant = name === undefined ? undefined : pkg.constants.get(name);
      if (name === undefined || constant === undefined) return undefined;
      value += constant;
      i += name.length;
    }
    const next = skipWhitespace(text, i);
    if (text[next] !== '+') return { value, end: i };
    i = skipWhitespace(text, next + 1);
  }
}

/** Why a test body cannot be a case, or its steps. */
function stepsOf(test: string, pkg: Package): Step[] | string {
  const body = inlineHelpers(unwrapOpenApiTest(test), pkg);
  if (!/\bth := kusttest_test\.MakeHarness\(t\)/.test(body)) return 'not the plain harness';
  for (const [pattern, reason] of [
    [/Helm|helm/, 'helm'],
    [/\bfor\b|t\.Run\(|\[\]struct|range /, 'loops or table tests'],
    [/PluginsEnabled|MakeEnhancedHarness|PrepBuiltin|PrepExecPlugin/, 'plugins'],
    [/\bopts?\b\s*\.|options\./, 'options changed'],
    [/\w\((?:th|&th)\b/, 'files written by a helper function'],
  ] as const) {
    if (pattern.test(withoutLiterals(body))) return reason;
  }
  const steps: Step[] = [];
  const call = /th\.(\w+)\(/g;
  for (let match = call.exec(body); match; match = call.exec(body)) {
    const name = match[1]!;
    if (name === 'MakeDefaultOptions' || name.startsWith('Assert')) continue;
    if (!['WriteF', 'WriteK', 'WriteC', 'Run', 'RunWithErr'].includes(name)) return `th.${name}`;
    let at = skipWhitespace(body, match.index + match[0].length);
    const path = goExpression(body, at, pkg);
    if (!path) return 'a path that is not a literal';
    at = skipWhitespace(body, path.end);
    if (body[at] !== ',') return 'unexpected arguments';
    at = skipWhitespace(body, at + 1);
    if (name === 'Run' || name === 'RunWithErr') {
      if (!body.startsWith('th.MakeDefaultOptions())', at)) return 'options other than the defaults';
      steps.push({ kind: 'run', path: path.value, expectError: name === 'RunWithErr' });
      continue;
    }
    const content = goExpression(body, at, pkg);
    if (!content) return 'content that is not a literal';
    at = skipWhitespace(body, content.end);
    if (body[at] !== ')') return 'content that is not one literal';
    const header =
      name === 'WriteK'
        ? '\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n'
        : name === 'WriteC'
          ? '\napiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n'
          : '';
    // A kustomization naming a remote file or base makes the CLI's result depend on the network at setup time.
    if (name !== 'WriteF' && /^\s*(?:-\s*|\w+:\s*)(?:https?:\/\/|git@|github\.com\/)/m.test(content.value)) {
      return 'remote files or bases (the network)';
    }
    const file = name === 'WriteF' ? path.value : posix.join(path.value, 'kustomization.yaml');
    steps.push({ kind: 'write', path: file, content: header + content.value });
  }
  return steps.some((s) => s.kind === 'run') ? steps : 'no run';
}

/** A harness path as a path under the case's directory (the in-memory file system's root is `/`). */
const underCase = (path: string) => posix.normalize(posix.join('/', path)).slice(1) || '.';

function main(): void {
  if (!existsSync(kustomize)) {
    throw new Error(
      `kustomize ${versions.KUSTOMIZE_VERSION} is not built; run: bash test/platform/bin/build-binaries.sh kustomize`,
    );
  }
  const target = krustyCasesDir(versions.KUSTOMIZE_VERSION);
  if (existsSync(join(target, KRUSTY_MANIFEST))) {
    process.stderr.write(`krusty cases: cached in ${target}\n`);
    return;
  }
  const t0 = Date.now();
  const apiVersion = apiVersionOfCli();
  const krusty = join(download(`sigs.k8s.io/kustomize/api@${apiVersion}`).Dir, 'krusty');
  // Built in place (so the CLI's messages name the final paths); the manifest, written last, marks it complete.
  const work = target;
  rmSync(work, { recursive: true, force: true });
  const cases: KrustyCase[] = [];
  const skipped: Record<string, number> = {};
  let tests = 0;
  const testFiles = readdirSync(krusty)
    .filter((f) => f.endsWith('_test.go'))
    .sort();
  const sources = new Map(testFiles.map((file) => [file, readFileSync(join(krusty, file), 'utf8')]));
  const pkg = packageOf([...sources.values()], krusty);
  for (const [file, source] of sources) {
    const feature = file.replace(/_test\.go$/, '');
    for (const fn of functionsOf(source, /^func (Test\w+)\(t \*testing\.T\) \{/gm)) {
      tests += 1;
      const steps = stepsOf(fn.body, pkg);
      if (typeof steps === 'string') {
        skipped[steps] = (skipped[steps] ?? 0) + 1;
        continue;
      }
      const files = new Map<string, string>();
      let run = 0;
      for (const step of steps) {
        if (step.kind === 'write') {
          files.set(underCase(step.path), step.content);
          continue;
        }
        run += 1;
        const name = `${feature}--${fn.name}${run > 1 ? `--${run}` : ''}`;
        const root = join(work, name);
        for (const [path, content] of files) {
          mkdirSync(dirname(join(root, 'files', path)), { recursive: true });
          writeFileSync(join(root, 'files', path), content);
        }
        const dir = underCase(step.path);
        mkdirSync(join(root, 'files', dir), { recursive: true });
        const cli = spawnSync(kustomize, ['build', dir], {
          cwd: join(root, 'files'),
          encoding: 'utf8',
          timeout: 60_000,
        });
        const ok = cli.status === 0;
        writeFileSync(join(root, ok ? 'expected.yaml' : 'expected-error.txt'), ok ? cli.stdout : cli.stderr);
        cases.push({ name, feature, dir, expectError: step.expectError, cliFailed: !ok });
      }
    }
  }
  const manifest: KrustyManifest = { apiVersion, kustomizeVersion: versions.KUSTOMIZE_VERSION, tests, skipped, cases };
  writeFileSync(join(work, KRUSTY_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  const skippedCount = Object.values(skipped).reduce((a, b) => a + b, 0);
  process.stderr.write(
    `krusty cases: ${cases.length} cases from ${tests - skippedCount} of ${tests} tests of api ${apiVersion} in ${target} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`,
  );
}

main();
