/**
 * Kubernetes label selector strings (`app=web,tier!=db,env in (a,b),!legacy,team`) as kustomize parses them for
 * `labelSelector` and `annotationSelector`: the apimachinery grammar, with its validation of keys and values and
 * its error messages (kyaml carries a copy of k8s.io/apimachinery/pkg/labels).
 */
import { SelectorError } from './errors.js';

type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** One parsed requirement: `key` related to `values` by `operator`. */
export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

type Token = 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'identifier' | 'in' | '<' | '!=' | 'notin' | '(';

const LITERALS: Record<string, Token> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': '>',
  in: 'in',
  '<': '<',
  '!=': '!=',
  notin: 'notin',
  '(': '(',
};

interface Item {
  readonly token: Token;
  readonly literal: string;
}

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string) => '=!(),><'.includes(ch);

function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && isWhitespace(input[pos] as string)) pos += 1;
    if (pos >= input.length) {
      items.push({ token: 'end', literal: '' });
      return items;
    }
    const ch = input[pos] as string;
    if (isSpecial(ch)) {
      // The longest run of special characters that still spells an operator.
      let buffer = '';
      let last: Item | undefined;
      while (pos < input.length && isSpecial(input[pos] as string)) {
        buffer += input[pos];
        const token = LITERALS[buffer];
        if (token !== undefined) last = { token, literal: buffer };
        else if (last !== undefined) break;
        pos += 1;
      }
      items.push(last ?? { token: 'error', literal: `error expected: keyword found '${buffer}'` });
      continue;
    }
    let word = '';
    while (pos < input.length && !isSpecial(input[pos] as string) && !isWhitespace(input[pos] as string)) {
      word += input[pos];
      pos += 1;
    }
    const token = LITERALS[word];
    items.push({ token: token ?? 'identifier', literal: word });
  }
}

const QUALIFIED_NAME_FORMAT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FORMAT}$`);
const DNS1123_SUBDOMAIN_FORMAT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FORMAT}$`);
const LABEL_VALUE_FORMAT = `(${QUALIFIED_NAME_FORMAT})?`;

/** apimachinery's RegexError wording. */
function regexError(message: string, format: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${format}')`;
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${format}')`;
}

const QUALIFIED_NAME_ERROR = regexError(
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  QUALIFIED_NAME_FORMAT,
  'MyName',
  'my.name',
  '123-abc',
);

