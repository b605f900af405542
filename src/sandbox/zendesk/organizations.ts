// Organizations: Zendesk's rules (names and external_ids unique, case-insensitive; tags and domains
// normalised; custom fields checked against their definitions) and the organizations endpoints, the bulk
// ones as jobs.
import type { JobEngine } from './jobs.js';
import { bulkItems, BULK_LIMIT, jobResult, tooMany } from './jobs.js';
import { removeMembership } from './memberships.js';
import { page, pageIds } from './paging.js';
import { checkCustomFields, clone, isRecord, normalizeDomains, normalizeTags, type ZdErrorDetails } from './records.js';
import { badRequest, body, fail, ids, json, missing, notFound, outcomeResponse, str, type Outcome } from './responses.js';
import type { Router } from './router.js';
import type { Org, ZendeskStore } from './store.js';

export function applyOrg(store: ZendeskStore, input: Record<string, unknown>, existing: Org | undefined): Outcome<Org> {
  const details: ZdErrorDetails = {};
  const next: Org = existing
    ? clone(existing)
    : { id: 0, name: '', shared_tickets: false, shared_comments: false, external_id: null, created_at: '', updated_at: '', domain_names: [], details: null, notes: null, group_id: null, tags: [], organization_fields: {} };
  if (!existing || 'name' in input) {
    const name = str(input.name);
    const other = name ? store.orgByName(name) : undefined;
    if (!name) details.name = [{ description: 'Name: cannot be blank', error: 'BlankValue' }];
    else if (other && other.id !== existing?.id) details.name = [{ description: 'Name: has already been taken', error: 'DuplicateValue' }];
    else next.name = name;
  }
  if ('external_id' in input) {
    const ext = str(input.external_id);
    const other = ext ? store.orgByExternalId(ext) : undefined;
    if (other && other.id !== existing?.id) details.external_id = [{ description: 'External ID: has already been taken', error: 'DuplicateValue' }];
    else next.external_id = ext;
  }
  for (const k of ['details', 'notes'] as const) if (k in input) next[k] = input[k] === null ? null : String(input[k]);
  for (const k of ['shared_tickets', 'shared_comments'] as const) if (k in input) next[k] = input[k] === true;
  if ('group_id' in input) next.group_id = typeof input.group_id === 'number' ? input.group_id : null;
  if ('tags' in input) next.tags = normalizeTags(input.tags);
  if ('domain_names' in input) next.domain_names = normalizeDomains(input.domain_names);
  if ('organization_fields' in input && isRecord(input.organization_fields)) {
    const { values, errors } = checkCustomFields(input.organization_fields, store.orgFields);
    Object.assign(details, errors);
    next.organization_fields = { ...next.organization_fields, ...values };
  }
  if (Object.keys(details).length > 0) return { ok: false, status: 422, error: Object.values(details)[0][0].error, details };
  const at = store.ts();
  if (!existing) {
    next.id = store.newId();
    next.created_at = at;
    next.updated_at = at;
    store.putOrg(next);
    return { ok: true, value: next, action: 'create' };
  }
  if (JSON.stringify(next) !== JSON.stringify(existing)) next.updated_at = at;
  store.putOrg(next);
  return { ok: true, value: next, action: 'update' };
}

export function deleteOrg(store: ZendeskStore, org: Org): Outcome<Org> {
  for (const m of store.orgMemberships(org.id)) removeMembership(store, m);
  store.dropOrg(org);
  return { ok: true, value: org, action: 'delete' };
}

/** by id, else by external_id (Zendesk never matches organizations by name) */
export function findOrg(store: ZendeskStore, input: Record<string, unknown>): Org | undefined {
  if (typeof input.id === 'number' || (typeof input.id === 'string' && /^\d+$/.test(input.id))) return store.orgs.get(Number(input.id));
  const ext = str(input.external_id);
  return ext ? store.orgByExternalId(ext) : undefined;
}

// Live update_many failures say `"error": "OrganizationUpdateFailed"` (recorded, test/contract/fixtures/live/).
const UPDATE_FAILED = 'OrganizationUpdateFailed';
const byName = (a: string, b: string): number => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);
const idOf = (k: Record<string, unknown>): number | undefined => (typeof k.id === 'number' ? k.id : undefined);

