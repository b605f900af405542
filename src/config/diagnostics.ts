/** A problem found in a config file, pointing at the offending node. */
export interface Diagnostic {
  /** the config file, as given */
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
  /** dotted path of the node in the config, e.g. `syncs.global.users.match` (empty for the whole file) */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** `sync.yaml:12:5: syncs.global.users.match: must be one of email, external_id` (warnings carry `warning: `). */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.col}: `;
  const severity = d.severity === 'warning' ? 'warning: ' : '';
  const path = d.path ? `${d.path}: ` : '';
  return `${where}${severity}${path}${d.message}`;
}

/** Orders diagnostics by position, errors before warnings at the same place, and drops exact duplicates. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of list) {
    const key = `${d.severity}|${d.line}|${d.col}|${d.path}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort(
    (a, b) =>
      a.line - b.line ||
      a.col - b.col ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      a.path.localeCompare(b.path),
  );
}

export type Segment = string | number;

/** `['syncs', 'global', 'users', 'sources', 0, 'where']` -> `syncs.global.users.sources[0].where` */
export function displayPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}
