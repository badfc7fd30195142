/**
 * A lean reader for the subset of YAML that nearly every manifest and kustomization file is written in: block
 * mappings and sequences (compact `- key: value` items and `key:\n- item` sequences included), plain, single- and
 * double-quoted scalars (also over several lines), `|` and `|-` literal blocks, one-line flow sequences of scalars,
 * empty `{}`, comments, `---` between documents, and anchors and aliases of whole values (`key: &name` over a
 * nested collection or before a value, `key: *name`, `- &name`, `- *name`). It exists for speed: a `gantry render`
 * process runs each line of its code once or a few times, cold, in V8's interpreter, where the `yaml` package's
 * general lexer, parser and composer cost most of a small render; a worker reading 1,000 files in one render spends
 * half of it there.
 *
 * It never decides anything the full reader (parse-yaml.ts) would decide differently: on anything outside the subset
 * (an anchor on a key or a null, an anchor name beyond letters, digits, `_` and `-`, a name anchored twice, an alias
 * before its anchor is complete, tags, merge keys, flow mappings with content, nested flow collections, folded or
 * kept blocks, escaped line breaks, tabs, CRs, a BOM, duplicate keys, directives, any syntax error) it returns
 * undefined and the full reader reads the whole text. common-yaml.test.ts compares the two over every YAML file of
 * the conformance corpora and over generated texts.
 */

/**
 * A node of the subset: a scalar with its text (plain ones still to be resolved), a sequence, a mapping, or an alias
 * of an earlier anchored node of the same document (expanded when converted, as kustomize expands aliases).
 */
export type CommonNode =
  | { readonly kind: 'scalar'; readonly text: string; readonly plain: boolean }
  | { readonly kind: 'seq'; readonly items: readonly (CommonNode | null)[] }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [string, CommonNode | null])[] }
  | { readonly kind: 'alias'; readonly target: CommonNode };

/** Thrown inside the reader when the text leaves the subset; caught at its entry. */
const OUTSIDE = Symbol('outside the common subset');

function outside(): never {
  throw OUTSIDE;
}

