import {
  type Alias,
  Composer,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Parser,
  visit,
  type YAMLError,
} from 'yaml';
import { readCommonYaml, type CommonNode } from './common-yaml.js';
import { foldedRoundTrip } from './folded-round-trip.js';
import { newLenientLexer } from './lenient-lexer.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json-value.js';
import { resolvePlainScalar, type YamlDialect } from './resolve-scalar.js';
import { INT64_MAX, formatGoFloat, parseGoInteger } from './go-number.js';

/** Why YAML text could not be read. */
export type YamlErrorReason = 'syntax' | 'excessive-aliasing' | 'bad-tag';

/** YAML that cannot be read; `message` says where (line and column) and what. */
export class YamlError extends Error {
  override readonly name = 'YamlError';
  constructor(
    readonly reason: YamlErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** Options for {@link parseYamlDocuments}. */
export interface ParseYamlOptions {
  /** Scalar resolution rules; resources use go-yaml v3's. */
  readonly dialect?: YamlDialect;
  /**
   * Most nodes that alias expansion may create in one document. A "billion laughs" document expands to far more
   * than any real manifest, so it is refused instead of exhausting memory.
   */
  readonly maxAliasNodes?: number;
  /**
   * Read `metadata.annotations` values as their source text (`1.0` stays `"1.0"`), the way kustomize's
   * GetAnnotations does before it writes them back as strings.
   */
  readonly annotationsAsText?: boolean;
  /**
   * Let a later duplicate key in a mapping replace an earlier one, as kustomize's reading of kustomization files
   * (go-yaml v2 through sigs.k8s.io/yaml) does; by default a duplicate key is an error, as go-yaml v3 makes it when
   * kustomize reads resources.
   */
  readonly lastDuplicateKeyWins?: boolean;
  /**
   * Turn a plain mapping key that means something else than its text into the text sigs.k8s.io/yaml gives it when it
   * converts YAML to JSON (with the dialect's rules: `on` → `true`, `0x1F` → `31`, `1.50` → `1.5`); a null key is an
   * error there. Only texts read that way (a `crds:` file) ask for it; the lean reader does not keep whether a key
   * was quoted, so such texts are read by the `yaml` package.
   */
  readonly keysAsJson?: boolean;
}

const DEFAULT_MAX_ALIAS_NODES = 100_000;
/** Characters go-yaml's reader refuses anywhere in a document (outside YAML's c-printable set). */
const DISALLOWED =
  // eslint-disable-next-line no-control-regex -- matching control characters is this pattern's whole purpose
  /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const STR_TAG = 'tag:yaml.org,2002:str';
const CORE_TAGS: Record<string, string> = {
  'tag:yaml.org,2002:int': 'int',
  'tag:yaml.org,2002:float': 'float',
  'tag:yaml.org,2002:bool': 'bool',
  'tag:yaml.org,2002:null': 'null',
  'tag:yaml.org,2002:timestamp': 'timestamp',
};

/**
 * Parses a multi-document YAML text into JSON values, resolving scalars with go-yaml's rules, expanding aliases and
 * `<<` merge keys (as kustomize does when it reads a file). Empty documents are dropped.
 */
export function parseYamlDocuments(text: string, options: ParseYamlOptions = {}): JsonValue[] {
  return convertYamlAst(parseYamlAst(text, options), options);
}

/**
 * YAML text parsed once, to be converted with one or more dialects ({@link convertYamlAst}): by the lean reader of
 * the common subset (common-yaml.ts) when the text is in it, else by the `yaml` package.
 */
export type YamlAst = { readonly docs: readonly Document.Parsed[] } | { readonly common: readonly CommonNode[] };

/** Parses YAML text into documents, refusing what go-yaml's reader refuses. */
export function parseYamlAst(
  text: string,
  options: Pick<ParseYamlOptions, 'lastDuplicateKeyWins' | 'keysAsJson'> = {},
): YamlAst {
  const bad = DISALLOWED.exec(text);
  if (bad !== null) {
    const code = (bad[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0');
    throw new YamlError('syntax', `yaml: control characters are not allowed (U+${code} at offset ${bad.index})`);
  }
  const common = options.keysAsJson === true ? undefined : readCommonYaml(text);
  return common === undefined ? parseWithYamlPackage(text, options) : { common };
}

/** {@link parseYamlAst} by the `yaml` package alone (the full reader; exported for the lean reader's tests). */
export function parseWithYamlPackage(
  text: string,
  options: Pick<ParseYamlOptions, 'lastDuplicateKeyWins'> = {},
): { readonly docs: readonly Document.Parsed[] } {
  const list = composeDocuments(text, options.lastDuplicateKeyWins !== true);
  const error = list.flatMap((doc) => doc.errors)[0];
  if (error !== undefined) throw new YamlError('syntax', withPosition(text, error));
  // kustomize splits a stream at `---` before go-yaml reads it, so a directive ends up in a document of its own
  // and fails ("did not find expected <document start>"); accepting it here would render what kustomize refuses.
  if (
    list.some((doc) => doc.directives?.yaml.explicit === true || Object.keys(doc.directives?.tags ?? {}).length > 1)
  ) {
    throw new YamlError(
      'syntax',
      'yaml: did not find expected <document start> (%YAML and %TAG directives are not accepted)',
    );
  }
  // Only a text with a tab can break go-yaml's block scalar rule, so most texts skip the walk.
  if (text.includes('\t')) for (const doc of list) refuseTabIndentedBlockScalars(doc, text);
  const last = list[list.length - 1];
  if (last !== undefined && !text.endsWith('\n')) dropLineBreakAddedAtEnd(last, text);
  return { docs: list };
}

/**
 * go-yaml refuses a tab where a block scalar's indentation is still being read: on its leading lines when the
 * indentation is detected (`|`, `>`), and before the detected indentation on later lines ("found a tab character
 * where an indentation space is expected"); the `yaml` package reads the tab as content.
 */
function refuseTabIndentedBlockScalars(doc: Document.Parsed, text: string): void {
  visit(doc, {
    Scalar(_key, node) {
      const range = node.range;
      if ((node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') || range === undefined || range === null)
        return;
      const [header = '', ...lines] = text.slice(range[0], range[1]).split('\n');
      if (/[1-9]/.test(header.split('#')[0] ?? '')) return; // an explicit indentation: its base is the parent's
      let indent = 0;
      for (const line of lines) {
        const spaces = /^ */.exec(line)?.[0].length ?? 0;
        if ((indent === 0 || spaces < indent) && line[spaces] === '\t') {
          throw new YamlError(
            'syntax',
            `yaml: found a tab character where an indentation space is expected (at offset ${range[0]})`,
          );
        }
        if (indent === 0 && line.slice(spaces).replace(/\r$/, '') !== '') indent = spaces;
      }
    },
  });
}

/**
 * A block scalar that runs to the end of a text without a final line break has none in go-yaml (`|` and `|+` alike:
 * there is no line break to clip or keep); the `yaml` package adds one.
 */
function dropLineBreakAddedAtEnd(doc: Document.Parsed, text: string): void {
  visit(doc, {
    Scalar(_key, node) {
      const range = node.range;
      if ((node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') || range === undefined || range === null)
        return;
      if (range[1] >= text.length && typeof node.value === 'string' && node.value.endsWith('\n')) {
        node.value = node.value.slice(0, -1);
      }
    },
  });
}

/** The error's message with the line and column it points at, and that line with a caret under the column. */
function withPosition(text: string, error: YAMLError): string {
  const offset = error.pos[0];
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(0, lineStart).split('\n').length;
  const column = offset - lineStart + 1;
  const source = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
  return `${error.message} at line ${line}, column ${column}:\n\n${source}\n${' '.repeat(column - 1)}^\n`;
}

/** `parseAllDocuments` with go-yaml's lexing of quoted scalars ({@link newLenientLexer}). */
function composeDocuments(text: string, uniqueKeys: boolean): Document.Parsed[] {
  const parser = new Parser();
  const lexer = newLenientLexer();
  const composer = new Composer({ schema: 'failsafe', uniqueKeys });
  function* tokens(): Generator<ReturnType<Parser['next']> extends Generator<infer T> ? T : never> {
    for (const lexeme of lexer.lex(text)) yield* parser.next(lexeme);
    yield* parser.end();
  }
  return Array.from(composer.compose(tokens()));
}

/** Converts parsed documents to JSON values with a dialect's scalar rules; empty documents are dropped. */
export function convertYamlAst(ast: YamlAst, options: ParseYamlOptions = {}): JsonValue[] {
  const result: JsonValue[] = [];
  if ('common' in ast) {
    const converter = new CommonConverter(
      options.dialect ?? 'go-yaml-v3',
      options.maxAliasNodes ?? DEFAULT_MAX_ALIAS_NODES,
      options.annotationsAsText === true,
    );
    for (const node of ast.common) result.push(converter.convertDocument(node));
    return result;
  }
  for (const doc of ast.docs) {
    if (doc.contents === null) continue;
    const converter = new Converter(
      doc,
      options.dialect ?? 'go-yaml-v3',
      options.maxAliasNodes ?? DEFAULT_MAX_ALIAS_NODES,
      options.annotationsAsText === true,
      options.keysAsJson === true,
    );
    const value = converter.convert(doc.contents);
    if (value === null) continue;
    result.push(value);
  }
  return result;
}

/** Parses a YAML text that must hold at most one document; undefined for an empty text. */
export function parseYamlDocument(text: string, options: ParseYamlOptions = {}): JsonValue | undefined {
  const docs = parseYamlDocuments(text, options);
  if (docs.length > 1) throw new YamlError('syntax', `expected one YAML document, found ${docs.length}`);
  return docs[0];
}

class Converter {
  private aliasNodes = 0;
  private inAlias = 0;
  private flowDepth = 0;
  private readonly keys: string[] = [];

  constructor(
    private readonly doc: Document.Parsed,
    private readonly dialect: YamlDialect,
    private readonly maxAliasNodes: number,
    private readonly annotationsAsText: boolean,
    private readonly keysAsJson = false,
  ) {}

  convert(node: unknown): JsonValue {
    if (this.inAlias > 0 && ++this.aliasNodes > this.maxAliasNodes) throw excessiveAliasing(this.maxAliasNodes);
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.convertAlias(node);
    if (isScalar(node)) return this.convertScalar(node.value, node.type, node.tag, node.range?.[0]);
    if (isSeq(node) || isMap(node)) {
      if (node.flow === true) this.flowDepth++;
      try {
        return isSeq(node) ? node.items.map((item) => this.convert(item)) : this.convertMap(node.items);
      } finally {
        if (node.flow === true) this.flowDepth--;
      }
    }
    throw new YamlError('syntax', 'unsupported YAML node');
  }

  private convertAlias(alias: Alias): JsonValue {
    const target = alias.resolve(this.doc);
    if (target === undefined) throw new YamlError('syntax', `unknown anchor '${alias.source}' referenced`);
    this.inAlias++;
    try {
      return this.convert(target);
    } finally {
      this.inAlias--;
    }
  }

  private convertScalar(raw: unknown, type: string | undefined, tag: string | undefined, offset?: number): JsonValue {
    const text = raw === null || raw === undefined ? '' : String(raw);
    if (tag === STR_TAG || tag === 'tag:yaml.org,2002:binary') return text;
    const wanted = tag === undefined ? undefined : CORE_TAGS[tag];
    if (tag !== undefined && wanted === undefined) return text; // an application tag: go-yaml keeps the text
    if (wanted === undefined && type !== 'PLAIN' && type !== undefined) return this.blockText(text, type);
    const resolved = resolvePlainScalar(text, this.dialect);
    if (wanted !== undefined && resolved.tag !== wanted && !(wanted === 'float' && resolved.tag === 'int')) {
      throw new YamlError(
        'bad-tag',
        `yaml: cannot decode !!${resolved.tag} \`${text}\` as a !!${wanted}${where(offset)}`,
      );
    }
    // kustomize re-encodes flow collections before decoding them, quoting any scalar with a ':' in it, so a
    // timestamp with a time of day inside `[...]` or `{...}` stays the text it was.
    if (resolved.tag === 'timestamp' && this.flowDepth > 0 && text.includes(':')) return text;
    return resolved.tag === 'merge' ? '<<' : resolved.value;
  }

  private convertMap(items: readonly { key: unknown; value: unknown }[]): JsonObject {
    const out: JsonObject = {};
    const merges: JsonValue[] = [];
    for (const pair of items) {
      const key = this.keyOf(pair.key);
      if (key === '<<' && isScalar(pair.key) && pair.key.type === 'PLAIN') {
        merges.push(this.convert(pair.value));
        continue;
      }
      this.keys.push(key);
      try {
        setKey(out, key, this.inAnnotations() ? this.rawText(pair.value) : this.convert(pair.value));
      } finally {
        this.keys.pop();
      }
    }
    // Merge keys fill in what the mapping does not set itself; earlier sources win over later ones.
    for (const merge of merges.flatMap((m) => (Array.isArray(m) ? m : [m]))) {
      if (!isJsonObject(merge))
        throw new YamlError('syntax', 'yaml: map merge requires map or sequence of maps as the value');
      for (const [k, v] of Object.entries(merge)) if (!Object.hasOwn(out, k)) setKey(out, k, v);
    }
    return out;
  }

  private inAnnotations(): boolean {
    return (
      this.annotationsAsText && this.keys.length === 3 && this.keys[0] === 'metadata' && this.keys[1] === 'annotations'
    );
  }

  /** go-yaml's `Node.Value`: a scalar's text, `''` for a collection or an empty value. */
  private rawText(node: unknown): string {
    if (isAlias(node)) return this.rawText(node.resolve(this.doc));
    if (isScalar(node))
      return this.blockText(node.value === null || node.value === undefined ? '' : String(node.value), node.type);
    return '';
  }

  /** A scalar's text as kustomize ends up with it: a folded block in a resource goes through kyaml's round trip. */
  private blockText(text: string, type: string | undefined): string {
    return type === 'BLOCK_FOLDED' && this.dialect === 'go-yaml-v3' ? foldedRoundTrip(text) : text;
  }

  private keyOf(key: unknown): string {
    if (isScalar(key)) {
      const text = key.value === null || key.value === undefined ? '' : String(key.value);
      return this.keysAsJson && key.type === 'PLAIN' && key.tag === undefined ? jsonKeyOf(text, this.dialect) : text;
    }
    if (isAlias(key)) {
      const value = this.convertAlias(key);
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
    throw new YamlError('syntax', 'yaml: mapping keys must be scalars');
  }
}

/** {@link Converter} for the lean reader's nodes, which have no merge keys, tags or flow content; aliases as there. */
class CommonConverter {
  private readonly keys: string[] = [];
  private aliasNodes = 0;
  private inAlias = 0;

  constructor(
    private readonly dialect: YamlDialect,
    private readonly maxAliasNodes: number,
    private readonly annotationsAsText: boolean,
  ) {}

  /** Each document's count of nodes expanded from aliases starts at 0 (the full reader has a converter per document). */
  convertDocument(node: CommonNode): JsonValue {
    this.aliasNodes = 0;
    return this.convert(node);
  }

  /** As {@link Converter.convert}, aliases counted the same way. */
  private convert(node: CommonNode | null): JsonValue {
    if (this.inAlias > 0 && ++this.aliasNodes > this.maxAliasNodes) throw excessiveAliasing(this.maxAliasNodes);
    if (node === null) return null;
    switch (node.kind) {
      case 'alias':
        this.inAlias++;
        try {
          return this.convert(node.target);
        } finally {
          this.inAlias--;
        }
      case 'scalar': {
        if (!node.plain) return node.text;
        const resolved = resolvePlainScalar(node.text, this.dialect);
        return resolved.tag === 'merge' ? '<<' : resolved.value;
      }
      case 'seq':
        return node.items.map((item) => this.convert(item));
      case 'map': {
        const out: JsonObject = {};
        // An index loop and the entry's parts read by index: in a render process this runs cold, in V8's
        // interpreter, where destructuring each entry costs an iterator and its results (about 0.1 µs an entry).
        const entries = node.entries;
        for (let i = 0; i < entries.length; i++) {
          const key = entries[i]![0];
          const value = entries[i]![1];
          this.keys.push(key);
          const inAnnotations =
            this.annotationsAsText &&
            this.keys.length === 3 &&
            this.keys[0] === 'metadata' &&
            this.keys[1] === 'annotations';
          setKey(out, key, inAnnotations ? rawText(value) : this.convert(value));
          this.keys.pop();
        }
        return out;
      }
    }
  }
}

/** go-yaml's `Node.Value` of a common node: a scalar's text (an alias's target's), `''` for a collection or null. */
function rawText(node: CommonNode | null): string {
  if (node?.kind === 'alias') return rawText(node.target);
  return node?.kind === 'scalar' ? node.text : '';
}

function excessiveAliasing(max: number): YamlError {
  return new YamlError(
    'excessive-aliasing',
    `yaml: document contains excessive aliasing (more than ${max} nodes expanded from aliases)`,
  );
}

/**
 * The JSON key sigs.k8s.io/yaml makes of a plain YAML key: go-yaml resolves it, and a boolean, integer or float is
 * printed back (a float as the float32 Go's FormatFloat gives, `1.50` → `1.5`); a timestamp stays its text.
 */
function jsonKeyOf(text: string, dialect: YamlDialect): string {
  const resolved = resolvePlainScalar(text, dialect);
  switch (resolved.tag) {
    case 'bool':
      return String(resolved.value);
    case 'int': {
      const int = parseGoInteger(text.replace(/_/g, '')) ?? BigInt(Number(resolved.value));
      // go-yaml gives an integer beyond int64 as a uint64, a key type sigs.k8s.io/yaml does not convert.
      if (int > INT64_MAX)
        throw new YamlError('syntax', `unsupported map key of type: uint64, key: 0x${int.toString(16)}`);
      return int.toString();
    }
    case 'float':
      return formatGoFloat(Number(resolved.value), 32);
    case 'null':
      throw new YamlError('syntax', 'unsupported map key of type: %!s(<nil>), key: <nil>');
    default:
      return text;
  }
}

/** Sets a key without letting `__proto__` reach the prototype chain. */
function setKey(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function where(offset: number | undefined): string {
  return offset === undefined ? '' : ` (at offset ${offset})`;
}
