// The shape every resource type follows (modelled on github/safe-settings' plugins), and the comparison
// helpers shared by the resources. Pure.
//
// A resource type (organization, user, membership, ...) is one module in this folder that exports
// - a plugin class implementing ResourcePlugin<D, A> for one sync: `find` the Zendesk record a desired one
//   corresponds to, `compare` them on the managed attributes only, and build the `add` / `update` / `remove`
//   change (a resource that never removes throws in `remove`);
// - a `Resource` object: its ChangeType, the resources whose results it reads (`needs`), and `reconcile`, the
//   pass that runs every desired record of the sync through the plugin and returns a ResourceResult (its
//   changes, its warnings, and whatever later resources read, e.g. organizations' `linked`).
// It is registered in src/reconcile/registry.ts (RESOURCES, keyed by every ChangeType, so the compiler refuses
// a ChangeType without a resource; ResourceResults names its result type). The driver there runs the resources
// in registry order; reconcile/index.ts orders and summarises their changes. To add a resource type: add its
// change shapes to model/plan.ts (Change, CHANGE_KINDS), write resources/<type>.ts as above, add one entry to
// RESOURCES and ResourceResults, and its apply side to apply/phases.ts (PHASE_SPECS) and apply/stale-checks.ts.
import type { TagOwnership } from '../../model/desired.js';
import type { Sync, ZendeskInstance } from '../../model/config.js';
import type { DesiredState } from '../../model/desired.js';
import type { AttributeDiff, Change, ChangeType, Warning } from '../../model/plan.js';
import type { SourceData } from '../../model/salesforce.js';
import type { TargetData, ZdFieldDef } from '../../model/zendesk.js';
import type { ResourceResults } from '../registry.js';
import type { FieldPlan } from './fields.js';
import type { RelationshipSettings } from '../relationships.js';
import { collapseWhitespace, normalizedTagList, normalizeFieldValue, normalizeTags, normalizeText, sameValue } from '../../map/normalize.js';

export type FindResult<A> =
  | { kind: 'found'; record: A; via: string }
  | { kind: 'none' }
  | { kind: 'skip'; warning: Warning };

