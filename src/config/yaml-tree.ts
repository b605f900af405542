/**
 * Parses sync.yaml into plain data while remembering, for every node, where it was written
 * (line and column of the value and of its key), what the scalar said before `${VAR}`
 * interpolation, and which environment variables it referenced.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit, type Node } from 'yaml';
import { displayPath, type Diagnostic, type Segment } from './diagnostics.js';
import { interpolate } from './interpolate.js';
import { SECRET_KEYS } from './secrets.js';

export interface Position {
  line: number;
  col: number;
}

export interface NodeInfo {
  /** where the value starts (for an empty value: where its key is) */
  pos: Position;
  /** where the key of this value is, when it has one */
  keyPos?: Position;
  /** the scalar as written, before interpolation (strings only) */
  raw?: string;
  /** environment variables the scalar referenced */
  references?: string[];
  /** a referenced variable is unset and has no default: the value is the raw text */
  unresolved?: boolean;
}

export interface YamlTree {
  data: unknown;
  /** keyed by pathKey(segments) */
  nodes: Map<string, NodeInfo>;
  diagnostics: Diagnostic[];
  /** the document could not be built (alias expansion past MAX_VALUES): nothing further to check */
  fatal?: boolean;
}

/**
 * Values the builder may produce, aliases and merges expanded (issue 14): a real config has a few thousand; a
 * "billion laughs" (nested aliases) or a chain of `<<: *prev` merges would expand exponentially or quadratically.
 */
export const MAX_VALUES = 50_000;

class ExpansionLimit extends Error {}

export function pathKey(segments: readonly Segment[]): string {
  return JSON.stringify(segments);
}

/** The info of the node at `segments`, or of its nearest ancestor that has one. */
export function nearestNode(tree: YamlTree, segments: readonly Segment[]): { info: NodeInfo; exact: boolean } {
  for (let n = segments.length; n >= 0; n--) {
    const info = tree.nodes.get(pathKey(segments.slice(0, n)));
    if (info) return { info, exact: n === segments.length };
  }
  return { info: { pos: { line: 1, col: 1 } }, exact: false };
}

export interface ParseOptions {
  file: string;
  env: Record<string, string | undefined>;
  /** report unset variables (default true) */
  checkEnv: boolean;
  /** as errors (default) or warnings */
  unsetEnv?: 'error' | 'warning';
}

const PLAIN_INT = /^-?[0-9]+$/;

