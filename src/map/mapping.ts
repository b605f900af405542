// Evaluating one mapping (DESIGN.md section 2) against a Salesforce record. Pure.
//
// Decisions (documented here because the design leaves them open):
// - `{ from, map, default }`: the value is looked up in `map` by its text (exact, then trimmed and
//   case-insensitive). A null or empty value gives `default` (or null). A value that is not in `map` gives
//   `default` when one is given, else the value itself (so a partial map only renames what it lists).
//   Multi-picklist values (`a;b`) are looked up and kept as one text, never split.
// - `aggregate` works on the values of a child relationship path, in Salesforce's order, nulls and empty
//   strings ignored: first, last, min, max (numbers numerically, ISO dates and datetimes chronologically,
//   otherwise text by code point), sum (numbers only; a non-number is an error), count (how many non-empty
//   values; `from: Relationship__r` alone counts the child records), join (text, separator default ", ").
//   With no values every aggregate but count gives null (count gives 0), and then map/default apply.
// - A path through a child relationship without `aggregate` gives its values joined with ", " (checkFieldTypes
//   reports such a mapping as an error before anything runs).
// - `{ template }`: `{Path}` placeholders read like field paths; missing values become empty; `{{` and `}}`
//   stand for literal braces; the result is trimmed.
import type { Aggregate, Mapping, Scalar } from '../model/config.js';
import { readPath, type PathOptions } from './path.js';

/** A value that cannot be computed (e.g. `sum` over text). mapSync turns it into an `invalid_value` warning. */
export class MapValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MapValueError';
  }
}

export type MapContext = PathOptions;

export const DEFAULT_SEPARATOR = ', ';

/** A Salesforce value as one scalar: compound values become text (location "lat,lon"; address parts joined
 * with ", "), lists are joined with ", ", undefined is null. */
export function toScalar(value: unknown): Scalar {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) {
    const parts = value.map(toScalar).filter((v) => !isEmpty(v));
    return parts.length === 0 ? null : parts.map(String).join(DEFAULT_SEPARATOR);
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.latitude === 'number' && typeof o.longitude === 'number') return `${o.latitude},${o.longitude}`;
    const address = ['street', 'city', 'state', 'postalCode', 'country']
      .map((k) => o[k])
      .filter((v): v is string | number => (typeof v === 'string' && v.trim() !== '') || typeof v === 'number');
    if (address.length > 0) return address.map(String).join(DEFAULT_SEPARATOR);
    return JSON.stringify(value);
  }
  return null;
}

/** null, undefined or a blank string. */
export function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The number a value stands for (a number, or a string that is exactly a decimal number), else null. */
export function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && NUMERIC.test(value.trim())) return Number(value.trim());
  return null;
}

/** Milliseconds since the epoch for an ISO date or datetime string (Salesforce's `+0000` offsets included). */
export function asIsoTime(value: unknown): number | null {
  if (typeof value !== 'string' || !ISO_DATE.test(value.trim())) return null;
  let s = value.trim().replace(' ', 'T');
  s = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  return Number.isNaN(t) ? null : t;
}

/** Orders values: all numbers -> numerically, all ISO dates -> chronologically, otherwise as text. */
export function compareFor(values: unknown[]): (a: unknown, b: unknown) => number {
  if (values.every((v) => asNumber(v) !== null)) return (a, b) => (asNumber(a) ?? 0) - (asNumber(b) ?? 0);
  if (values.every((v) => asIsoTime(v) !== null)) return (a, b) => (asIsoTime(a) ?? 0) - (asIsoTime(b) ?? 0);
  return (a, b) => {
    const x = String(toScalar(a));
    const y = String(toScalar(b));
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

function roundSum(n: number): number {
  return Number(n.toPrecision(15));
}

/** An aggregate over child values (see the header for the rules). */
export function aggregateValues(values: unknown[], aggregate: Aggregate, separator: string = DEFAULT_SEPARATOR): Scalar {
  const present = values.filter((v) => !isEmpty(v));
  if (aggregate === 'count') return present.length;
  if (present.length === 0) return null;
  switch (aggregate) {
    case 'first':
      return toScalar(present[0]);
    case 'last':
      return toScalar(present[present.length - 1]);
    case 'min':
    case 'max': {
      const cmp = compareFor(present);
      let best = present[0];
      for (const v of present.slice(1)) {
        const c = cmp(v, best);
        if (aggregate === 'min' ? c < 0 : c > 0) best = v;
      }
      return toScalar(best);
    }
    case 'sum': {
      let total = 0;
      for (const v of present) {
        const n = asNumber(v);
        if (n === null) throw new MapValueError(`cannot sum ${JSON.stringify(toScalar(v))}: not a number`);
        total += n;
      }
      return roundSum(total);
    }
    case 'join':
      return present.map((v) => String(toScalar(v))).join(separator);
  }
}

/** `{ map, default }` applied to a value (see the header for the rules). */
export function applyValueMap(value: Scalar, map?: Record<string, Scalar>, dflt?: Scalar): Scalar {
  if (isEmpty(value)) return dflt === undefined ? null : dflt;
  if (!map) return value;
  const text = String(value);
  if (Object.prototype.hasOwnProperty.call(map, text)) return map[text];
  const lower = text.trim().toLowerCase();
  const key = Object.keys(map).find((k) => k.trim().toLowerCase() === lower);
  if (key !== undefined) return map[key];
  return dflt === undefined ? value : dflt;
}

const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;

/** The field paths a template reads, in order. */
export function templatePaths(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m[1] !== undefined && m[1].trim() !== '') out.push(m[1].trim());
  }
  return out;
}

/** A template filled from the record: missing values empty, result trimmed. */
export function renderTemplate(template: string, record: Record<string, unknown>, ctx: MapContext = {}): string {
  return template
    .replace(PLACEHOLDER, (whole: string, path: string | undefined) => {
      if (whole === '{{') return '{';
      if (whole === '}}') return '}';
      if (path === undefined || path.trim() === '') return '';
      const v = toScalar(readPath(record, path.trim(), ctx));
      return v === null ? '' : String(v);
    })
    .trim();
}

/** The Salesforce field paths a mapping reads (none for `{ value }`). */
export function mappingPaths(mapping: Mapping): string[] {
  switch (mapping.kind) {
    case 'field':
      return [mapping.from];
    case 'template':
      return templatePaths(mapping.template);
    case 'value':
      return [];
  }
}

/**
 * The value a mapping gives for a record, as a scalar (not yet normalised for a Zendesk field: see
 * toZendeskFieldValue). Throws MapValueError for a value that cannot be computed.
 */
export function evaluateMapping(mapping: Mapping, record: Record<string, unknown>, ctx: MapContext = {}): Scalar {
  switch (mapping.kind) {
    case 'value':
      return mapping.value;
    case 'template':
      return renderTemplate(mapping.template, record, ctx);
    case 'field': {
      const raw = readPath(record, mapping.from, ctx);
      let value: Scalar;
      if (mapping.aggregate) {
        const list = Array.isArray(raw) ? raw : isEmpty(raw) ? [] : [raw];
        value = aggregateValues(list, mapping.aggregate, mapping.separator ?? DEFAULT_SEPARATOR);
      } else {
        value = toScalar(raw);
      }
      return applyValueMap(value, mapping.map, mapping.default);
    }
  }
}
