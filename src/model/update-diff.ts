// The diff of an organization or user update, computed when read instead of kept (issue 12), as a create's is
// (src/model/create-diff.ts). reconcile builds an update's before / after and its diff together, a leaf at a
// time (compareScalar, compareFields, compareTags in src/reconcile/resources/resource.ts): the diff is then
// `after` flattened one level, each leaf with the value `before` holds at the same path (null when none). At
// a first sync of 100k accounts / 500k contacts that is 222,746 diffs held through render and the plan file.
// Only a diff found to be exactly that one is computed: anything else (a diff that names organizations where
// before / after hold ids, a hand-made one) stays stored as it is. Render, the JSON document, the seal and
// `zdsf show` read it as a property like any other, in its place among the keys.
import type { AttributeDiff } from './plan.js';
import { lazyDiff, leafDiff, sameValue, withLazyDiff } from './create-diff.js';
import { isRecord } from '../util/data.js';

type Json = Record<string, unknown>;

interface UpdateLike {
  before: object | null;
  after: object | null;
}

/** `after` a leaf at a time, with what `before` holds there (src/model/create-diff.ts's leafDiff). */
export const updateDiff = leafDiff;

const LAZY_UPDATE_DIFF = lazyDiff(function (this: UpdateLike): AttributeDiff[] {
  return leafDiff(this.before, this.after);
});

/** Whether `diff` is exactly updateDiff(before, after), walked without building it. */
function isComputedDiff(diff: unknown, before: object | null, after: object | null): boolean {
  if (!Array.isArray(diff) || !isRecord(after) || (before !== null && !isRecord(before))) return false;
  const b = (before ?? {}) as Json;
  let i = 0;
  const next = (path: string, was: unknown, now: unknown): boolean => {
    const d: unknown = diff[i++];
    if (!isRecord(d) || Object.keys(d).length !== 3 || d.path !== path) return false;
    return sameValue(d.before, was ?? null) && sameValue(d.after, now);
  };
  for (const path of Object.keys(after)) {
    const value = after[path];
    if (isRecord(value)) {
      const inner = isRecord(b[path]) ? b[path] : {};
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
