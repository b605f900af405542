// Cursor pagination (page[size]=100, links.next while meta.has_more) with offset pagination
// (next_page) as the fallback for endpoints that only have that (search). Pages are handed to the
// caller one by one, so nothing but the caller's own records is kept in memory.
//
// node-zendesk's getAll is not used for this: it follows links.next without looking at meta.has_more,
// buffers every page before returning (no progress for 500k users), and stops silently at a 429.
import type { ZdFieldDef, ZdMembership, ZdOrganization, ZdRole, ZdUser } from '../model/zendesk.js';
import { ZdsfError } from '../util/errors.js';
import type { ZendeskTransport } from './transport.js';
import { isRecord } from '../util/data.js';
import { internList } from '../util/intern.js';

export const PAGE_SIZE = 100;


/** Next page URL of a cursor- or offset-paginated response, or null at the end. */
export function nextPageUrl(body: Record<string, unknown>): string | null {
  const meta = isRecord(body.meta) ? body.meta : undefined;
  const links = isRecord(body.links) ? body.links : undefined;
  if (meta && 'has_more' in meta) {
    if (meta.has_more !== true) return null;
    if (links && typeof links.next === 'string' && links.next) return links.next;
    throw new ZdsfError('Zendesk said more pages follow (meta.has_more) but gave no links.next; cannot continue paging.', 'zendesk_paging');
  }
  if (links && typeof links.next === 'string' && links.next) return links.next;
  if (typeof body.next_page === 'string' && body.next_page) return body.next_page;
  return null;
}

/**
 * GETs `path` and every following page, calling `onPage` with the array under `key` of each page.
 * Cursor-paginated endpoints get page[size]=100; pass `cursor: false` for offset-only endpoints.
 */
export async function paginate(
  transport: ZendeskTransport,
  path: string,
  key: string,
  onPage: (items: unknown[]) => void,
  options: { query?: Record<string, string | number | undefined>; cursor?: boolean } = {},
): Promise<void> {
  const query: Record<string, string | number | undefined> = { ...options.query };
  if (options.cursor !== false) query['page[size]'] = PAGE_SIZE;
  let next: string | null = transport.url(path, query);
  const seen = new Set<string>();
  while (next) {
    if (seen.has(next)) throw new ZdsfError(`Zendesk returned the same page twice (${next}); stopping to avoid a loop.`, 'zendesk_paging');
    seen.add(next);
    const res = await transport.get(next);
    const body = isRecord(res.body) ? res.body : {};
    const items = body[key];
    if (!Array.isArray(items))
      throw new ZdsfError(`Zendesk answered ${next} without a "${key}" array; is ${transport.instance.url} a Zendesk Support API?`, 'zendesk_unexpected');
    onPage(items);
    next = nextPageUrl(body);
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : v === null || v === undefined ? null : String(v));
/** the strings of a list, as one shared frozen list (src/util/intern.ts): tag lists repeat across records */
const strArray = (v: unknown): string[] => (Array.isArray(v) ? internList(v.every((x) => typeof x === 'string') ? (v as string[]) : v.filter((x): x is string => typeof x === 'string')) : internList([]));
const obj = (v: unknown): Record<string, unknown> => (isRecord(v) ? { ...v } : {});
/** the API object as it is, for reading: copying all of it (every page of 500k users) only to read a few keys was waste */
const fields = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

// Only the attributes zdsf reads are kept: with 500k users the full API objects would cost several
// times the memory. Timestamps, URLs and a membership's organization name are not read by anything (incremental
// plans take updated_at from the export itself): at 100k/500k they were ~1.3 million strings held for nothing.

export function toOrganization(raw: unknown): ZdOrganization {
  const r = fields(raw);
  const org: ZdOrganization = {
    id: num(r.id),
    name: str(r.name) ?? '',
    external_id: str(r.external_id),
    tags: strArray(r.tags),
    domain_names: strArray(r.domain_names),
    notes: str(r.notes),
    details: str(r.details),
    organization_fields: obj(r.organization_fields),
  };
  return org;
}

function toRole(v: unknown): ZdRole {
  return v === 'agent' || v === 'admin' ? v : 'end-user';
}

export function toUser(raw: unknown): ZdUser {
  const r = fields(raw);
  const user: ZdUser = {
    id: num(r.id),
    name: str(r.name) ?? '',
    email: str(r.email),
    role: toRole(r.role),
    external_id: str(r.external_id),
    organization_id: r.organization_id === null || r.organization_id === undefined ? null : num(r.organization_id),
    tags: strArray(r.tags),
    user_fields: obj(r.user_fields),
  };
  if ('notes' in r) user.notes = str(r.notes);
  if ('details' in r) user.details = str(r.details);
  if ('phone' in r) user.phone = str(r.phone);
  if (typeof r.verified === 'boolean') user.verified = r.verified;
  if (typeof r.active === 'boolean') user.active = r.active;
  if (typeof r.suspended === 'boolean') user.suspended = r.suspended;
  if (r.custom_role_id !== undefined && r.custom_role_id !== null) user.custom_role_id = r.custom_role_id;
  return user;
}

export function toMembership(raw: unknown): ZdMembership {
  const r = fields(raw);
  const m: ZdMembership = {
    id: num(r.id),
    user_id: num(r.user_id),
    organization_id: num(r.organization_id),
    default: typeof r.default === 'boolean' ? r.default : null,
  };
  return m;
}

export function toFieldDef(raw: unknown): ZdFieldDef {
  const r = fields(raw);
  const def: ZdFieldDef = {
    id: num(r.id),
    key: str(r.key) ?? '',
    type: str(r.type) ?? '',
    title: str(r.title) ?? '',
    active: r.active !== false,
  };
  if (Array.isArray(r.custom_field_options))
    def.custom_field_options = r.custom_field_options.filter(isRecord).map((o) => ({ id: num(o.id), name: str(o.name) ?? '', value: str(o.value) ?? '' }));
  if (typeof r.relationship_target_type === 'string') def.relationship_target_type = r.relationship_target_type;
  return def;
}
