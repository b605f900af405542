// A mapped value made ready for a Zendesk custom field, or the reason it cannot be used. Pure.
// The accepted value is normalised exactly as normalizeFieldValue does (so reconcile compares like with like);
// what normalizeFieldValue would silently bend (text into a number, 2.5 into an integer, an unknown dropdown
// value, "maybe" into a checkbox, an unparseable date) is refused here instead, and mapSync reports it.
import type { ZdFieldDef } from '../model/zendesk.js';
import { normalizeDomains, normalizeFieldValue, normalizeTag, normalizeText, optionIndex } from './normalize.js';
import { asIsoTime, asNumber, isEmpty, toScalar } from './mapping.js';

export type FieldValueResult = { ok: true; value: unknown } | { ok: false; reason: string };

/** How a lookup of organizations finds its value: the Zendesk id of the organization with an Account Id as
 * external_id, 'pending' when this plan creates that organization, undefined when there is none. */
export interface LookupContext {
  organizationId(accountId: string): number | 'pending' | undefined;
}

const TRUE = ['true', '1', 'yes', 'y', 'on'];
const FALSE = ['false', '0', 'no', 'n', 'off'];

function quote(value: unknown): string {
  return JSON.stringify(toScalar(value));
}

/** The option of a dropdown a value selects: by tag value, by name (case-insensitive), or by the value's tag form. */
export function findOption(
  field: ZdFieldDef,
  value: unknown,
): { id: number; name: string; value: string } | undefined {
  const text = normalizeText(toScalar(value));
  if (text === null) return undefined;
  const lower = text.toLowerCase();
  // lowercased lookups built once per field definition, not a scan with toLowerCase per option per record
  const index = optionIndex(field);
  const hit = index.byValue.get(lower) ?? index.byTrimmedName.get(lower);
  if (hit) return hit;
  const tag = normalizeTag(text);
  return tag === null ? undefined : index.byValue.get(tag);
}

export function optionList(field: ZdFieldDef, max = 20): string {
  const values = (field.custom_field_options ?? []).map((o) => o.value);
  if (values.length === 0) return 'none';
  return values.length > max ? `${values.slice(0, max).join(', ')}, … (${values.length} in all)` : values.join(', ');
}

/** Whether a string is a real calendar date YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/**
 * The value to write into custom field `field` (undefined field: text), normalised, or why it cannot be
 * used. Empty values are accepted (they clear the field; a checkbox becomes false, as Zendesk reports it).
 */
export function toZendeskFieldValue(raw: unknown, field?: ZdFieldDef, lookups?: LookupContext): FieldValueResult {
  if (isEmpty(raw)) return { ok: true, value: normalizeFieldValue(null, field) };
  const type = field?.type === 'tagger' ? 'dropdown' : field?.type;
  switch (type) {
    case 'integer': {
      const n = asNumber(raw);
      if (n === null) return { ok: false, reason: `${quote(raw)} is not a number` };
      if (!Number.isInteger(n)) return { ok: false, reason: `${quote(raw)} is not a whole number` };
      return { ok: true, value: normalizeFieldValue(n, field) };
    }
    case 'decimal': {
      const n = asNumber(raw);
      if (n === null) return { ok: false, reason: `${quote(raw)} is not a number` };
      return { ok: true, value: normalizeFieldValue(n, field) };
    }
    case 'checkbox': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const s = String(toScalar(raw)).trim().toLowerCase();
      if (TRUE.includes(s)) return { ok: true, value: true };
      if (FALSE.includes(s)) return { ok: true, value: false };
      return { ok: false, reason: `${quote(raw)} is not true or false` };
    }
    case 'date': {
      // only ISO dates and datetimes (what Salesforce sends): Date's own parser accepts too much ("day 10")
      if (asIsoTime(raw) === null) return { ok: false, reason: `${quote(raw)} is not a date` };
      const v = normalizeFieldValue(toScalar(raw), field);
      if (typeof v !== 'string' || !isCalendarDate(v)) return { ok: false, reason: `${quote(raw)} is not a date` };
      return { ok: true, value: v };
    }
    case 'multiselect': {
      if (!field) return { ok: false, reason: 'no field definition' };
      const parts = (Array.isArray(raw) ? raw.map(String) : String(toScalar(raw)).split(';')).map((p) => p.trim()).filter((p) => p !== '');
      const missing = parts.filter((p) => !findOption(field, p));
      if (missing.length > 0) {
        return { ok: false, reason: `${missing.map((m) => JSON.stringify(m)).join(', ')} ${missing.length === 1 ? 'is not an option' : 'are not options'} (options: ${optionList(field)})` };
      }
      const tags = [...new Set(parts.map((p) => findOption(field, p)!.value))].sort();
      return { ok: true, value: tags.length === 0 ? null : tags };
    }
    case 'lookup': {
      const accountId = String(toScalar(raw)).trim();
      const id = lookups?.organizationId(accountId);
      if (typeof id === 'number') return { ok: true, value: id };
      return {
        ok: false,
        reason: id === 'pending'
          ? `the organization of Account ${accountId} does not exist in Zendesk yet (this plan creates it; the next plan sets the lookup)`
          : `no Zendesk organization has external_id ${JSON.stringify(accountId)}`,
      };
    }
    case 'dropdown': {
      const option = field ? findOption(field, raw) : undefined;
      if (!option || !field) {
        return {
          ok: false,
          reason: `${quote(raw)} is not an option (options: ${field ? optionList(field) : 'none'})`,
        };
      }
      return { ok: true, value: option.value };
    }
    default:
      return { ok: true, value: normalizeFieldValue(toScalar(raw), field) };
  }
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Domain names for an organization: split and normalised as normalizeDomains does, with what people type in
 * Salesforce cleaned up the way Zendesk would need it (`https://www.acme.com/path` -> `www.acme.com`,
 * `@acme.com` -> `acme.com`, a trailing dot dropped). Entries that are still not host names (`n/a`, `acme`)
 * are returned apart, so the caller can report them; Zendesk would refuse the whole organization for them.
 */
export function cleanDomains(value: unknown): { domains: string[]; invalid: string[] } {
  const parts = normalizeDomains(value);
  const domains = new Set<string>();
  const invalid: string[] = [];
  for (const part of parts) {
    let d = part;
    if (d.includes('://')) {
      try {
        d = new URL(d).hostname;
      } catch {
        invalid.push(part);
        continue;
      }
    }
    d = d.replace(/^@+/, '').replace(/\/.*$/, '').replace(/\.$/, '');
    if (HOSTNAME.test(d)) domains.add(d);
    else invalid.push(part);
  }
  return { domains: [...domains].sort(), invalid };
}
