import type { HttpMethod, Operation } from './openapi-description.js';

/** A request matched to one operation of the description, with its path parameters still as strings. */
export interface RouteMatch {
  readonly operation: Operation;
  readonly pathParams: Readonly<Record<string, string>>;
}

interface Route {
  readonly operation: Operation;
  readonly pattern: RegExp;
  readonly paramNames: readonly string[];
  /** Literal segments win over parameters, single-segment parameters over multi-segment ones. */
  readonly literalSegments: number;
  readonly multiSegmentParams: number;
}

/**
 * Matches `METHOD /path` to the description's operations.
 *
 * Several templates can match one path once parameters may span segments (`/commits/{ref}` also matches
 * `/commits/abc/status`), so candidates are ranked: more literal segments first, then fewer multi-segment
 * parameters. That is the order in which GitHub's own router would have to resolve them to give each documented
 * path its documented meaning.
 */
export class RouteTable {
  private readonly byMethod = new Map<HttpMethod, Route[]>();

  constructor(operations: readonly Operation[]) {
    for (const operation of operations) {
      const routes = this.byMethod.get(operation.method) ?? [];
      routes.push(compileRoute(operation));
      this.byMethod.set(operation.method, routes);
    }
    for (const routes of this.byMethod.values()) {
      routes.sort((a, b) => b.literalSegments - a.literalSegments || a.multiSegmentParams - b.multiSegmentParams);
    }
  }

  /** The operation for this method and path (no query string, no `/api/v3` prefix), or undefined. */
  match(method: string, path: string): RouteMatch | undefined {
    const routes = this.byMethod.get(method.toLowerCase() as HttpMethod) ?? [];
    for (const route of routes) {
      const found = route.pattern.exec(path);
      if (found === null) continue;
      const pathParams: Record<string, string> = {};
      route.paramNames.forEach((name, index) => {
        pathParams[name] = safeDecode(found[index + 1] ?? '');
      });
      return { operation: route.operation, pathParams };
    }
    return undefined;
  }
}

function compileRoute(operation: Operation): Route {
  const multi = new Set(operation.parameters.filter((p) => p.in === 'path' && p.multiSegment).map((p) => p.name));
  const paramNames: string[] = [];
  let literalSegments = 0;
  let multiSegmentParams = 0;
  const source = operation.pathTemplate
    .split('/')
    .map((segment) => {
      if (!segment.includes('{')) {
        if (segment !== '') literalSegments += 1;
        return escapeRegExp(segment);
      }
      // A segment is either one parameter or, as in `/compare/{base}...{head}`, parameters between literals.
      return segment
        .split(/(\{[^}]+\})/)
        .map((piece) => {
          const param = /^\{([^}]+)\}$/.exec(piece);
          if (param === null) return escapeRegExp(piece);
          const name = param[1] ?? '';
          paramNames.push(name);
          if (multi.has(name)) {
            multiSegmentParams += 1;
            return '(.+?)';
          }
          return piece === segment ? '([^/]+)' : '([^/]+?)';
        })
        .join('');
    })
    .join('/');
  return { operation, pattern: new RegExp(`^${source}$`), paramNames, literalSegments, multiSegmentParams };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