/** Characters that cannot start a plain scalar (YAML's c-indicator), `-` aside, which may when a non-space follows. */
const INDICATORS = new Set(['?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

/** Anchor and alias names in the subset; YAML allows more, which the full reader reads. */
const ANCHOR_NAME = /^[A-Za-z0-9_-]+/;

/** The longest implicit key the `yaml` package accepts is 1024 characters; stay well inside it. */
const MAX_KEY_LENGTH = 1000;

const EMPTY_SEQ: CommonNode = { kind: 'seq', items: [] };
const EMPTY_MAP: CommonNode = { kind: 'map', entries: [] };

/**
 * The documents of `text` (empty ones dropped), each a mapping or a sequence, or undefined when the text is not
 * entirely in the subset.
 */
export function readCommonYaml(text: string): CommonNode[] | undefined {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    return new CommonReader(text).documents();
  } catch (error) {
    if (error === OUTSIDE) return undefined;
    throw error;
  }
}

class CommonReader {
  private readonly lines: string[];
  /** The line being read. */
  private i = 0;
  /** The current document's anchors, by name. */
  private anchors = new Map<string, CommonNode>();

  constructor(private readonly text: string) {
    this.lines = text.split('\n');
  }

  documents(): CommonNode[] {
    const docs: CommonNode[] = [];
    for (;;) {
      this.skipInsignificant();
      if (this.i >= this.lines.length) return docs;
      if (this.isMarker(this.i)) {
        this.i++;
        continue;
      }
      this.anchors = new Map();
      docs.push(this.collection(indentOf(this.line())));
      this.skipInsignificant();
      if (this.i < this.lines.length && !this.isMarker(this.i)) outside();
    }
  }

  private line(): string {
    return this.lines[this.i]!;
  }

  /** Skips blank and comment lines; refuses anything at column 0 that YAML reads as a marker or directive. */
  private skipInsignificant(): void {
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      const indent = indentOf(line);
      if (indent < line.length && line[indent] !== '#') return;
      this.i++;
    }
  }

  /** A `---` line (nothing after it); `...`, `%` directives and `---` with content are outside the subset. */
  private isMarker(index: number): boolean {
    const line = this.lines[index]!;
    const first = line.charCodeAt(0);
    // Most lines start with a space or a letter: one comparison each, where three prefix tests cost the cold reader
    // about 1 ms over a render's lines.
    if (first !== 0x2d && first !== 0x2e && first !== 0x25) return false; // `-`, `.`, `%`
    if (line.startsWith('---')) {
      if (line.slice(3).trim() !== '') outside();
      return true;
    }
    if (line.startsWith('...') || line.startsWith('%')) outside();
    return false;
  }

  /** A block mapping or sequence whose lines start at column `col` (the current line is its first). */
  private collection(col: number): CommonNode {
    const line = this.line();
    if (isSeqItem(line, col)) return this.sequence(col);
    if (keyOf(line, col) === undefined) outside();
    return this.mapping(col);
  }

  /** A block sequence at column `col`; the current line holds its first `-`. */
  private sequence(col: number): CommonNode {
    const items: (CommonNode | null)[] = [];
    for (;;) {
      const line = this.line();
      let at = col + 1;
      while (line[at] === ' ') at++;
      if (line[at] === '&' || line[at] === '*') {
        items.push(this.propertyValue(at, col, false));
      } else if (at >= line.length || (line[at] === '#' && at > col + 1)) {
        items.push(this.nestedValue(col, false));
      } else if (isSeqItem(line, at)) {
        outside();
      } else if (keyOf(line, at) !== undefined) {
        items.push(this.mapping(at));
      } else {
        items.push(this.inlineValue(at, col));
      }
      this.skipInsignificant();
      if (this.i >= this.lines.length || this.isMarker(this.i)) break;
      const indent = indentOf(this.line());
      if (indent > col) outside();
      if (indent < col || !isSeqItem(this.line(), col)) break;
    }
    return { kind: 'seq', items };
  }

  /** A block mapping at column `col`; its first key is on the current line at `col` (possibly after a `- `). */
  private mapping(col: number): CommonNode {
    const entries: (readonly [string, CommonNode | null])[] = [];
    const seen = new Set<string>();
    for (;;) {
      const line = this.line();
      const key = keyOf(line, col);
      if (key === undefined) outside();
      if (seen.has(key.key) || (key.key === '<<' && key.plain)) outside();
      seen.add(key.key);
      let at = key.end;
      while (line[at] === ' ') at++;
      const value =
        line[at] === '&' || line[at] === '*'
          ? this.propertyValue(at, col, true)
          : at >= line.length || line[at] === '#'
            ? this.nestedValue(col, true)
            : this.inlineValue(at, col);
      entries.push([key.key, value]);
      this.skipInsignificant();
      if (this.i >= this.lines.length || this.isMarker(this.i)) break;
      const indent = indentOf(this.line());
      if (indent > col) outside();
      if (indent < col) break;
      if (isSeqItem(this.line(), col)) outside();
    }
    return { kind: 'map', entries };
  }

  /**
   * The value of a key or `-` (`ofKey`) in a collection at column `col` that starts with an anchor or is an alias, at
   * `at` on the current line: `*name` alone (a comment may follow), or `&name` followed by the value as it would be
   * read without it (inline, or nested on the lines below). An anchor is defined once its value is complete, so an
   * alias inside the value it names (a cycle) is outside the subset, as is an anchored null.
   */
  private propertyValue(at: number, col: number, ofKey: boolean): CommonNode {
    const line = this.line();
    const sigil = line[at];
    const name = ANCHOR_NAME.exec(line.slice(at + 1))?.[0];
    if (name === undefined) outside();
    let end = at + 1 + name.length;
    if (end < line.length && line[end] !== ' ') outside();
    while (line[end] === ' ') end++;
    if (sigil === '*') {
      const target = this.anchors.get(name);
      if (target === undefined || (end < line.length && line[end] !== '#')) outside();
      this.i++;
      this.skipInsignificant();
      if (this.i < this.lines.length && !this.isMarker(this.i) && indentOf(this.line()) > col) outside();
      return { kind: 'alias', target };
    }
    if (this.anchors.has(name) || line[end] === '&' || line[end] === '*' || line[end] === '#') outside();
    const value = end >= line.length ? this.nestedValue(col, ofKey) : this.inlineValue(end, col);
    if (value === null) outside();
    this.anchors.set(name, value);
    return value;
  }

  /**
   * The value of a key or `-` with nothing after it on its line: a collection on the lines below, indented more than
   * `col` (or, for a key, a sequence at `col` itself), or null.
   */
  private nestedValue(col: number, ofKey: boolean): CommonNode | null {
    this.i++;
    this.skipInsignificant();
    if (this.i >= this.lines.length || this.isMarker(this.i)) return null;
    const line = this.line();
    const indent = indentOf(line);
    if (indent > col) return this.collection(indent);
    if (ofKey && indent === col && isSeqItem(line, col)) return this.sequence(col);
    return null;
  }

  /**
   * A value starting at `at` on the current line, inside a collection at column `owner`; afterwards the current line
   * is the next one after it, which must not be indented more than `owner` (else it would continue a scalar).
   */
  private inlineValue(at: number, owner: number): CommonNode {
    const line = this.line();
    const c = line[at]!;
    let node: CommonNode;
    if (c === '|') {
      node = this.literalBlock(at, owner);
    } else {
      let end: number;
      if ((c === "'" || c === '"') && (c === "'" ? closingQuote : closingDoubleQuote)(line, at + 1) === -1) {
        const quoted = this.quotedLines(at, owner);
        node = { kind: 'scalar', text: quoted.text, plain: false };
        end = quoted.end;
      } else if (c === '"' || c === "'") {
        const quoted = readQuoted(line, at);
        node = { kind: 'scalar', text: quoted.text, plain: false };
        end = quoted.end;
      } else if (c === '{') {
        if (line[at + 1] !== '}') outside();
        node = EMPTY_MAP;
        end = at + 2;
      } else if (c === '[') {
        const flow = readFlowSequence(line, at);
        node = flow.node;
        end = flow.end;
      } else {
        const plain = readPlain(line, at);
        end = plain.end;
        let text = plain.text;
        // Lines indented more than the collection continue the scalar, unless a comment ended it.
        if (line.slice(end).trim() === '') {
          const first = this.i;
          text = this.plainContinuation(text, owner);
          if (this.i !== first) end = this.line().length;
        }
        node = { kind: 'scalar', text, plain: true };
      }
      // After the value (on the line where it ends): spaces, then nothing or a comment.
      const last = this.line();
      while (last[end] === ' ') end++;
      if (end < last.length && !(last[end] === '#' && last[end - 1] === ' ')) outside();
      this.i++;
    }
    this.skipInsignificant();
    if (this.i < this.lines.length && !this.isMarker(this.i) && indentOf(this.line()) > owner) outside();
    return node;
  }

  /**
   * A plain scalar's text `first` with the lines that continue it (indented more than `owner`), folded as YAML folds
   * them: a line break between two lines becomes a space, each empty line between them a line break. Leaves the
   * current line at the last one it used. A continuation line that starts with `#` or with `-`, `?` or `:` and a
   * space, or holds a `: `, a ` #` or a trailing `:`, is outside the subset.
   */
  private plainContinuation(first: string, owner: number): string {
    const lines = this.lines;
    let text = first;
    let breaks = 0;
    for (let j = this.i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      const indent = indentOf(line);
      if (indent === line.length) {
        breaks++;
        continue;
      }
      if (indent <= owner) break;
      const piece = line.slice(indent).trimEnd();
      if (piece[0] === '#' || /^[-?:](?: |$)/.test(piece)) outside();
      if (piece.endsWith(':') || piece.includes(': ') || piece.includes(' #')) outside();
      text += breaks === 0 ? ` ${piece}` : `${'\n'.repeat(breaks)}${piece}`;
      breaks = 0;
      this.i = j;
    }
    return text;
  }

  /**
   * A quoted scalar opening at `at` on the current line and closing on a later one, each continuation line indented
   * more than `owner`, folded as YAML folds quoted lines (a line break becomes a space, each empty line a line break,
   * the spaces around a break dropped). Leaves the current line at the closing one and returns where on it the scalar
   * ends. A double-quoted one with an escaped line break, or an escape outside the subset's, is outside the subset.
   */
  private quotedLines(at: number, owner: number): { text: string; end: number } {
    const lines = this.lines;
    const quote = this.line()[at];
    const close = quote === "'" ? closingQuote : closingDoubleQuote;
    const unquote = quote === "'" ? unquoteSingle : unescapeDouble;
    // Spaces before a line break are dropped before escapes are read, so an escaped tab or space stays.
    let text = unquote(
      this.line()
        .slice(at + 1)
        .trimEnd(),
    );
    if (text === '') outside();
    let breaks = 0;
    for (let j = this.i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      const indent = indentOf(line);
      if (indent === line.length) {
        breaks++;
        continue;
      }
      if (indent <= owner) outside();
      const end = close(line, indent);
      text += breaks === 0 ? ' ' : '\n'.repeat(breaks);
      breaks = 0;
      if (end !== -1) {
        this.i = j;
        return { text: text + unquote(line.slice(indent, end)), end: end + 1 };
      }
      text += unquote(line.slice(indent).trimEnd());
    }
    return outside();
  }

  /** A `|` or `|-` block at `at` on the current line, in a collection at column `owner`. */
  private literalBlock(at: number, owner: number): CommonNode {
    const header = this.line().slice(at);
    const strip = header.startsWith('|-');
    if (header.slice(strip ? 2 : 1).trim() !== '') outside(); // `|+`, explicit indentation, comments
    const lines = this.lines;
    let j = this.i + 1;
    let leading = 0;
    while (j < lines.length && indentOf(lines[j]!) === lines[j]!.length)
      leading = Math.max(leading, lines[j++]!.length);
    if (j >= lines.length) outside();
    const indent = indentOf(lines[j]!);
    if (indent <= owner || leading > indent) outside();
    const body: string[] = [];
    for (j = this.i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      const spaces = indentOf(line);
      if (spaces === line.length) {
        if (spaces > indent) outside(); // a line of spaces only, longer than the indentation
        body.push('');
      } else if (spaces >= indent) {
        body.push(line.slice(indent));
      } else {
        break;
      }
    }
    // A block running to the end of a text without a final line break: go-yaml and the `yaml` package differ.
    if (j >= lines.length && !this.text.endsWith('\n')) outside();
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    this.i = j;
    const text = body.join('\n');
    return { kind: 'scalar', text: strip ? text : `${text}\n`, plain: false };
  }
}

