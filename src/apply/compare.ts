// Lenient comparison of plan values with live Zendesk records: the plan holds normalised values (reconcile),
// Zendesk answers raw ones. Two values are equal when they mean the same thing to Zendesk.
const ISO_MIDNIGHT = /^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.0+)?(?:Z|[+-]00:?00)?$/;
const NUMERIC = /^-?\d+(?:\.\d+)?$/;

function scalar(value: unknown, path: string): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    const t = value.replace(/\r\n?/g, '\n').trim();
    if (t === '') return null;
    const midnight = ISO_MIDNIGHT.exec(t);
    if (midnight) return midnight[1];
    if (NUMERIC.test(t)) return String(Number(t));
    return /(^|\.)email$/.test(path) ? t.toLowerCase() : t;
  }
  if (typeof value === 'number') return String(value);
  // a checkbox custom field reads null when never set, false when unchecked: the same to Zendesk
  if (value === false && /_fields\./.test(path)) return null;
  return value;
}

/** Whether `a` (from the plan) and `b` (live) are the same value of the attribute at `path`. */
export function sameAttribute(path: string, a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    // tags and domain_names: sets, case-insensitive
    const set = (v: unknown): string[] =>
      [...new Set((Array.isArray(v) ? v : v === null || v === undefined || v === '' ? [] : [v]).map((x) => String(x).trim().toLowerCase()))]
        .filter((x) => x !== '')
        .sort();
    const sa = set(a);
    const sb = set(b);
    return sa.length === sb.length && sa.every((x, i) => x === sb[i]);
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    const oa = isPlainObject(a) ? a : {};
    const ob = isPlainObject(b) ? b : {};
    const keys = new Set([...Object.keys(oa), ...Object.keys(ob)]);
    return [...keys].every((k) => sameAttribute(`${path}.${k}`, oa[k], ob[k]));
  }
  return scalar(a, path) === scalar(b, path);
}

/** For a create: every tag the plan writes is on the live record (others may have been added since). */
export function containsTags(planned: unknown, live: unknown): boolean {
  const have = new Set((Array.isArray(live) ? live : []).map((x) => String(x).trim().toLowerCase()));
  return (Array.isArray(planned) ? planned : []).every((t) => have.has(String(t).trim().toLowerCase()));
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Leaves of a plan attribute object as dotted paths: `{ notes, organization_fields: { health } }` ->
 * `notes`, `organization_fields.health`. Arrays are leaves. Keys already dotted stay as they are.
 */
export function flatten(obj: Record<string, unknown>, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v) && Object.keys(v).length > 0) out.push(...flatten(v, path));
    else out.push([path, v]);
  }
  return out;
}

/** The value at a dotted path of a record. */
export function getPath(record: Record<string, unknown>, path: string): unknown {
  let cur: unknown = record;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** `{ "organization_fields.health": x, notes: y }` -> `{ organization_fields: { health: x }, notes: y }` (Zendesk's shape). */
export function expand(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(obj)) {
    const parts = path.split('.');
    let cur = out;
    for (const part of parts.slice(0, -1)) {
      if (!isPlainObject(cur[part])) cur[part] = {};
      cur = cur[part] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    if (isPlainObject(value) && isPlainObject(cur[last])) cur[last] = { ...(cur[last] as Record<string, unknown>), ...value };
    else cur[last] = value;
  }
  return out;
}

/** A short quoted rendering of a value for messages. */
export function show(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  const s = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
