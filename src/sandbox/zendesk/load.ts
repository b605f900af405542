// Loading a Zendesk seed into the store: field definitions get ids, options and defaults; organizations and
// users get every attribute Zendesk answers with; memberships are checked against their user and
// organization, a user's organization_id without a membership stands for one default membership, and each
// user ends with exactly one default.
import type { ZendeskSeed } from '../../model/seed.js';
import type { ZdFieldDef } from '../../model/zendesk.js';
import { DEFAULT_SETTINGS, deepMerge, isRecord, normalizeDomains, normalizeTags, timestamp } from './records.js';
import { str } from './responses.js';
import type { Field, Org, User, ZendeskStore } from './store.js';
import { newUserRecord } from './users.js';

function loadField(store: ZendeskStore, f: Partial<ZdFieldDef> & Record<string, unknown>, kind: string, position: number, created: string): Field {
  const id = typeof f.id === 'number' ? f.id : store.newId();
  const key = String(f.key ?? `field_${id}`);
  const type = String(f.type ?? 'text');
  const field: Field = {
    id,
    type,
    key,
    title: String(f.title ?? key),
    description: typeof f.description === 'string' ? f.description : '',
    raw_title: String(f.raw_title ?? f.title ?? key),
    raw_description: typeof f.description === 'string' ? f.description : '',
    position: typeof f.position === 'number' ? f.position : position,
    active: f.active !== false,
    system: false,
    regexp_for_validation: typeof f.regexp_for_validation === 'string' ? f.regexp_for_validation : null,
    created_at: typeof f.created_at === 'string' ? f.created_at : created,
    updated_at: typeof f.updated_at === 'string' ? f.updated_at : created,
    kind,
  };
  if (type === 'dropdown' || type === 'tagger' || type === 'multiselect') {
    field.custom_field_options = (f.custom_field_options ?? []).map((o, i) => ({
      id: typeof o.id === 'number' ? o.id : store.newId(),
      name: String(o.name ?? o.value),
      raw_name: String(o.name ?? o.value),
      value: String(o.value),
      position: i,
      default: false,
    }));
  }
  if (type === 'checkbox' && typeof f.tag === 'string') field.tag = f.tag;
  if (type === 'lookup') {
    field.relationship_target_type = typeof f.relationship_target_type === 'string' ? f.relationship_target_type : 'zen:organization';
    field.relationship_filter = typeof f.relationship_filter === 'object' && f.relationship_filter !== null ? f.relationship_filter : {};
  }
  return field;
}

/** empties the store and fills it from the seed */
export function loadSeed(store: ZendeskStore, s: ZendeskSeed): void {
  store.clear();
  store.settings = deepMerge(DEFAULT_SETTINGS, isRecord(s.settings) ? s.settings : {});
  store.credentials = s.credentials ? s.credentials.map((c) => ({ ...c })) : undefined;
  const all = [s.organizations, s.users, s.organization_memberships, s.organization_fields, s.user_fields];
  let max = 10000;
  for (const list of all) for (const r of list ?? []) if (typeof r.id === 'number' && r.id > max) max = r.id;
  store.nextId = max + 1;
  // records without timestamps: the seed's records_at, else now
  const created = typeof s.records_at === 'string' ? timestamp(new Date(s.records_at)) : store.ts();

  store.orgFields = (s.organization_fields ?? []).map((f, i) => loadField(store, f as Field, 'organization_fields', i, created));
  store.userFields = (s.user_fields ?? []).map((f, i) => loadField(store, f as Field, 'user_fields', i, created));

  const byId = <T extends { id?: number }>(list: T[] | undefined): (T & { id: number })[] =>
    (list ?? []).map((r) => ({ ...r, id: typeof r.id === 'number' ? r.id : store.newId() })).sort((a, b) => a.id - b.id);
  for (const o of byId(s.organizations)) {
    const id = o.id;
    const { url: _url, ...attrs } = o;
    const org: Org = {
      ...attrs,
      id,
      name: String(o.name ?? `Organization ${id}`),
      shared_tickets: o.shared_tickets === true,
      shared_comments: o.shared_comments === true,
      external_id: str(o.external_id),
      created_at: typeof o.created_at === 'string' ? o.created_at : created,
      updated_at: typeof o.updated_at === 'string' ? o.updated_at : created,
      domain_names: normalizeDomains(o.domain_names),
      details: o.details ?? null,
      notes: o.notes ?? null,
      group_id: typeof o.group_id === 'number' ? o.group_id : null,
      tags: normalizeTags(o.tags),
      organization_fields: isRecord(o.organization_fields) ? { ...o.organization_fields } : {},
    };
    store.putOrg(org);
  }
  const seededUsers = byId(s.users);
  for (const u of seededUsers) {
    const id = u.id;
    // the seed's own attributes are kept (last_login_at, shared ...); the ones the emulator normalises win
    const { url: _url, ...attrs } = u;
    const base = newUserRecord(id, u, created);
    const user: User = {
      ...base,
      ...attrs,
      id,
      name: base.name,
      email: base.email,
      role: base.role,
      external_id: base.external_id,
      tags: base.tags,
      verified: base.verified,
      user_fields: base.user_fields,
      organization_id: null,
    };
    store.putUser(user);
  }
  for (const m of byId(s.organization_memberships)) {
    if (typeof m.user_id !== 'number' || typeof m.organization_id !== 'number') continue;
    if (!store.users.has(m.user_id) || !store.orgs.has(m.organization_id)) continue;
    store.putMembership({
      id: m.id,
      user_id: m.user_id,
      organization_id: m.organization_id,
      default: m.default === true ? true : null,
      created_at: m.created_at ?? created,
      updated_at: m.updated_at ?? created,
      view_tickets: true,
    });
  }
  // A user's organization_id without a membership in the seed stands for one default membership.
  for (const u of seededUsers) {
    if (typeof u.organization_id !== 'number' || !store.orgs.has(u.organization_id)) continue;
    if (store.hasMemberships(u.id)) continue;
    store.putMembership({ id: store.newId(), user_id: u.id, organization_id: u.organization_id, default: true, created_at: created, updated_at: created, view_tickets: true });
  }
  for (const user of store.users.values()) {
    const ms = store.userMemberships(user.id);
    if (ms.length > 0 && !ms.some((m) => m.default === true)) ms[0].default = true;
    const defaults = ms.filter((m) => m.default === true);
    for (const extra of defaults.slice(1)) extra.default = null;
    user.organization_id = defaults[0]?.organization_id ?? null;
  }
}
