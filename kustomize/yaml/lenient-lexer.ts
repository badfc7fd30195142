import { Lexer } from 'yaml';

/**
 * The members of the `yaml` package's Lexer (2.x) that {@link lenientQuotedScalar} uses. They are private in its
 * type declarations; the package version is pinned by package-lock, and yaml-reading.test.ts fails if they change.
 */
interface LexerState {
  indentNext: number;
  readonly buffer: string;
  readonly pos: number;
  readonly atEnd: boolean;
  readonly flowLevel: number;
  charAt(n: number): string | undefined;
  setNext(state: string): string;
  pushToIndex(index: number, allowEmpty: boolean): Generator<string, number>;
}

/** A line starting with a document marker, which ends a quoted scalar in go-yaml too ("unexpected document indicator"). */
const DOCUMENT_MARKER = /\n(?:---|\.\.\.)(?:[ \t\r\n]|$)/;

/**
 * A quoted scalar read as go-yaml (libyaml's scanner) reads it: continuation lines may sit at any column. The `yaml`
 * package ends the scalar at the first line indented less than the block it is in ("Missing closing 'quote"), which
 * refuses real manifests go-yaml accepts, such as Flagger's CRDs, whose single-quoted descriptions continue at the
 * key's column.
 */
function* lenientQuotedScalar(this: LexerState): Generator<string, string> {
  const quote = this.charAt(0);
  let end = this.buffer.indexOf(quote ?? '', this.pos + 1);
  if (quote === "'") {
    while (end !== -1 && this.buffer[end + 1] === "'") end = this.buffer.indexOf("'", end + 2);
  } else {
    // A double quote ends the scalar unless an odd number of backslashes escape it.
    while (end !== -1) {
      let backslashes = 0;
      while (this.buffer[end - 1 - backslashes] === '\\') backslashes++;
      if (backslashes % 2 === 0) break;
      end = this.buffer.indexOf('"', end + 1);
    }
  }
  const body = this.buffer.slice(this.pos, end === -1 ? undefined : end);
  const marker = DOCUMENT_MARKER.exec(body);
  // Cut before a document marker (or the end of input) so that the parser reports the missing quote there.
  if (marker !== null) end = this.pos + marker.index - (body[marker.index - 1] === '\r' ? 2 : 1);
  if (end === -1) {
    if (!this.atEnd) return this.setNext('quoted-scalar');
    end = this.buffer.length;
  }
  yield* this.pushToIndex(end + 1, false);
  return this.flowLevel > 0 ? 'flow' : 'doc';
}

/** A method of the `yaml` package's Lexer, checked to exist so that a changed version fails loudly, not silently. */
function lexerMethod(name: string): (this: LexerState) => Generator<string, string> {
  const method: unknown = Object.getOwnPropertyDescriptor(Lexer.prototype, name)?.value;
  if (typeof method !== 'function') {
    throw new Error(
      `yaml: Lexer.${name} is gone; kustomize/yaml/lenient-lexer.ts needs updating for this yaml version`,
    );
  }
  return method as (this: LexerState) => Generator<string, string>;
}

/** The Lexer's own `parseFlowCollection`, which the lenient one wraps; read when the class is made. */
let parseFlowCollection: ((this: LexerState) => Generator<string, string>) | undefined;

/**
 * A line of a flow collection (`[...]`, `{...}`) read as go-yaml reads it: indentation does not matter inside one,
 * so `b: [x,` may continue on a line at the key's column. The `yaml` package ends the collection at a line indented
 * less than the block it is in; with the block indentation set aside for the line, only a document marker at
 * column 0 ends it.
 */
function* lenientFlowCollection(this: LexerState): Generator<string, string> {
  const indentNext = this.indentNext;
  this.indentNext = 0;
  try {
    return yield* parseFlowCollection!.call(this);
  } finally {
    this.indentNext = indentNext;
  }
}

let lenientLexer: (new () => Lexer) | undefined;

/**
 * A new `yaml` package Lexer with go-yaml's reading of quoted scalars and flow collections. The class is made at the
 * first call, not when this module loads: the render bundle loads the `yaml` package only when a text needs it
 * (scripts/bundle-render.ts), and most texts never do.
 */
export function newLenientLexer(): Lexer {
  if (lenientLexer === undefined) {
    lexerMethod('parseQuotedScalar');
    parseFlowCollection = lexerMethod('parseFlowCollection');
    class LenientLexer extends Lexer {}
    Object.defineProperty(LenientLexer.prototype, 'parseQuotedScalar', { value: lenientQuotedScalar });
    Object.defineProperty(LenientLexer.prototype, 'parseFlowCollection', { value: lenientFlowCollection });
    lenientLexer = LenientLexer;
  }
  return new lenientLexer();
}