/** What a desired record and its Zendesk counterpart differ in, as a change's before / after / diff. */
export interface Comparison {
  diff: AttributeDiff[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

export interface ResourcePlugin<D, A> {
  readonly type: ChangeType;
  /** the Zendesk record `desired` corresponds to, none (create it), or skip (with the reason why) */
  find(desired: D): FindResult<A>;
  /** only the attributes the config maps, normalised on both sides */
  compare(desired: D, actual: A): Comparison;
  add(desired: D): Change;
  update(desired: D, actual: A, comparison: Comparison): Change;
  remove(actual: A, reason: string): Change;
}

/** What every resource's pass reads: one sync's config, desired state and both sides' records. Read-only. */
export interface ResourceInput {
  sync: Sync;
  zendesk: ZendeskInstance;
  desired: DesiredState;
  source: SourceData;
  target: TargetData;
  settings: RelationshipSettings;
  /** collect per-record explanations (users: a PersonOutcome per person group) */
  explain: boolean;
  /** the field resource's plan (issue 17): made before map, so that map reads the fields as they will be */
  fields?: FieldPlan;
}

/** What a resource's pass returns at the least: its changes (any order: reconcile orders them) and warnings. */
export interface ResourceResult {
  changes: Change[];
  warnings: Warning[];
}

/** One resource type in the registry. `upstream` holds the results of the resources before it in registry
 * order; a resource reads only those it lists in `needs` (a test checks that they come earlier). */
export interface Resource<T extends ChangeType, R extends ResourceResult> {
  readonly type: T;
  readonly needs: readonly ChangeType[];
  reconcile(input: ResourceInput, upstream: Readonly<ResourceResults>): R;
}

export function emptyComparison(): Comparison {
  return { diff: [], before: {}, after: {} };
}

export function changed(c: Comparison): boolean {
  return c.diff.length > 0;
}

/** A scalar attribute: compared after `norm` on both sides; `after` holds the normalised desired value. */
export function compareScalar(c: Comparison, path: string, desired: unknown, current: unknown, norm: (v: unknown) => unknown): void {
  const want = norm(desired);
  const have = norm(current);
  if (sameValue(want, have)) return;
  c.diff.push({ path, before: current ?? null, after: want ?? null });
  c.before[path] = current ?? null;
  c.after[path] = want ?? null;
}

// The keys of a custom-fields object, sorted: every record of a sync maps the same keys in the same order,
// so the sorted list of the last shape seen is reused (no sort and no array per record).
let lastKeys: string[] = [];
let lastSorted: string[] = [];
function sortedKeys(record: Record<string, unknown>): string[] {
  let i = 0;
  let same = true;
  for (const k in record) {
    if (!Object.hasOwn(record, k)) continue;
    if (same && lastKeys[i] !== k) same = false;
    i++;
  }
  if (same && i === lastKeys.length) return lastSorted;
  lastKeys = Object.keys(record);
  lastSorted = [...lastKeys].sort();
  return lastSorted;
}

/** Custom fields (organization_fields / user_fields), key by key, normalised for the field's definition.
 * before/after hold only the keys that change (Zendesk merges a partial fields object on update). */
export function compareFields(
  c: Comparison,
  attribute: 'organization_fields' | 'user_fields',
  desired: Record<string, unknown>,
  current: Record<string, unknown> | null | undefined,
  defs: Map<string, ZdFieldDef>,
): void {
  let before: Record<string, unknown> | null = null;
  let after: Record<string, unknown> | null = null;
  for (const key of sortedKeys(desired)) {
    const def = defs.get(key);
    const want = normalizeFieldValue(desired[key], def);
    const raw = current?.[key];
    const have = normalizeFieldValue(raw, def);
    if (sameValue(want, have)) continue;
    before ??= {};
    after ??= {};
    before[key] = raw ?? null;
    after[key] = want ?? null;
    c.diff.push({ path: `${attribute}.${key}`, before: raw ?? null, after: want ?? null });
  }
  if (after) {
    c.before[attribute] = before;
    c.after[attribute] = after;
  }
}

/** Which tags zdsf owns: those with the configured (non-empty) prefix, the static ones, and any tag its rules
 * produced for any record of this type in this sync. Every other tag belongs to someone else and stays. */
export function tagOwner(ownership: TagOwnership, produced: Iterable<string>): (tag: string) => boolean {
  const prefix = ownership.prefix.trim().toLowerCase();
  const owned = new Set<string>([...normalizeTags(ownership.static), ...normalizeTags(produced)]);
  return (tag: string) => (prefix !== '' && tag.startsWith(prefix)) || owned.has(tag);
}

/** The sorted union of two sorted, unique lists (what normalizeTags([...a, ...b]) gives for normalised ones). */
function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) out.push(a[i++]);
    else if (b[j] < a[i]) out.push(b[j++]);
    else {
      out.push(a[i++]);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

/** The new tag list from the normalised current one: unmanaged tags kept, managed ones replaced by the desired set. */
function mergeNormalized(current: readonly string[], desired: string[], owns: (tag: string) => boolean): string[] {
  const keep: string[] = [];
  for (const t of current) if (!owns(t)) keep.push(t);
  // desired tags come from map normalised, sorted and unique; anything else goes the long way
  const want = normalizedTagList(desired);
  return want === desired ? mergeSorted(keep, want) : normalizeTags([...keep, ...desired]);
}

/** The full new tag list: unmanaged current tags kept, managed ones replaced by the desired set; sorted. */
export function mergeTags(current: string[] | null | undefined, desired: string[], owns: (tag: string) => boolean): string[] {
  return mergeNormalized(normalizedTagList(current ?? []), desired, owns);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether merging `want` into `have` (both sorted and unique) leaves `have` as it is: every wanted tag is there,
 * and every tag there that zdsf owns is wanted. One walk, nothing allocated (most records of a steady state). */
function mergeKeeps(have: readonly string[], want: readonly string[], owns: (tag: string) => boolean): boolean {
  let j = 0;
  for (const h of have) {
    if (j < want.length && want[j] < h) return false;
    if (j < want.length && want[j] === h) j++;
    else if (owns(h)) return false;
  }
  return j === want.length;
}

export function compareTags(c: Comparison, current: string[] | null | undefined, desired: string[], owns: (tag: string) => boolean): void {
  const have = normalizedTagList(current ?? []);
  if (normalizedTagList(desired) === desired && mergeKeeps(have, desired, owns)) return;
  const next = mergeNormalized(have, desired, owns);
  if (sameList(have, next)) return;
  c.diff.push({ path: 'tags', before: current ?? [], after: next });
  c.before.tags = current ?? [];
  c.after.tags = next;
}

/** The diff of a create: every attribute written, from nothing. */
export { createDiff, hasCreateDiff, withCreateDiff } from '../../model/create-diff.js';

/** Drop null / undefined values (and empty arrays / objects): a create writes only what has a value. */
export function compact<T extends object = Record<string, unknown>>(record: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v)) {
      const inner = compact<Record<string, unknown>>(v as Record<string, unknown>);
      if (Object.keys(inner).length === 0) continue;
      out[k] = inner;
      continue;
    }
    out[k] = v;
  }
  return out as T;
}