export function parseYamlTree(source: string, options: ParseOptions): YamlTree {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, merge: true, prettyErrors: true, strict: true, uniqueKeys: false }); // keys checked below in linear time: yaml's check is quadratic
  const tree: YamlTree = { data: undefined, nodes: new Map(), diagnostics: [] };
  const at = (offset: number | undefined): Position => {
    const p = lineCounter.linePos(offset ?? 0);
    return { line: Math.max(1, p.line), col: Math.max(1, p.col) };
  };
  const diag = (pos: Position, segments: readonly Segment[], message: string, severity: 'error' | 'warning' = 'error') =>
    tree.diagnostics.push({ file: options.file, line: pos.line, col: pos.col, path: displayPath(segments), message, severity });

  // after a few syntax errors the rest are mostly consequences of the first: summarise them
  const MAX_SYNTAX_ERRORS = 5;
  doc.errors.slice(0, MAX_SYNTAX_ERRORS).forEach((e) => {
    diag(e.linePos?.[0] ?? at(e.pos[0]), [], `YAML syntax error: ${yamlMessage(e.message)}`);
  });
  if (doc.errors.length > MAX_SYNTAX_ERRORS) {
    const next = doc.errors[MAX_SYNTAX_ERRORS];
    const more = doc.errors.length - MAX_SYNTAX_ERRORS;
    diag(next.linePos?.[0] ?? at(next.pos[0]), [], `YAML syntax error: ${more} more from here on, probably caused by the ones above; fix those first`);
  }
  for (const w of doc.warnings) {
    const pos = w.linePos?.[0] ?? at(w.pos[0]);
    diag(pos, [], `YAML: ${yamlMessage(w.message)}`, 'warning');
  }
  if (doc.errors.length > 0) return tree;

  const resolving = new Set<Node>();
  let built = 0;
  // every alias's anchor, in one pass in document order (yaml's resolve() walks the document once per alias)
  const targets = new Map<Node, Node | null>();
  const anchors = new Map<string, Node>();
  visit(doc, (_key, n) => {
    if (isAlias(n)) targets.set(n, anchors.get(n.source) ?? null);
    else if ((isMap(n) || isSeq(n) || isScalar(n)) && n.anchor) anchors.set(n.anchor, n);
  });
  let aliasPos: Position | undefined; // the outermost alias being expanded

  /** counts values produced (merged keys included) against MAX_VALUES; past it, one error at the alias and stop */
  const spend = (n: number, segments: Segment[], keyPos: Position | undefined): void => {
    built += n;
    if (built <= MAX_VALUES) return;
    diag(
      aliasPos ?? keyPos ?? { line: 1, col: 1 },
      segments.slice(0, 1),
      `the document expands to more than ${MAX_VALUES.toLocaleString('en-US')} values through aliases and merge keys (nested aliases, a "billion laughs"?); zdsf refuses it: use fewer nested aliases`,
    );
    throw new ExpansionLimit();
  };

  const build = (node: unknown, segments: Segment[], keyPos: Position | undefined): unknown => {
    spend(1, segments, keyPos);
    if (node === null || node === undefined) {
      const pos = keyPos ?? { line: 1, col: 1 };
      tree.nodes.set(pathKey(segments), { pos, keyPos });
      return null;
    }
    if (isAlias(node)) {
      // yaml's resolve() walks the document from its start: once per alias node, not once per expansion
      const target = targets.get(node) ?? undefined;
      if (!target || resolving.has(target)) {
        const pos = at(node.range?.[0]);
        diag(pos, segments, `alias *${node.source} does not refer to an anchor (&${node.source}) above it`);
        tree.nodes.set(pathKey(segments), { pos, keyPos, unresolved: true });
        return null;
      }
      resolving.add(target);
      const outer = aliasPos;
      aliasPos ??= at(node.range?.[0]);
      try {
        const value = build(target, segments, keyPos);
        const info = tree.nodes.get(pathKey(segments));
        if (info && keyPos) info.keyPos = keyPos;
        return value;
      } finally {
        resolving.delete(target);
        aliasPos = outer;
      }
    }
    if (isScalar(node)) {
      const info: NodeInfo = { pos: at(node.range?.[0]), keyPos };
      if (node.range && node.range[0] === node.range[1] && keyPos) info.pos = keyPos;
      tree.nodes.set(pathKey(segments), info);
      const value: unknown = node.value;
      if (typeof value !== 'string') return value ?? null;
      info.raw = value;
      if (!value.includes('${')) return value;
      const r = interpolate(value, options.env);
      for (const message of r.errors) diag(info.pos, segments, message);
      if (r.errors.length > 0) info.unresolved = true; // reported: no further checks on this value
      if (r.references.length > 0) info.references = r.references.map((x) => x.name);
      if (r.unresolved.length > 0) {
        info.unresolved = true;
        if (options.checkEnv) {
          // secrets may not have defaults (see semantic.ts): do not suggest one for them
          const secret = SECRET_KEYS.includes(String(segments[segments.length - 1]));
          for (const name of r.unresolved) {
            const hint = secret ? 'set it, or run validate with --no-env' : `set it, give a default with \${${name}:-value}, or run validate with --no-env`;
            diag(info.pos, segments, `environment variable ${name} is not set (${hint})`, options.unsetEnv ?? 'error');
          }
        }
        return value;
      }
      // An unquoted `${VAR}` that yields an integer or a boolean is read as one, as YAML would.
      if (node.type === Scalar.PLAIN && r.references.length > 0) {
        if (PLAIN_INT.test(r.value) && Number.isSafeInteger(Number(r.value))) return Number(r.value);
        if (r.value === 'true' || r.value === 'false') return r.value === 'true';
      }
      return r.value;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      // merge keys first, so that the map's own keys (and positions) win
      const merged: Array<[string, unknown]> = [];
      for (const pair of node.items) {
        if (isPair(pair) && isMergeKey(pair.key)) mergeInto(pair.value, segments, merged, build, (n) => spend(n, segments, keyPos));
      }
      for (const [name, value] of merged) out[name] = value;
      const pos = at(node.range?.[0]);
      tree.nodes.set(pathKey(segments), { pos: keyPos && node.items.length === 0 ? keyPos : pos, keyPos });
      const own = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair) || isMergeKey(pair.key)) continue;
        const key = pair.key;
        if (!isScalar(key)) {
          diag(at(isMapOrSeqOrScalar(key) ? key.range?.[0] : undefined), segments, 'keys must be plain text');
          continue;
        }
        const name = String(key.value);
        if (own.has(name)) {
          diag(at(key.range?.[0]), [], 'YAML syntax error: Map keys must be unique');
          continue;
        }
        own.add(name);
        out[name] = build(pair.value, [...segments, name], at(key.range?.[0]));
      }
      return out;
    }
    if (isSeq(node)) {
      tree.nodes.set(pathKey(segments), { pos: keyPos && node.items.length === 0 ? keyPos : at(node.range?.[0]), keyPos });
      return node.items.map((item, i) => {
        const itemPos = isMapOrSeqOrScalar(item) ? at(item.range?.[0]) : undefined;
        return build(item, [...segments, i], itemPos);
      });
    }
    return null;
  };

  try {
    tree.data = build(doc.contents, [], undefined);
  } catch (err) {
    if (!(err instanceof ExpansionLimit)) throw err;
    tree.data = undefined;
    tree.fatal = true;
  }
  return tree;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || (key.source === '<<' && key.type === Scalar.PLAIN));
}

function isMapOrSeqOrScalar(n: unknown): n is { range?: [number, number, number] | null } {
  return isMap(n) || isSeq(n) || isScalar(n) || isAlias(n);
}

/** `<<: *base` or `<<: [*a, *b]`: the keys of the merged maps, earlier maps winning. */
function mergeInto(
  value: unknown,
  segments: Segment[],
  merged: Array<[string, unknown]>,
  build: (node: unknown, segments: Segment[], keyPos: Position | undefined) => unknown,
  spend: (n: number) => void,
): void {
  const sources = isSeq(value) ? value.items : [value];
  const seen = new Set(merged.map(([k]) => k));
  for (const source of sources) {
    const built = build(source, segments, undefined);
    if (built && typeof built === 'object' && !Array.isArray(built)) {
      spend(Object.keys(built).length);
      for (const [k, v] of Object.entries(built)) {
        if (seen.has(k)) continue;
        seen.add(k);
        merged.push([k, v]);
      }
    }
  }
}

/** yaml's messages repeat the position and quote the source; keep the first sentence. */
function yamlMessage(message: string): string {
  if (/Maximum call stack size exceeded/.test(message)) return 'the document is nested too deeply (thousands of levels)';
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').trim();
}
