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

/** A tag prefix as it appears in Zendesk tags: lowercase, spaces and commas to `_` (a trailing space too, as
 * `normalizeTag(prefix + value)` would make it), leading blanks dropped, trailing `_` kept. */
export function normalizeTagPrefix(prefix: string): string {
  return prefix.replace(/^[\s,]+/, '').toLowerCase().replace(/[\s,]+/g, '_');
}

function valuesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(valuesOf);
  const scalar = toScalar(value);
  if (scalar === null) return [];
  return String(scalar)
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The raw (un-prefixed) values a rule's `from` paths give for a record. */
export function tagValues(rule: TagRule, record: Record<string, unknown>, ctx: PathOptions = {}): string[] {
  return rule.from.flatMap((path) => valuesOf(readPath(record, path, ctx)));
}

/** The tags a rule gives for a record: prefixed values and static tags, normalised, sorted, unique. */
export function tagsFor(rule: TagRule | undefined, record: Record<string, unknown>, ctx: PathOptions = {}): string[] {
  if (!rule) return [];
  const prefix = normalizeTagPrefix(rule.prefix);
  const produced: string[] = [];
  for (const v of tagValues(rule, record, ctx)) {
    const t = normalizeTag(`${prefix}${v}`);
    if (t !== null) produced.push(t);
  }
  return normalizeTags([...produced, ...rule.static]);
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
