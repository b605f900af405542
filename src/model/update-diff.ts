// The diff of an organization or user update, computed when read instead of kept (issue 12), as a create's is
// (src/model/create-diff.ts). reconcile builds an update's before / after and its diff together, a leaf at a
// time (compareScalar, compareFields, compareTags in src/reconcile/resources/resource.ts): the diff is then
// `after` flattened one level, each leaf with the value `before` holds at the same path (null when none). At
// a first sync of 100k accounts / 500k contacts that is 222,746 diffs held through render and the plan file.
// Only a diff found to be exactly that one is computed: anything else (a diff that names organizations where
// before / after hold ids, a hand-made one) stays stored as it is. Render, the JSON document, the seal and
// `zdsf show` read it as a property like any other, in its place among the keys.
import type { AttributeDiff } from './plan.js';
import { withLazyDiff } from './create-diff.js';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface UpdateLike {
  before: object | null;
  after: object | null;
}

/** `after` a leaf at a time, with what `before` holds there. */
export function updateDiff(before: object | null, after: object | null): AttributeDiff[] {
  const diff: AttributeDiff[] = [];
  const b = (before ?? {}) as Json;
  for (const [path, value] of Object.entries(after ?? {})) {
    if (isRecord(value)) {
      const inner = isRecord(b[path]) ? (b[path] as Json) : {};
      for (const [k, v] of Object.entries(value)) diff.push({ path: `${path}.${k}`, before: inner[k] ?? null, after: v });
    } else {
      diff.push({ path, before: b[path] ?? null, after: value });
    }
  }
  return diff;
}

const LAZY_UPDATE_DIFF: PropertyDescriptor = {
  get(this: UpdateLike): AttributeDiff[] {
    return updateDiff(this.before, this.after);
  },
  set(this: object, value: AttributeDiff[]): void {
    Object.defineProperty(this, 'diff', { value, writable: true, enumerable: true, configurable: true });
  },
  enumerable: true,
  configurable: true,
};

const sameJson = (a: unknown, b: unknown): boolean => a === b || (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b));

/** Whether `diff` is exactly updateDiff(before, after), walked without building it. */
function isComputedDiff(diff: unknown, before: object | null, after: object | null): boolean {
  if (!Array.isArray(diff) || !isRecord(after) || (before !== null && !isRecord(before))) return false;
  const b = (before ?? {}) as Json;
  let i = 0;
  const next = (path: string, was: unknown, now: unknown): boolean => {
    const d: unknown = diff[i++];
    if (!isRecord(d) || Object.keys(d).length !== 3 || d.path !== path) return false;
    return sameJson(d.before, was ?? null) && sameJson(d.after, now);
  };
  for (const path of Object.keys(after)) {
    const value = after[path];
    if (isRecord(value)) {
      const inner = isRecord(b[path]) ? (b[path] as Json) : {};
      for (const k of Object.keys(value)) if (!next(`${path}.${k}`, inner[k], value[k])) return false;
    } else if (!next(path, b[path], value)) return false;
  }
  return i === diff.length;
}

/** Gives `change` (its keys up to `after` set) `diff`, computed when it is the computed one, then the keys of `rest`. */
export function withUpdateDiff<H extends UpdateLike, R extends object>(change: H, diff: AttributeDiff[], rest: R): H & { diff: AttributeDiff[] } & R {
  if (isComputedDiff(diff, change.before, change.after)) Object.defineProperty(change, 'diff', LAZY_UPDATE_DIFF);
  else (change as H & { diff?: AttributeDiff[] }).diff = diff;
  return Object.assign(change as H & { diff: AttributeDiff[] }, rest);
}

/** Whether `change.diff` is the computed update diff (not a value stored since). */
export function hasUpdateDiff(change: object): boolean {
  return Object.getOwnPropertyDescriptor(change, 'diff')?.get === LAZY_UPDATE_DIFF.get;
}

/**
 * A change read from a saved plan: an organization or user update whose stored diff is exactly the computed
 * one gets the computed diff instead (the same value when read, none kept), in a copy (withLazyDiff). Anything
 * else is returned as it is.
 */
export function leanUpdateDiff<T extends object>(change: T): T {
  const c = change as { type?: unknown; action?: unknown; before?: unknown; after?: unknown; diff?: unknown };
  if (c.action !== 'update' || (c.type !== 'user' && c.type !== 'organization') || hasUpdateDiff(change)) return change;
  if (!isComputedDiff(c.diff, (c.before ?? null) as object | null, (c.after ?? null) as object | null)) return change;
  return withLazyDiff(change, LAZY_UPDATE_DIFF);
}