export function organizationRoutes(router: Router, store: ZendeskStore, jobs: JobEngine): void {
  const out = (o: Org): Org => store.orgOut(o);
  const notFoundFor = (k: Record<string, unknown>): Outcome<never> => fail(404, 'RecordNotFound', 'id', `Organization ${String(k.id ?? k.external_id)} not found`);
  /** `?ids=` or `?external_ids=` as lookup keys */
  const queryKeys = (q: URLSearchParams): Record<string, unknown>[] =>
    q.has('ids') ? ids(q.get('ids')).map((id) => ({ id: Number(id) })) : ids(q.get('external_ids')).map((e) => ({ external_id: e }));

  router.on('GET', 'organizations', (req) => pageIds(store.base(), req, 'organizations', store.idsOf(store.orgs), (id) => out(store.orgs.get(id) as Org)));
  router.on('GET', 'organizations/count', () => json(200, { count: { value: store.orgs.size, refreshed_at: store.ts() } }));
  router.on('GET', 'organizations/show_many', (req) => {
    const q = req.url.searchParams;
    const wanted = q.has('ids') ? ids(q.get('ids')) : ids(q.get('external_ids'));
    if (wanted.length > BULK_LIMIT) return tooMany('organizations');
    const found = q.has('ids') ? wanted.map((id) => store.orgs.get(Number(id))) : wanted.map((e) => store.orgByExternalId(e));
    // live Zendesk answers show_many sorted by name, whatever the order of the ids asked for (recorded)
    const list = found.filter((o): o is Org => o !== undefined).sort((a, b) => byName(a.name, b.name) || a.id - b.id);
    return json(200, { organizations: list.map(out), next_page: null, previous_page: null, count: list.length });
  });
  router.on('GET', 'organizations/search', (req) => {
    const q = req.url.searchParams;
    const ext = q.get('external_id');
    const name = q.get('name');
    if (ext !== null && name !== null) return badRequest('InvalidParameter', 'Search by external_id or by name, not both.');
    if (ext === null && name === null) return badRequest('InvalidParameter', 'Search needs external_id= or name=.');
    const list = [...store.orgs.values()].filter((o) => (ext !== null ? o.external_id?.toLowerCase() === ext.toLowerCase() : o.name.toLowerCase() === String(name).trim().toLowerCase()));
    return page(store.base(), req, 'organizations', list, out);
  });
  router.on('GET', 'organizations/:id', (_req, [id]) => {
    const o = store.orgs.get(Number(id));
    return o ? json(200, { organization: out(o) }) : notFound();
  });
  router.on('GET', 'organizations/:id/organization_memberships', (req, [id]) => {
    if (!store.orgs.has(Number(id))) return notFound();
    return page(store.base(), req, 'organization_memberships', store.orgMemberships(Number(id)), (m) => store.membershipOut(m));
  });
  router.on('GET', 'organizations/:id/users', (req, [id]) => {
    if (!store.orgs.has(Number(id))) return notFound();
    const members = new Set(store.orgMemberships(Number(id)).map((m) => m.user_id));
    return page(store.base(), req, 'users', [...store.users.values()].filter((u) => members.has(u.id)), (u) => store.userOut(u));
  });
  router.on('POST', 'organizations', (req) => {
    const input = body(req, 'organization');
    if (!input) return missing('organization');
    return outcomeResponse(applyOrg(store, input, undefined), (o) => json(201, { organization: out(o) }, { Location: `${store.base()}/api/v2/organizations/${o.id}.json` }));
  });
  router.on('POST', 'organizations/create_or_update', (req) => {
    const input = body(req, 'organization');
    if (!input) return missing('organization');
    // Zendesk matches by id or external_id only ("Name is not available as a matching criteria").
    const o = applyOrg(store, input, findOrg(store, input));
    return outcomeResponse(o, (org) => json(o.ok && o.action === 'create' ? 201 : 200, { organization: out(org) }));
  });
  router.on('POST', 'organizations/create_many', (req) => {
    const items = bulkItems(req.body, 'organizations');
    if (!Array.isArray(items)) return items;
    return jobs.queue('Bulk Create Organizations', 'Creating organization', items.map((it, i) => () => jobResult(i, applyOrg(store, it, undefined))));
  });
  router.on('PUT', 'organizations/update_many', (req) => {
    const q = req.url.searchParams;
    if (q.has('ids') || q.has('external_ids')) {
      const input = body(req, 'organization');
      if (!input) return missing('organization');
      const keys = queryKeys(q);
      if (keys.length > BULK_LIMIT) return tooMany('organizations');
      return jobs.queue('Bulk Update Organizations', 'Updating organization', keys.map((k, i) => () => {
        const org = findOrg(store, k);
        return jobResult(i, org ? applyOrg(store, input, org) : notFoundFor(k), { id: org?.id ?? idOf(k), failure: UPDATE_FAILED });
      }));
    }
    const items = bulkItems(req.body, 'organizations', 'updated');
    if (!Array.isArray(items)) return items;
    return jobs.queue('Bulk Update Organizations', 'Updating organization', items.map((it, i) => () => {
      const org = findOrg(store, it);
      const { id: _id, ...changes } = it;
      return jobResult(i, org ? applyOrg(store, changes, org) : notFoundFor(it), { id: org?.id ?? idOf(it), failure: UPDATE_FAILED });
    }));
  });
  router.on('DELETE', 'organizations/destroy_many', (req) => {
    const keys = queryKeys(req.url.searchParams);
    if (keys.length === 0) return badRequest('InvalidParameter', 'destroy_many needs ids= or external_ids=.');
    if (keys.length > BULK_LIMIT) return tooMany('organizations');
    return jobs.queue('Bulk Delete Organizations', 'Deleting organization', keys.map((k, i) => () => {
      const org = findOrg(store, k);
      return jobResult(i, org ? deleteOrg(store, org) : notFoundFor(k), { id: org?.id ?? idOf(k) });
    }));
  });
  router.on('PUT', 'organizations/:id', (req, [id]) => {
    const org = store.orgs.get(Number(id));
    if (!org) return notFound();
    const input = body(req, 'organization');
    if (!input) return missing('organization');
    return outcomeResponse(applyOrg(store, input, org), (o) => json(200, { organization: out(o) }));
  });
  router.on('DELETE', 'organizations/:id', (_req, [id]) => {
    const org = store.orgs.get(Number(id));
    if (!org) return notFound();
    deleteOrg(store, org);
    return { status: 204 };
  });
}