function keyErrors(key: string): string[] {
  const errors: string[] = [];
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] as string;
  } else if (parts.length === 2) {
    const prefix = parts[0] as string;
    name = parts[1] as string;
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) errors.push('prefix part must be no more than 253 characters');
      if (!DNS1123_SUBDOMAIN.test(prefix)) {
        errors.push(
          'prefix part ' +
            regexError(
              "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and " +
                'must start and end with an alphanumeric character',
              DNS1123_SUBDOMAIN_FORMAT,
              'example.com',
            ),
        );
      }
    }
  } else {
    return [
      `a qualified name ${QUALIFIED_NAME_ERROR} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push('name part must be no more than 63 characters');
  if (!QUALIFIED_NAME.test(name)) errors.push(`name part ${QUALIFIED_NAME_ERROR}`);
  return errors;
}

function validateKey(key: string): void {
  const errors = keyErrors(key);
  if (errors.length > 0) throw new Error(`invalid label key ${JSON.stringify(key)}: ${errors.join('; ')}`);
}

function validateValue(key: string, value: string): void {
  const errors: string[] = [];
  if (value.length > 63) errors.push('must be no more than 63 characters');
  if (value !== '' && !QUALIFIED_NAME.test(value)) {
    errors.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must " +
          'start and end with an alphanumeric character',
        LABEL_VALUE_FORMAT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  if (errors.length > 0) {
    throw new Error(
      `invalid label value: ${JSON.stringify(value)}: at key: ${JSON.stringify(key)}: ${errors.join('; ')}`,
    );
  }
}

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  /** In a values context `in` and `notin` are plain identifiers. */
  private look(values: boolean): Item {
    const item = this.items[this.position] as Item;
    return values && (item.token === 'in' || item.token === 'notin')
      ? { token: 'identifier', literal: item.literal }
      : item;
  }

  private take(values: boolean): Item {
    const item = this.look(values);
    this.position += 1;
    return item;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { token, literal } = this.look(true);
      if (token === 'end') return requirements;
      if (token !== 'identifier' && token !== '!') {
        throw new Error(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.requirement());
      } catch (error) {
        throw new Error(`unable to parse requirement: ${(error as Error).message}`);
      }
      const next = this.take(true);
      if (next.token === 'end') return requirements;
      if (next.token !== ',') throw new Error(`found '${next.literal}', expected: ',' or 'end of string'`);
      const after = this.look(true);
      if (after.token !== 'identifier' && after.token !== '!') {
        throw new Error(`found '${after.literal}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): Requirement {
    let operator: Operator | undefined;
    let item = this.take(true);
    if (item.token === '!') {
      operator = '!';
      item = this.take(true);
    }
    if (item.token !== 'identifier') throw new Error(`found '${item.literal}', expected: identifier`);
    const key = item.literal;
    validateKey(key);
    const ahead = this.look(true).token;
    if (ahead === 'end' || ahead === ',') return make(key, operator ?? 'exists', []);
    if (operator === '!') return make(key, '!', []);
    const op = this.take(false);
    switch (op.token) {
      case 'in':
      case 'notin':
        return make(key, op.token, this.valueSet());
      case '=':
      case '==':
      case '!=':
        return make(key, op.token, this.exactValue());
      case '>':
        return make(key, 'gt', this.exactValue());
      case '<':
        return make(key, 'lt', this.exactValue());
      default:
        throw new Error(`found '${op.literal}', expected: '=', '!=', '==', 'in', notin'`);
    }
  }

  private valueSet(): string[] {
    const open = this.take(true);
    if (open.token !== '(') throw new Error(`found '${open.literal}' expected: '('`);
    const first = this.look(true);
    if (first.token === ')') {
      this.take(true);
      return [''];
    }
    if (first.token !== 'identifier' && first.token !== ',') {
      throw new Error(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
    const values = new Set<string>();
    for (;;) {
      const item = this.take(true);
      if (item.token === 'identifier') {
        values.add(item.literal);
        const next = this.look(true);
        if (next.token === ',') continue;
        if (next.token === ')') break;
        throw new Error(`found '${next.literal}', expected: ',' or ')'`);
      } else if (item.token === ',') {
        if (values.size === 0) values.add('');
        const next = this.look(true);
        if (next.token === ')') {
          values.add('');
          break;
        }
        if (next.token === ',') {
          this.take(true);
          values.add('');
        }
      } else {
        throw new Error(`found '${item.literal}', expected: ',', or identifier`);
      }
    }
    const close = this.take(true);
    if (close.token !== ')') throw new Error(`found '${first.literal}', expected: ')'`);
    return [...values].sort();
  }

  private exactValue(): string[] {
    const ahead = this.look(true);
    if (ahead.token === 'end' || ahead.token === ',') return [''];
    const item = this.take(true);
    if (item.token === 'identifier') return [item.literal];
    throw new Error(`found '${item.literal}', expected: identifier`);
  }
}

function make(key: string, operator: Operator, values: string[]): Requirement {
  if ((operator === 'in' || operator === 'notin') && values.length === 0) {
    throw new Error("for 'in', 'notin' operators, values set can't be empty");
  }
  if ((operator === 'gt' || operator === 'lt') && !/^[+-]?[0-9]+$/.test(values[0] ?? '')) {
    throw new Error("for 'Gt', 'Lt' operators, the value must be an integer");
  }
  for (const value of values) validateValue(key, value);
  return { key, operator, values };
}

/** A parsed label selector; the empty selector matches everything. */
export interface LabelSelector {
  readonly requirements: readonly Requirement[];
  matches(labels: Readonly<Record<string, string>>): boolean;
}

function requirementMatches(requirement: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  const value = labels[requirement.key];
  switch (requirement.operator) {
    case 'in':
    case '=':
    case '==':
      return has && requirement.values.includes(value as string);
    case 'notin':
    case '!=':
      return !has || !requirement.values.includes(value as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?[0-9]+$/.test(value as string)) return false;
      const actual = Number(value);
      const bound = Number(requirement.values[0]);
      return requirement.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

/**
 * Parses a label selector string.
 * @param field which selector field the string came from, for the error.
 * @throws SelectorError with apimachinery's message when the string does not parse.
 */
export function parseLabelSelector(
  selector: string,
  field: 'labelSelector' | 'annotationSelector' = 'labelSelector',
): LabelSelector {
  let requirements: Requirement[];
  try {
    requirements = new Parser(lex(selector)).parse();
  } catch (error) {
    throw new SelectorError(field, selector, (error as Error).message);
  }
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements,
    matches: (labels) => requirements.every((requirement) => requirementMatches(requirement, labels)),
  };
}
