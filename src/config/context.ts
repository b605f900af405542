import type { SourcePos } from '../model/config.js';
import { displayPath, type Diagnostic, type Segment } from './diagnostics.js';
import { nearestNode, pathKey, type NodeInfo, type YamlTree } from './yaml-tree.js';

/** What the checks share: the parsed tree (for positions) and the diagnostics found so far. */
export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly file: string,
    readonly tree: YamlTree,
    readonly checkEnv: boolean,
  ) {}

  node(segments: readonly Segment[]): NodeInfo | undefined {
    return this.tree.nodes.get(pathKey(segments));
  }

  /** the value at `segments` is not usable as written: an unset `${VAR}` (reported unless checkEnv is off), a malformed reference or a dangling alias (reported); no further checks apply to it */
  unresolved(segments: readonly Segment[]): boolean {
    return this.node(segments)?.unresolved === true;
  }

  pos(segments: readonly Segment[], atKey = false): SourcePos {
    const { info } = nearestNode(this.tree, segments);
    const p = atKey ? (info.keyPos ?? info.pos) : info.pos;
    return { file: this.file, line: p.line, col: p.col };
  }

  report(segments: readonly Segment[], message: string, options: { atKey?: boolean; severity?: 'error' | 'warning' } = {}): void {
    const p = this.pos(segments, options.atKey ?? false);
    this.diagnostics.push({
      file: this.file,
      line: p.line,
      col: p.col,
      path: displayPath(segments),
      message,
      severity: options.severity ?? 'error',
    });
  }

  warn(segments: readonly Segment[], message: string, atKey = false): void {
    this.report(segments, message, { atKey, severity: 'warning' });
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }
}

export type Json = Record<string, unknown>;

export function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function entries(v: unknown): Array<[string, unknown]> {
  return isObj(v) ? Object.entries(v) : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
