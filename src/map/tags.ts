// Tag rules (DESIGN.md sections 2-3). Pure.
//
// - Each `from` path's value becomes `${prefix}${value}`, normalised with normalizeTag (lowercase, spaces and
//   commas to `_`). Multi-picklist values (`a;b`) give one tag per value; a path through a child
//   relationship gives one tag per child value; booleans and numbers are used as text; empty values give none.
// - `static` tags are used as written (no prefix), normalised.
// - The result is sorted and unique.
// - Ownership: zdsf adds and removes only the tags it manages: those starting with the (normalised) prefix when
//   the prefix is not empty, the static ones, and any tag a rule produced. Every other tag stays.
import type { TagRule } from '../model/config.js';
import type { TagOwnership } from '../model/desired.js';
import { normalizeTag, normalizeTags } from './normalize.js';
import { readPath, type PathOptions } from './path.js';
import { toScalar } from './mapping.js';
import { internList } from '../util/intern.js';

/** A tag prefix as it appears in Zendesk tags: lowercase, spaces and commas to `_` (a trailing space too, as
 * `normalizeTag(prefix + value)` would make it), leading blanks dropped, trailing `_` kept. */
export function normalizeTagPrefix(prefix: string): string {
  return prefix.replace(/^[\s,]+/, '').toLowerCase().replace(/[\s,]+/g, '_');
}

function addValues(value: unknown, out: (v: string) => void): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const v of value) addValues(v, out);
    return;
  }
  const scalar = typeof value === 'string' ? value : toScalar(value);
  if (scalar === null) return;
  const text = String(scalar);
  if (!text.includes(';')) {
    const t = text.trim();
    if (t !== '') out(t);
    return;
  }
  for (const part of text.split(';')) {
    const t = part.trim();
    if (t !== '') out(t);
  }
}

/** The raw (un-prefixed) values a rule's `from` paths give for a record. */
export function tagValues(rule: TagRule, record: Record<string, unknown>, ctx: PathOptions = {}): string[] {
  const out: string[] = [];
  for (const path of rule.from) addValues(readPath(record, path, ctx), (v) => out.push(v));
  return out;
}

// Tag values repeat a lot (Type, Region, Title ...): remember their normalised form.
const tagCache = new Map<string, string | null>();

function cachedTag(raw: string): string | null {
  let t = tagCache.get(raw);
  if (t === undefined) {
    t = normalizeTag(raw);
    if (tagCache.size >= 100_000) tagCache.clear();
    tagCache.set(raw, t);
  }
  return t;
}

const prepared = new WeakMap<TagRule, { prefix: string; statics: string[] }>();

function prepare(rule: TagRule): { prefix: string; statics: string[] } {
  let p = prepared.get(rule);
  if (!p) {
    p = { prefix: normalizeTagPrefix(rule.prefix), statics: normalizeTags(rule.static) };
    prepared.set(rule, p);
  }
  return p;
}

/** The tags a rule gives for a record: prefixed values and static tags, normalised, sorted, unique. */
export function tagsFor(rule: TagRule | undefined, record: Record<string, unknown>, ctx: PathOptions = {}): string[] {
  if (!rule) return [];
  const { prefix, statics } = prepare(rule);
  // an array, not a Set: a record has a handful of tags; duplicates are dropped after the sort
  const out: string[] = statics.length > 0 ? statics.slice() : [];
  const add = (v: string): void => {
    const t = cachedTag(prefix + v);
    if (t !== null) out.push(t);
  };
  for (const path of rule.from) addValues(readPath(record, path, ctx), add);
  if (out.length < 2) return internList(out);
  out.sort();
  let n = 1;
  for (let i = 1; i < out.length; i++) if (out[i] !== out[n - 1]) out[n++] = out[i];
  out.length = n;
  // one shared frozen list per distinct tag set (src/util/intern.ts)
  return internList(out);
}

/** Which tags a rule owns (for DesiredState.organizationTags / userTags). */
export function tagOwnership(rule: TagRule | undefined): TagOwnership {
  if (!rule) return { prefix: '', static: [] };
  return { prefix: normalizeTagPrefix(rule.prefix), static: normalizeTags(rule.static) };
}

/** Whether zdsf may add or remove `tag`: it has the prefix (when not empty), is static, or was produced by a rule. */
export function isManagedTag(tag: string, ownership: TagOwnership, produced?: Set<string>): boolean {
  const t = normalizeTag(tag);
  if (t === null) return false;
  if (produced?.has(t) || produced?.has(tag)) return true;
  if (ownership.static.some((s) => normalizeTag(s) === t)) return true;
  const prefix = normalizeTagPrefix(ownership.prefix);
  return prefix !== '' && t.startsWith(prefix);
}