function indentOf(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 0x20) n++;
  return n;
}

function isSeqItem(line: string, at: number): boolean {
  return line[at] === '-' && (at + 1 === line.length || line[at + 1] === ' ');
}

/**
 * The key of a `key: value` (or `key:`) starting at `at`, with where its `:` ends; undefined when the text there is
 * not a mapping entry. Keys are plain or one-line quoted scalars.
 */
function keyOf(line: string, at: number): { key: string; plain: boolean; end: number } | undefined {
  const c = line[at];
  if (c === undefined) return undefined;
  if (c === '"' || c === "'") {
    if ((c === "'" ? closingQuote : closingDoubleQuote)(line, at + 1) === -1) return undefined; // a multi-line value
    const quoted = readQuoted(line, at);
    let end = quoted.end;
    while (line[end] === ' ') end++;
    if (line[end] !== ':' || !(end + 1 === line.length || line[end + 1] === ' ')) return undefined;
    return { key: quoted.text, plain: false, end: end + 1 };
  }
  if (c === '|' || c === '>' || c === '[' || c === '{') return undefined;
  const k = valueColon(line, at, commentAt(line, at));
  if (k === -1) return undefined;
  const key = line.slice(at, k).trimEnd();
  if (key === '' || key.length > MAX_KEY_LENGTH || !startsPlain(key)) outside();
  return { key, plain: true, end: k + 1 };
}