export function fieldDefs(defs: ZdFieldDef[]): Map<string, ZdFieldDef> {
  return new Map(defs.map((d) => [d.key, d]));
}

/** Normalise a custom-fields object for a create: normalised values, nulls dropped. */
export function normalizedFields(fields: Record<string, unknown>, defs: Map<string, ZdFieldDef>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of sortedKeys(fields)) {
    const v = normalizeFieldValue(fields[key], defs.get(key));
    if (v !== null && v !== undefined) out[key] = v;
  }
  return out;
}

/** A one-line attribute (a name): trimmed, inner whitespace collapsed, empty -> null. Case is kept: a
 * changed capitalisation is a real rename. */
export function normalizeLine(value: unknown): string | null {
  const text = normalizeText(value);
  // most names have single spaces only: tested without building a new string (every record, both sides)
  return text === null ? null : collapseWhitespace(text);
}

/** Short list for messages: `a, b, c and 7 more`. */
export function listForMessage(items: string[], max = 10): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** What a plugin compares custom fields and tags by: the type's field definitions by key, and which tags zdsf
 * owns (tagOwner over the tags its rules produced for the type's desired records). */
export interface ManagedAttributes {
  defs: Map<string, ZdFieldDef>;
  owns: (tag: string) => boolean;
}

export function managedAttributes(fields: ZdFieldDef[], ownership: TagOwnership, desired: readonly { tags: string[] }[]): ManagedAttributes {
  // each distinct tag once (a steady state has a few dozen distinct tags over hundreds of thousands of records)
  const produced = new Set<string>();
  for (const d of desired) for (const t of d.tags) produced.add(t);
  return { defs: fieldDefs(fields), owns: tagOwner(ownership, produced) };
}

/** Records by a key: a record without one (null, undefined, '') is left out; on a repeated key the last wins. */
export function indexBy<A>(records: Iterable<A>, key: (record: A) => string | null | undefined): Map<string, A> {
  const out = new Map<string, A>();
  for (const r of records) {
    const k = key(r);
    if (k) out.set(k, r);
  }
  return out;
}

/** Records grouped by a key, each group in input order. */
export function groupBy<A>(records: Iterable<A>, key: (record: A) => string): Map<string, A[]> {
  const out = new Map<string, A[]>();
  for (const r of records) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
