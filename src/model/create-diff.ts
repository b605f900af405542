// The diff of an organization or user create is not kept on the change: it repeats `after` a leaf at a time
// (plus the user's organization), and at a first sync the diffs were 40 % of the plan's heap (10k/50k: 40 of
// 100 MB). It is computed when read: render, the JSON document, the seal and `zdsf show` read it as a property
// like any other, in its place among the keys, so every document is byte for byte what a stored diff gave.
// reconcile builds creates with it (withCreateDiff); a saved plan's creates get it back when their stored diff
// is exactly the computed one (leanCreateDiff), so that apply does not hold the diffs either.
import type { AttributeDiff } from './plan.js';
import { isRecord } from '../util/data.js';

/**
 * What the computed diff reads: `createDiff(after)`, then `organization_id` (before null, after the
 * organization's name) when the create names its organization (setOrganization, addSoldTo). An assignment
 * stores the value given, as a plain property in the same place.
 */
const LAZY_CREATE_DIFF = lazyDiff(function (this: { after: object; organization?: { name: string } }): AttributeDiff[] {
  const diff = createDiff(this.after);
  if (this.organization) diff.push({ path: 'organization_id', before: null, after: this.organization.name });
  return diff;
});

/** A computed `diff` property (creates here, updates in src/model/update-diff.ts): `get` reads it from the
 * change; an assignment stores the value given, as a plain property in the same place among the keys. */
export function lazyDiff(get: (this: never) => AttributeDiff[]): PropertyDescriptor {
  return {
    get,
    set(this: object, value: AttributeDiff[]): void {
      Object.defineProperty(this, 'diff', { value, writable: true, enumerable: true, configurable: true });
    },
    enumerable: true,
    configurable: true,
  };
}

/** Gives `change` (its keys up to `after` set) the computed create diff, then the keys of `rest`, in order. */
export function withCreateDiff<H extends object, R extends object>(change: H, rest: R): H & { diff: AttributeDiff[] } & R {
  Object.defineProperty(change, 'diff', LAZY_CREATE_DIFF);
  return Object.assign(change as H & { diff: AttributeDiff[] }, rest);
}

/** Whether `change.diff` is the computed create diff (not a value stored since). */
export function hasCreateDiff(change: object): boolean {
  return Object.getOwnPropertyDescriptor(change, 'diff')?.get === LAZY_CREATE_DIFF.get;
}

export function createDiff(after: object): AttributeDiff[] {
  return leafDiff(null, after);
}

type Json = Record<string, unknown>;

/** `after` a leaf at a time (custom-field objects one level down), each with what `before` holds at the same
 * path, null when nothing: a create's diff (before null) and an update's (src/model/update-diff.ts). */
export function leafDiff(before: object | null, after: object | null): AttributeDiff[] {
  const diff: AttributeDiff[] = [];
  const b = (before ?? {}) as Json;
  for (const [path, value] of Object.entries(after ?? {})) {
    if (isRecord(value)) {
      const inner = isRecord(b[path]) ? b[path] : {};
      for (const [k, v] of Object.entries(value)) diff.push({ path: `${path}.${k}`, before: inner[k] ?? null, after: v });
    } else {
      diff.push({ path, before: b[path] ?? null, after: value });
    }
  }
  return diff;
}

/** Equal values, objects and lists compared as JSON (a stored diff against the computed one). */
export const sameValue = (a: unknown, b: unknown): boolean => a === b || (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b));

/**
 * A change read from a saved plan: an organization or user create whose stored diff is exactly the computed
 * one gets the computed diff instead (the same value when read, none kept). Anything else is left as it is.
 */
export function leanCreateDiff<T extends object>(change: T): T {
  const c = change as { type?: unknown; action?: unknown; after?: unknown; organization?: unknown; diff?: unknown };
  if (c.action !== 'create' || (c.type !== 'user' && c.type !== 'organization') || typeof c.after !== 'object' || c.after === null) return change;
  if (!Array.isArray(c.diff) || hasCreateDiff(change)) return change;
  const computed = (LAZY_CREATE_DIFF.get as (this: unknown) => AttributeDiff[]).call(change);
  const stored = c.diff as AttributeDiff[];
  if (computed.length !== stored.length) return change;
  for (let i = 0; i < stored.length; i++) {
    const s = stored[i];
    const k = computed[i];
    if (typeof s !== 'object' || s === null || Object.keys(s).length !== 3 || s.path !== k.path || s.before !== null || !sameValue(s.after, k.after)) return change;
  }
  return withLazyDiff(change, LAZY_CREATE_DIFF);
}

/**
 * A copy of a parsed change with the same keys in the same order, `diff` defined by `lazy`: redefining `diff` on
 * the parsed object would turn it into a dictionary (~400 bytes more a change); defining it while the object is
 * built keeps it in fast mode.
 */
export function withLazyDiff<T extends object>(change: T, lazy: PropertyDescriptor): T {
  const source = change as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(source)) {
    if (k === 'diff') Object.defineProperty(out, 'diff', lazy);
    else out[k] = source[k];
  }
  return out as T;
}