/*
 * The two scans below use indexOf rather than a loop over characters: the reader runs cold, in V8's interpreter, where
 * a loop costs tens of nanoseconds a character and indexOf is compiled code.
 */

/** Where a comment starts on `line` from `at` on (a `#` after a space), or the line's length. */
function commentAt(line: string, at: number): number {
  const k = line.indexOf(' #', at - 1);
  return k === -1 ? line.length : k + 1;
}

/** The first `:` from `at` and before `end` that ends the line or is followed by a space, or -1. */
function valueColon(line: string, at: number, end: number): number {
  for (let k = line.indexOf(':', at); k !== -1 && k < end; k = line.indexOf(':', k + 1)) {
    if (k + 1 === line.length || line.charCodeAt(k + 1) === 0x20) return k;
  }
  return -1;
}

function startsPlain(text: string): boolean {
  const c = text[0]!;
  if (c === '-') return text.length > 1 && text[1] !== ' ';
  return !INDICATORS.has(c);
}

/** A plain scalar from `at` to the end of its line (or a ` #` comment); outside the subset if it could be a key. */
function readPlain(line: string, at: number): { text: string; end: number } {
  const end = commentAt(line, at);
  if (valueColon(line, at, end) !== -1) outside();
  const text = line.slice(at, end).trimEnd();
  if (!startsPlain(text)) outside();
  return { text, end: at + text.length };
}

