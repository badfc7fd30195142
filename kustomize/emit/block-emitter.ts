import { analyzeScalar, isBreak, isPrintable, isSimplePlain } from './analyze-scalar.js';

/** How a scalar is written. */
export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

/** A scalar ready to emit: its text and the style the encoder asks for (the emitter may pick a safer one). */
export interface ScalarEvent {
  readonly text: string;
  readonly style: ScalarStyle;
}

/** A node tree for the emitter: mappings keep the key order they are given. */
export type EmitNode =
  | { readonly kind: 'scalar'; readonly scalar: ScalarEvent }
  | { readonly kind: 'sequence'; readonly items: readonly EmitNode[] }
  | { readonly kind: 'mapping'; readonly entries: readonly (readonly [ScalarEvent, EmitNode])[] };

interface Context {
  readonly mapping: boolean;
  readonly simpleKey: boolean;
}

const BEST_INDENT = 2;
const BEST_WIDTH = 80;
const MAX_SIMPLE_KEY_BYTES = 128;

/**
 * A block-style YAML emitter that writes byte for byte what libyaml's emitter (as ported in go-yaml v2) writes for
 * the same events with default settings: two-space indentation, sequences inside mappings not indented, empty
 * collections as `{}`/`[]`, keys over 128 bytes as `? key`, and plain and quoted scalars folded past column 80.
 */
export class BlockEmitter {
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private readonly indents: number[] = [];

  /** Emits one document and returns its text. */
  static document(root: EmitNode): string {
    const emitter = new BlockEmitter();
    emitter.node(root, { mapping: false, simpleKey: false });
    emitter.writeIndent();
    return emitter.out;
  }

  private node(node: EmitNode, ctx: Context): void {
    if (node.kind === 'scalar') this.scalar(node.scalar, ctx);
    else if (node.kind === 'sequence') this.sequence(node.items, ctx);
    else this.mapping(node.entries);
  }

  private sequence(items: readonly EmitNode[], ctx: Context): void {
    if (items.length === 0) {
      this.emptyFlow('[', ']');
      return;
    }
    this.increaseIndent(false, ctx.mapping && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, { mapping: false, simpleKey: false });
    }
    this.popIndent();
  }

  private mapping(entries: readonly (readonly [ScalarEvent, EmitNode])[]): void {
    if (entries.length === 0) {
      this.emptyFlow('{', '}');
      return;
    }
    this.increaseIndent(false, false);
    // An index loop: destructuring each entry costs an iterator in V8's interpreter, where a render process runs this.
    for (let i = 0; i < entries.length; i++) {
      const key = entries[i]![0];
      const value = entries[i]![1];
      this.writeIndent();
      const simple = isSimplePlain(key.text)
        ? key.text.length <= MAX_SIMPLE_KEY_BYTES
        : !analyzeScalar(codePoints(key.text)).multiline && utf8Length(key.text) <= MAX_SIMPLE_KEY_BYTES;
      if (simple) {
        this.scalar(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.scalar(key, { mapping: true, simpleKey: false });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(value, { mapping: true, simpleKey: false });
    }
    this.popIndent();
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.writeIndicator(close, false, false, false);
  }

  private scalar(event: ScalarEvent, ctx: Context): void {
    if (event.style === 'plain' && isSimplePlain(event.text)) {
      // What writePlain does for a text with no space or line break, without the per-character work.
      if (!this.whitespace) this.put(' ');
      this.out += event.text;
      this.column += event.text.length;
      this.whitespace = false;
      this.indention = false;
      return;
    }
    const chars = codePoints(event.text);
    const analysis = analyzeScalar(chars);
    let style = event.style;
    if (ctx.simpleKey && analysis.multiline) style = 'double';
    if (style === 'plain') {
      if (!analysis.blockPlainAllowed) style = 'single';
      if (chars.length === 0 && ctx.simpleKey) style = 'single';
    }
    if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!analysis.blockAllowed || ctx.simpleKey)) style = 'double';

    this.increaseIndent(true, false);
    const allowBreaks = !ctx.simpleKey;
    if (style === 'plain') this.writePlain(chars, allowBreaks);
    else if (style === 'single') this.writeSingleQuoted(chars, allowBreaks);
    else if (style === 'double') this.writeDoubleQuoted(chars, allowBreaks);
    else this.writeLiteral(chars);
    this.popIndent();
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  private put(s: string): void {
    this.out += s;
    this.column++;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  /** Writes one character of a scalar; a line break in the text resets the column. */
  private writeChar(c: number): void {
    if (c === 0x0a) {
      this.putBreak();
      return;
    }
    this.out += String.fromCodePoint(c);
    if (isBreak(c)) this.column = 0;
    else this.column++;
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const ch of indicator) this.put(ch);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private writePlain(chars: readonly number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] ?? 0;
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== 0x20) this.writeIndent();
        else this.writeChar(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeChar(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeChar(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingleQuoted(chars: readonly number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    const last = chars.length - 1;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] ?? 0;
      if (c === 0x20) {
        const fold = allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < last && chars[i + 1] !== 0x20;
        if (fold) this.writeIndent();
        else this.writeChar(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeChar(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.writeChar(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(chars: readonly number[], allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    let spaces = false;
    const startsWithBom = chars[0] === 0xfeff;
    const last = chars.length - 1;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] ?? 0;
      if (!isPrintable(c) || startsWithBom || isBreak(c) || c === 0x22 || c === 0x5c) {
        for (const ch of escapeFor(c)) this.put(ch);
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < last) {
          this.writeIndent();
          if (chars[i + 1] === 0x20) this.put('\\');
        } else {
          this.writeChar(c);
        }
        spaces = true;
      } else {
        this.writeChar(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(chars: readonly number[]): void {
    this.writeIndicator('|', true, false, false);
    this.writeBlockHints(chars);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.writeChar(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeChar(c);
        this.indention = false;
        breaks = false;
      }
    }
  }

  private writeBlockHints(chars: readonly number[]): void {
    const first = chars[0];
    if (first === 0x20 || isBreak(first)) this.writeIndicator(String(BEST_INDENT), false, false, false);
    let chomp = '';
    const last = chars[chars.length - 1];
    if (chars.length === 0 || !isBreak(last)) chomp = '-';
    else if (chars.length === 1 || isBreak(chars[chars.length - 2])) chomp = '+';
    if (chomp !== '') this.writeIndicator(chomp, false, false, false);
  }
}

const SHORT_ESCAPES: Record<number, string> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

/** libyaml's escape for one character inside double quotes. */
function escapeFor(c: number): string {
  const short = SHORT_ESCAPES[c];
  if (short !== undefined) return `\\${short}`;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (c <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

function codePoints(text: string): number[] {
  const result: number[] = [];
  for (const ch of text) result.push(ch.codePointAt(0) ?? 0);
  return result;
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
