// Reading a field path from a Salesforce record as jsforce returns it (DESIGN.md section 2). Pure.
//
// - Parents are nested objects: `Owner.Name` reads `record.Owner.Name`; a null parent gives null.
// - The queried object's own prefix is allowed, as in GitLab's queries (seed 003): `Account.Name` on an
//   Account record reads `Name` (only when the record has no key of that name, so a Contact's `Account.Name`
//   still goes through its parent Account).
// - Field names are matched exactly first, then case-insensitively (SOQL is case-insensitive, the REST API
//   answers with the describe's spelling).
// - Child relationships (subqueries) are `{ totalSize, done, records }` or null: a path through one
//   (`Customer_Subscriptions__r.Entitled_Seats__c`) gives the list of the children's values, in the order
//   Salesforce returned them (an empty list when there are no children).
import type { SfChildResult, SfRecord } from '../model/salesforce.js';

export interface PathOptions {
  /** the queried object's API name (defaults to record.attributes.type), for the own-prefix rule */
  objectName?: string;
  /** names of child relationships read as subqueries (`include`): a path starting with one always gives a list,
   * even when Salesforce answered null for "no children" */
  childRelationships?: Iterable<string>;
  /** other names the record's own fields may be prefixed with: a users mapping applies to Contacts and Leads
   * alike, so `Contact.Title` and `Lead.Title` both read `Title` on either (as the Salesforce reader selects them) */
  ownPrefixes?: readonly string[];
}

/** True for a subquery result as the REST API returns it. */
export function isChildResult(value: unknown): value is SfChildResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { records?: unknown }).records) &&
    ('totalSize' in value || 'done' in value)
  );
}

/** The value of `name` on `obj`: exact key first, then a case-insensitive match (never `attributes`). */
export function getField(obj: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  const key = findKey(obj, name);
  return key === undefined ? undefined : obj[key];
}

function findKey(obj: Record<string, unknown>, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k !== 'attributes' && k.toLowerCase() === lower);
}

/** A path split once (paths come from the config, records are many): its segments, and without its head. */
interface PathInfo {
  segments: readonly string[];
  /** segments[0] lowercased */
  headLower: string;
  /** segments without the head (the own-prefix rule), and its first one lowercased */
  rest: readonly string[];
  restHeadLower: string;
}

const segmentCache = new Map<string, PathInfo>();

function pathInfo(path: string): PathInfo {
  let info = segmentCache.get(path);
  if (info === undefined) {
    const segments = path
      .split('.')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const rest = segments.slice(1);
    info = { segments, headLower: (segments[0] ?? '').toLowerCase(), rest, restHeadLower: (rest[0] ?? '').toLowerCase() };
    if (segmentCache.size < 10_000) segmentCache.set(path, info);
  }
  return info;
}

/** The segments of `path`, without the queried object's own prefix (`Account.Name` on Account -> [Name]). */
export function splitPath(path: string, record?: Record<string, unknown>, objectName?: string, ownPrefixes?: readonly string[]): string[] {
  return [...ownSegments(path, record, objectName, ownPrefixes)];
}

function sameName(a: string, b: string | undefined): boolean {
  return b !== undefined && a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

function ownSegments(
  path: string,
  record?: Record<string, unknown>,
  objectName?: string,
  ownPrefixes?: readonly string[],
): readonly string[] {
  const info = pathInfo(path);
  const segments = info.segments;
  if (segments.length < 2) return segments;
  const head = segments[0];
  const own = sameName(head, objectName ?? recordType(record)) || (ownPrefixes?.some((p) => sameName(head, p)) ?? false);
  if (own && (record === undefined || findKey(record, head) === undefined)) return info.rest;
  return segments;
}

const childSetCache = new WeakMap<object, ReadonlySet<string>>();
const NO_CHILDREN: ReadonlySet<string> = new Set();

/** The lowercased names of the declared child relationships (cached per options list). */
function childSet(options: PathOptions): ReadonlySet<string> {
  const list = options.childRelationships;
  if (list === undefined) return NO_CHILDREN;
  let set = childSetCache.get(list);
  if (set === undefined) {
    set = new Set([...list].map((n) => n.toLowerCase()));
    childSetCache.set(list, set);
  }
  return set;
}

function recordType(record: Record<string, unknown> | undefined): string | undefined {
  const attrs = record?.attributes;
  if (typeof attrs === 'object' && attrs !== null) {
    const type = (attrs as { type?: unknown }).type;
    if (typeof type === 'string') return type;
  }
  return undefined;
}

/** The child records of relationship `name` on `record` ([] when null or absent). */
export function childRecords(record: Record<string, unknown>, name: string): SfRecord[] {
  const value = getField(record, name);
  return isChildResult(value) ? value.records : [];
}

/** Whether `path` (after the own-prefix rule) goes through one of the given child relationships or through
 * a subquery result present on the record. */
export function isChildPath(record: Record<string, unknown>, path: string, options: PathOptions = {}): boolean {
  const segments = ownSegments(path, record, options.objectName, options.ownPrefixes);
  if (segments.length > 0 && childSet(options).has(segments[0].toLowerCase())) return true;
  let current: unknown = record;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return false;
    const next = getField(current as Record<string, unknown>, segment);
    if (isChildResult(next)) return true;
    current = next;
  }
  return false;
}

/**
 * The value at `path` on `record`: a scalar (string, number, boolean), an object for compound fields
 * (address, location), null when a parent or the field is null or absent, or, for a path through a child
 * relationship, the list of the children's values (flattened, nulls kept so `count` can tell).
 */
export function readPath(record: Record<string, unknown>, path: string, options: PathOptions = {}): unknown {
  const info = pathInfo(path);
  let segments = info.segments;
  let headLower = info.headLower;
  if (segments.length >= 2) {
    const head = segments[0];
    const own = sameName(head, options.objectName ?? recordType(record)) || (options.ownPrefixes?.some((p) => sameName(head, p)) ?? false);
    if (own && findKey(record, head) === undefined) {
      segments = info.rest;
      headLower = info.restHeadLower;
    }
  }
  if (segments.length === 0) return null;
  const children = childSet(options);
  if (children.size > 0 && children.has(headLower)) {
    const value = getField(record, segments[0]);
    const rows = isChildResult(value) ? value.records : [];
    if (segments.length === 1) return rows;
    return collect(rows, segments, 1);
  }
  return walk(record, segments, 0);
}

function walk(record: unknown, segments: readonly string[], from: number): unknown {
  let current: unknown = record;
  for (let i = from; i < segments.length; i++) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return null;
    const value = getField(current as Record<string, unknown>, segments[i]);
    if (isChildResult(value)) return i === segments.length - 1 ? value.records : collect(value.records, segments, i + 1);
    if (i === segments.length - 1) return value === undefined ? null : value;
    current = value;
  }
  return null;
}

function collect(rows: SfRecord[], segments: readonly string[], from: number): unknown[] {
  const out: unknown[] = [];
  for (const child of rows) {
    const v = walk(child, segments, from);
    if (Array.isArray(v)) out.push(...(v as unknown[]));
    else out.push(v);
  }
  return out;
}
