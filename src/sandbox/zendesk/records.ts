// Record shapes and value rules of the emulated Zendesk Support API.
// Reference: Zendesk's OpenAPI description of the Support API ("Support API" 2.0.0), components
// OrganizationObject, UserForAdmin, OrganizationMembershipObject, CustomFieldObject, JobStatusObject,
// AccountSettingsUserObject; https://developer.zendesk.com/api-reference/ticketing/introduction/
import type { ZdFieldDef } from '../../model/zendesk.js';
import { isRecord } from '../../util/data.js';

export { isRecord };

/** One validation error, as Zendesk lists them under `details.<attribute>`. */
export interface ZdErrorDetail {
  description: string;
  error: string;
}
export type ZdErrorDetails = Record<string, ZdErrorDetail[]>;

/** Zendesk timestamps: ISO 8601 without milliseconds ("2018-11-14T00:14:52Z"). */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}


/**
 * Zendesk tags: lowercase, no spaces. The API splits a space-separated string into tags; in an array, a
 * tag with spaces is stored with underscores here (the sandbox's documented choice, DESIGN.md section 3:
 * "tags (lowercase, no spaces)"). Duplicates are dropped, order of first appearance kept.
 */
export function normalizeTags(value: unknown): string[] {
  const raw: string[] = [];
  if (typeof value === 'string') raw.push(...value.split(/[\s,]+/));
  else if (Array.isArray(value)) for (const v of value) if (v !== null && v !== undefined) raw.push(String(v));
  const out: string[] = [];
  for (const tag of raw) {
    const t = tag.trim().toLowerCase().replace(/\s+/g, '_');
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

export function normalizeDomains(value: unknown): string[] {
  const raw: string[] = [];
  if (typeof value === 'string') raw.push(...value.split(/[\s,]+/));
  else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') raw.push(v);
  const out: string[] = [];
  for (const d of raw) {
    const t = d.trim().toLowerCase();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function isValidEmail(email: string): boolean {
  return EMAIL.test(email);
}

/**
 * Checks custom field values against the account's field definitions, the way Zendesk does:
 * dropdown values must be one of the options' tag values, multiselect values a list of them (stored as given,
 * duplicates dropped; an empty list clears the field), integers/decimals numeric, checkboxes boolean, dates
 * YYYY-MM-DD (a full ISO timestamp is accepted and cut to its date), lookups the id of a record (a whole number).
 * A lookup is not checked against the records it points at (Zendesk checks it; the sandbox does not). Keys with no definition are
 * ignored (Zendesk drops them silently). Returns the values to store and the errors.
 */
export function checkCustomFields(
  input: Record<string, unknown>,
  defs: ZdFieldDef[],
): { values: Record<string, unknown>; errors: ZdErrorDetails } {
  const values: Record<string, unknown> = {};
  const errors: ZdErrorDetails = {};
  for (const [key, value] of Object.entries(input)) {
    const def = defs.find((d) => d.key === key);
    if (!def) continue;
    if (value === null || value === '') {
      values[key] = null;
      continue;
    }
    const fail = (why: string): void => {
      errors[key] = [{ description: `${def.title}: ${why}`, error: 'InvalidValue' }];
    };
    switch (def.type) {
      case 'dropdown':
      case 'tagger': {
        const options = def.custom_field_options ?? [];
        const v = String(value);
        if (!options.some((o) => o.value === v)) fail(`"${v}" is not one of ${options.map((o) => o.value).join(', ')}`);
        else values[key] = v;
        break;
      }
      case 'multiselect': {
        const options = def.custom_field_options ?? [];
        const list = Array.isArray(value) ? value.map(String) : [String(value)];
        const unknown = list.filter((v) => !options.some((o) => o.value === v));
        if (unknown.length > 0) fail(`${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not one of ${options.map((o) => o.value).join(', ')}`);
        else values[key] = list.length === 0 ? null : [...new Set(list)];
        break;
      }
      case 'lookup': {
        const n = typeof value === 'number' ? value : Number(String(value).trim());
        if (!Number.isInteger(n) || n <= 0) fail(`"${String(value)}" is not the id of a record`);
        else values[key] = n;
        break;
      }
      case 'integer': {
        const n = typeof value === 'number' ? value : Number(String(value).trim());
        if (!Number.isInteger(n)) fail(`"${String(value)}" is not an integer`);
        else values[key] = n;
        break;
      }
      case 'decimal': {
        const n = typeof value === 'number' ? value : Number(String(value).trim());
        if (!Number.isFinite(n)) fail(`"${String(value)}" is not a number`);
        else values[key] = n;
        break;
      }
      case 'checkbox': {
        if (typeof value === 'boolean') values[key] = value;
        else if (value === 'true' || value === 'false') values[key] = value === 'true';
        else fail(`"${String(value)}" is not true or false`);
        break;
      }
      case 'date': {
        const m = /^(\d{4}-\d{2}-\d{2})(T.*)?$/.exec(String(value));
        if (!m || Number.isNaN(Date.parse(m[1]))) fail(`"${String(value)}" is not a date (YYYY-MM-DD)`);
        else values[key] = m[1];
        break;
      }
      case 'regexp': {
        const rx = (def as ZdFieldDef & { regexp_for_validation?: unknown }).regexp_for_validation;
        const pattern = typeof rx === 'string' ? rx : null;
        if (pattern && !new RegExp(pattern).test(String(value))) fail(`"${String(value)}" does not match ${pattern}`);
        else values[key] = String(value);
        break;
      }
      default:
        values[key] = typeof value === 'object' ? value : String(value);
    }
  }
  return { values, errors };
}

/** Account settings defaults: the `settings` of GET /api/v2/account/settings, the parts zdsf reads. */
export const DEFAULT_SETTINGS: Record<string, unknown> = {
  user: {
    agent_created_welcome_emails: true,
    end_user_phone_number_validation: false,
    have_gravatars_enabled: true,
    language_selection: true,
    multiple_organizations: false,
    tagging: true,
    time_zone_selection: true,
  },
  api: { accepted_api_agreement: true, api_password_access: 'true', api_token_access: 'true' },
  lotus: { prefer_lotus: true },
};

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isRecord(b) && isRecord(v) ? deepMerge(b, v) : v;
  }
  return out;
}

/** A deep copy of JSON-like data (plain objects, arrays, primitives); faster than structuredClone for records. */
export function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => clone(v)) as T;
  if (value !== null && typeof value === 'object') {
    if (value instanceof Date) return new Date(value.getTime()) as T;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = clone((value as Record<string, unknown>)[k]);
    return out as T;
  }
  return value;
}