/**
 * A flow sequence of scalars that closes on its line (`[]`, `["memory"]`, `[get, list]`): plain items without `:`
 * (so none is a mapping or a timestamp with a time, which kustomize reads differently inside flow collections),
 * quoted items, no nesting, no empty or trailing entries.
 */
function readFlowSequence(line: string, at: number): { node: CommonNode; end: number } {
  const items: CommonNode[] = [];
  let k = at + 1;
  while (line[k] === ' ') k++;
  if (line[k] === ']') return { node: EMPTY_SEQ, end: k + 1 };
  for (;;) {
    const c = line[k];
    if (c === '"' || c === "'") {
      const quoted = readQuoted(line, k);
      items.push({ kind: 'scalar', text: quoted.text, plain: false });
      k = quoted.end;
    } else {
      let end = k;
      while (end < line.length && line[end] !== ',' && line[end] !== ']') end++;
      const text = line.slice(k, end).trimEnd();
      if (text === '' || !startsPlain(text) || /[:#[\]{}]/.test(text)) outside();
      items.push({ kind: 'scalar', text, plain: true });
      k = end;
    }
    while (line[k] === ' ') k++;
    if (line[k] === ']') return { node: { kind: 'seq', items }, end: k + 1 };
    if (line[k] !== ',') outside();
    k++;
    while (line[k] === ' ') k++;
    if (line[k] === ']' || line[k] === ',') outside();
  }
}

/** Where on `line`, from `from`, a single-quoted scalar closes (a `'` that is not half of `''`), or -1. */
function closingQuote(line: string, from: number): number {
  for (let k = line.indexOf("'", from); k !== -1; k = line.indexOf("'", k + 2)) {
    if (line[k + 1] !== "'") return k;
  }
  return -1;
}

/** Where on `line`, from `from`, a double-quoted scalar closes (a `"` no backslash escapes), or -1. */
function closingDoubleQuote(line: string, from: number): number {
  for (let k = from; k < line.length; k++) {
    if (line[k] === '\\') k++;
    else if (line[k] === '"') return k;
  }
  return -1;
}

/** Double-quoted content without its closing quote, with the subset's escapes read. */
function unescapeDouble(content: string): string {
  let text = '';
  let k = 0;
  for (let escape = content.indexOf('\\'); escape !== -1; escape = content.indexOf('\\', k)) {
    const replacement = ESCAPES[content[escape + 1] ?? ''];
    if (replacement === undefined) outside();
    text += content.slice(k, escape) + replacement;
    k = escape + 2;
  }
  return text + content.slice(k);
}

/** The text of single-quoted content without its closing quote: `''` is one `'`. */
function unquoteSingle(content: string): string {
  return content.replaceAll("''", "'");
}

/** Escapes of double-quoted scalars in the subset; any other (`\x`, `\u`, a line break) leaves it. */
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r' };

/** A quoted scalar that closes on the line where it opens; outside the subset otherwise. */
function readQuoted(line: string, at: number): { text: string; end: number } {
  const quote = line[at];
  let text = '';
  let k = at + 1;
  for (;;) {
    const next = line.indexOf(quote === "'" ? "'" : '"', k);
    const escape = quote === '"' ? line.indexOf('\\', k) : -1;
    if (escape !== -1 && (next === -1 || escape < next)) {
      const replacement = ESCAPES[line[escape + 1] ?? ''];
      if (replacement === undefined) outside();
      text += line.slice(k, escape) + replacement;
      k = escape + 2;
      continue;
    }
    if (next === -1) outside();
    text += line.slice(k, next);
    if (quote === "'" && line[next + 1] === "'") {
      text += "'";
      k = next + 2;
      continue;
    }
    return { text, end: next + 1 };
  }
}
