// Normalisation applied to both sides before comparing, so that apply followed by plan shows no changes
// (DESIGN.md section 3): tags, emails, whitespace, numbers, dates, dropdown values, empty vs null.
import type { ZdFieldDef } from '../model/zendesk.js';

/** Zendesk's tag rules: lowercase, no spaces (become underscores), no commas; empty -> null. */
export function normalizeTag(value: string): string | null {
  const tag = value
    .trim()
    .toLowerCase()
    .replace(/[\s,]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return tag === '' ? null : tag;
}

/** A sorted, de-duplicated list of normalised tags. */
export function normalizeTags(values: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const t = normalizeTag(v);
    if (t) out.add(t);
  }
  return [...out].sort();
}

/** A tag as normalizeTag leaves it: lowercase, no blank or comma, no `_` at either end. */
function isNormalTag(t: string): boolean {
  if (t === '' || t.charCodeAt(0) === 95 || t.charCodeAt(t.length - 1) === 95) return false;
  return !BLANK_OR_COMMA.test(t) && t.toLowerCase() === t;
}
const BLANK_OR_COMMA = /[\s,]/;

/**
 * normalizeTags(values), but a list already in that form (what zdsf writes, what Zendesk reads back: sorted,
 * unique, normalised) is returned as it is, without a Set and a sort: reconcile asks this of every record's tags.
 * The caller must not modify the result.
 */
export function normalizedTagList(values: readonly string[]): readonly string[] {
  for (let i = 0; i < values.length; i++) {
    const t = values[i];
    if (typeof t !== 'string' || !isNormalTag(t) || (i > 0 && !(values[i - 1] < t))) return normalizeTags(values);
  }
  return values;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trimmed and lowercased (Zendesk emails are unique case-insensitively); null when empty or not an email. */
export function normalizeEmail(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const email = value.trim().toLowerCase();
  return EMAIL.test(email) ? email : null;
}

/** Trim, unify line endings, turn empty into null. */
export function normalizeText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  let text = typeof value === 'string' ? value : String(value);
  // most values have no carriage return: skip the regex for them (this runs for every mapped attribute)
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  text = text.trim();
  return text === '' ? null : text;
}

/** Names compare case-insensitively with collapsed whitespace (for match: name and duplicate detection). */
export function normalizeName(value: unknown): string {
  return collapseWhitespace(String(value ?? '').trim()).toLowerCase();
}

/** Whitespace other than a single space: a tab, a line break, a no-break space, two spaces in a row. */
const UNEVEN_WHITESPACE = /[^\S ]| {2}/;

/** Every run of whitespace as one space; a string with single spaces only is returned as it is (no copy). */
export function collapseWhitespace(text: string): string {
  return UNEVEN_WHITESPACE.test(text) ? text.replace(/\s+/g, ' ') : text;
}

/** Domain names: split on spaces or commas, lowercased, de-duplicated, sorted. */
export function normalizeDomains(value: unknown): string[] {
  const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,;]+/);
  return [...new Set(parts.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''))].sort();
}

function toDate(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const s = String(value).trim();
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(s);
  if (m) return m[1];
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString().slice(0, 10);
}

function toNumber(value: unknown, integer: boolean): number | string | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(n)) return String(value);
  return integer ? Math.trunc(n) : n;
}

function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return ['true', '1', 'yes', 'y', 'on'].includes(value.trim().toLowerCase());
  return Boolean(value);
}

type FieldOption = NonNullable<ZdFieldDef['custom_field_options']>[number];
export interface OptionIndex {
  /** option by its tag value, lowercased (the first one of a value) */
  byValue: ReadonlyMap<string, FieldOption>;
  /** option by its name, lowercased */
  byName: ReadonlyMap<string, FieldOption>;
  /** option by its name, trimmed and lowercased */
  byTrimmedName: ReadonlyMap<string, FieldOption>;
}
const optionIndexes = new WeakMap<ZdFieldDef, OptionIndex>();

/** A dropdown's options by lowercased value and name, built once per field definition (not per record). */
export function optionIndex(field: ZdFieldDef): OptionIndex {
  let index = optionIndexes.get(field);
  if (!index) {
    const byValue = new Map<string, FieldOption>();
    const byName = new Map<string, FieldOption>();
    const byTrimmedName = new Map<string, FieldOption>();
    for (const o of field.custom_field_options ?? []) {
      const v = o.value.toLowerCase();
      if (!byValue.has(v)) byValue.set(v, o);
      const n = o.name.toLowerCase();
      if (!byName.has(n)) byName.set(n, o);
      const t = o.name.trim().toLowerCase();
      if (!byTrimmedName.has(t)) byTrimmedName.set(t, o);
    }
    index = { byValue, byName, byTrimmedName };
    optionIndexes.set(field, index);
  }
  return index;
}

/** A dropdown / multiselect value as its option's tag (matched by value or by name, case-insensitively; an
 * unknown one in tag form); empty -> null. */
function optionTag(value: unknown, field: ZdFieldDef): string | null {
  const text = normalizeText(value);
  if (text === null) return null;
  const lower = text.toLowerCase();
  const index = optionIndex(field);
  const hit = index.byValue.get(lower) ?? index.byName.get(lower);
  return hit ? hit.value : (normalizeTag(text) ?? null);
}

/**
 * A custom field value as Zendesk stores it, for the field's type: text trimmed (empty -> null), integer and
 * decimal as numbers, checkbox as boolean (null -> false, as Zendesk reports it), date as YYYY-MM-DD,
 * dropdown as the option's tag value (matched by value or by name, case-insensitively; unknown stays as given),
 * multiselect as the sorted list of its options' tags (empty -> null), lookup as the related record's id.
 * Without a definition, text normalisation.
 */
export function normalizeFieldValue(value: unknown, field?: ZdFieldDef): unknown {
  switch (field?.type) {
    case 'integer':
      return toNumber(value, true);
    case 'decimal':
      return toNumber(value, false);
    case 'checkbox':
      return toBoolean(value);
    case 'date':
      return toDate(value);
    case 'dropdown':
    case 'tagger':
      return optionTag(value, field);
    case 'multiselect': {
      // a list of option tags (Zendesk's answer) or `a;b` (a Salesforce multi-select picklist): a sorted set
      const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(';') : value === null || value === undefined ? [] : [value];
      const tags = [...new Set(parts.map((p) => optionTag(p, field)).filter((t): t is string => t !== null))].sort();
      return tags.length === 0 ? null : tags;
    }
    case 'lookup':
      return toNumber(value, true);
    default:
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return normalizeText(value);
  }
}

/** Deep equality for normalised values (arrays compared in order; callers sort sets first). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    const keys = new Set([...ka, ...kb]);
    return [...keys].every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}
