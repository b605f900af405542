// What `zdsf apply PLANFILE` keeps of each change it reads (issue 12): everything apply uses, nothing that is
// only for the reviewer. A first sync at 100k accounts / 500k contacts has 648,029 changes; parsed whole they
// held 801 MB of heap, and apply's peak RSS was 1,554 MB against a goal of 1,500. Most of it was what apply
// never reads:
// - `diff` (the reviewer's view of before -> after; apply, its guard and max_changes read `before` / `after`,
//   never the diff): 430-1,300 bytes a change;
// - `sources` (the Salesforce records a change comes from, shown in the plan);
// - copies of one string: a user's key, label and email are the same address, an organization's key and
//   external_id the same id, each a string of its own after JSON.parse;
// - a tag list per record, where a few dozen lists repeat (shared through src/util/intern.ts).
// The view is a new object in fast mode (redefining or deleting a property of a parsed object turns it into
// a dictionary, ~400 bytes more). Reading `diff` or `sources` of a view throws: apply code that started to
// use them would fail in the tests rather than see nothing. The seal is computed from the change as read,
// before the view is made (src/services/plan-file.ts).
import { isRecord } from '../util/data.js';
import { internList } from '../util/intern.js';
import type { Change } from './plan.js';

const DISPLAY_ONLY = new Set(['diff', 'sources']);

function notKept(name: string): PropertyDescriptor {
  return {
    get(): never {
      throw new Error(`a change read for apply does not keep its display-only "${name}" (src/model/apply-view.ts); read the plan with readPlanFile(path) to show it`);
    },
    enumerable: false,
  };
}

const VIEW_PROTOTYPE: object = Object.create(Object.prototype, { diff: notKept('diff'), sources: notKept('sources') });

type Json = Record<string, unknown>;
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** `obj[prop]` becomes `same` when it holds an equal string (one string in memory instead of two). */
function share(obj: Json, prop: string, same: unknown): void {
  if (typeof same === 'string' && obj[prop] === same) obj[prop] = same;
}

/** The record's attributes with equal strings shared and tag lists shared (a freshly parsed object: changed in place). */
function leanAttributes(attrs: unknown, key: string): void {
  if (!isRecord(attrs)) return;
  share(attrs, 'email', key);
  share(attrs, 'external_id', key);
  if (isStringList(attrs.tags)) attrs.tags = internList(attrs.tags);
}

/** The apply view of a change just parsed from a plan file (which it takes over: do not use `change` after). */
export function applyView<C extends Change>(change: C): C {
  const source = change as unknown as Json;
  const view = Object.create(VIEW_PROTOTYPE) as Json;
  for (const k of Object.keys(source)) if (!DISPLAY_ONLY.has(k)) view[k] = source[k];
  const key = view.key as string;
  share(view, 'label', key);
  leanAttributes(view.after, key);
  leanAttributes(view.before, key);
  for (const ref of ['user', 'organization']) {
    const r = view[ref];
    if (isRecord(r)) share(r, 'email', r.key);
  }
  return view as unknown as C;
}

/** Whether a change is an apply view (its display-only fields are not kept). */
export function isApplyView(change: object): boolean {
  return Object.getPrototypeOf(change) === VIEW_PROTOTYPE;
}
