// Organization memberships: Zendesk's rules (a user's first membership is its default, organization_id
// follows the default, deleting the default promotes the oldest remaining one, a second membership needs
// `multiple_organizations`) and the organization_memberships endpoints.
import type { JobEngine } from './jobs.js';
import { bulkItems, BULK_LIMIT, jobResult, tooMany } from './jobs.js';
import type { SandboxResponse } from '../http.js';
import { page, pageIds } from './paging.js';
import { badRequest, body, fail, ids, json, missing, notFound, outcomeResponse, type Outcome } from './responses.js';
import type { Router } from './router.js';
import type { Membership, User, ZendeskStore } from './store.js';

export function syncUserOrganization(store: ZendeskStore, userId: number): void {
  const user = store.users.get(userId);
  if (!user) return;
  const ms = store.userMemberships(userId);
  if (ms.length > 0 && !ms.some((m) => m.default === true)) ms[0].default = true;
  user.organization_id = ms.find((m) => m.default === true)?.organization_id ?? null;
}

export function addMembership(store: ZendeskStore, userId: unknown, orgId: unknown, makeDefault: boolean): Outcome<Membership> {
  const user = typeof userId === 'number' || typeof userId === 'string' ? store.users.get(Number(userId)) : undefined;
  if (!user) return fail(422, 'InvalidValue', 'user_id', `User: ${String(userId)} does not exist`);
  const org = typeof orgId === 'number' || typeof orgId === 'string' ? store.orgs.get(Number(orgId)) : undefined;
  if (!org) return fail(422, 'InvalidValue', 'organization_id', `Organization: ${String(orgId)} does not exist`);
  const existing = store.userMemberships(user.id);
  if (existing.some((m) => m.organization_id === org.id)) {
    return fail(422, 'DuplicateValue', 'user_id', 'User has already been taken');
  }
  if (existing.length > 0 && !store.multipleOrgs()) {
    return fail(422, 'InvalidValue', 'organization_id', 'User can only belong to one organization: multiple organizations are not enabled on this account');
  }
  const at = store.ts();
  const isDefault = existing.length === 0 || makeDefault;
  if (isDefault) for (const m of existing) if (m.default) { m.default = null; m.updated_at = at; }
  const m: Membership = { id: store.newId(), user_id: user.id, organization_id: org.id, default: isDefault ? true : null, created_at: at, updated_at: at, view_tickets: true };
  store.putMembership(m);
  syncUserOrganization(store, user.id);
  return { ok: true, value: m, action: 'create' };
}

export function removeMembership(store: ZendeskStore, m: Membership): void {
  store.dropMembership(m);
  syncUserOrganization(store, m.user_id);
}

export function makeDefault(store: ZendeskStore, m: Membership): void {
  const at = store.ts();
  for (const other of store.userMemberships(m.user_id)) {
    const want = other.id === m.id ? true : null;
    if (other.default !== want) { other.default = want; other.updated_at = at; }
  }
  syncUserOrganization(store, m.user_id);
  store.touchMember(m.user_id);
}

/** Writing a user's organization_id: all its memberships are removed and one (default) is created, as Zendesk
 * does (seed 004: "writing organization_id replaces all memberships"). Unchanged when it is already the user's
 * only membership. */
export function replaceMemberships(store: ZendeskStore, user: User, orgId: number | null): void {
  const ms = store.userMemberships(user.id);
  if (orgId !== null && ms.length === 1 && ms[0].organization_id === orgId) return;
  for (const m of ms) store.dropMembership(m);
  if (orgId !== null) {
    const at = store.ts();
    store.putMembership({ id: store.newId(), user_id: user.id, organization_id: orgId, default: true, created_at: at, updated_at: at, view_tickets: true });
  }
  syncUserOrganization(store, user.id);
}

export function membershipRoutes(router: Router, store: ZendeskStore, jobs: JobEngine): void {
  const out = (m: Membership): Membership => store.membershipOut(m);
  router.on('GET', 'organization_memberships', (req) => pageIds(store.base(), req, 'organization_memberships', store.idsOf(store.memberships), (id) => out(store.memberships.get(id) as Membership)));
  router.on('GET', 'organization_memberships/:id', (_req, [id]) => {
    const m = store.memberships.get(Number(id));
    return m ? json(200, { organization_membership: out(m) }) : notFound();
  });
  router.on('POST', 'organization_memberships', (req) => {
    const input = body(req, 'organization_membership');
    if (!input) return missing('organization_membership');
    return outcomeResponse(addMembership(store, input.user_id, input.organization_id, input.default === true), (m) =>
      json(201, { organization_membership: out(m) }, { Location: `${store.base()}/api/v2/organization_memberships/${m.id}.json` }),
    );
  });
  router.on('POST', 'organization_memberships/create_many', (req) => {
    const items = bulkItems(req.body, 'organization_memberships');
    if (!Array.isArray(items)) return items;
    return jobs.queue('Bulk Create Organization Memberships', 'Creating organization membership', items.map((it, i) => () => jobResult(i, addMembership(store, it.user_id, it.organization_id, it.default === true))));
  });
  router.on('DELETE', 'organization_memberships/destroy_many', (req) => {
    const wanted = ids(req.url.searchParams.get('ids'));
    if (wanted.length === 0) return badRequest('InvalidParameter', 'destroy_many needs ids=.');
    if (wanted.length > BULK_LIMIT) return tooMany('organization_memberships');
    return jobs.queue('Bulk Delete Organization Memberships', 'Deleting organization membership', wanted.map((id, i) => () => {
      const m = store.memberships.get(Number(id));
      if (!m) return jobResult(i, fail(404, 'RecordNotFound', 'id', `Organization membership ${id} not found`), { id: Number(id) });
      removeMembership(store, m);
      return jobResult(i, { ok: true, value: m, action: 'delete' });
    }));
  });
  router.on('DELETE', 'organization_memberships/:id', (_req, [id]) => {
    const m = store.memberships.get(Number(id));
    if (!m) return notFound();
    removeMembership(store, m);
    return { status: 204 };
  });

  // a user's memberships
  router.on('GET', 'users/:id/organization_memberships', (req, [id]) => {
    if (!store.users.has(Number(id))) return notFound();
    return page(store.base(), req, 'organization_memberships', store.userMemberships(Number(id)), out);
  });
  router.on('POST', 'users/:id/organization_memberships', (req, [id]) => {
    const input = body(req, 'organization_membership') ?? {};
    return outcomeResponse(addMembership(store, Number(id), input.organization_id, input.default === true), (m) => json(201, { organization_membership: out(m) }));
  });
  router.on('DELETE', 'users/:id/organization_memberships/:id', (_req, [uid, mid]) => {
    const m = store.memberships.get(Number(mid));
    if (!m || m.user_id !== Number(uid)) return notFound();
    removeMembership(store, m);
    return { status: 204 };
  });
  const userMembershipsResponse = (userId: number): SandboxResponse => {
    const name = (m: Membership): string => store.orgs.get(m.organization_id)?.name ?? '';
    const ms = store.userMemberships(userId).sort((a, b) => (a.default ? -1 : b.default ? 1 : name(a).localeCompare(name(b))));
    return json(200, { organization_memberships: ms.map(out) });
  };
  router.on('PUT', 'users/:id/organization_memberships/:id/make_default', (_req, [uid, mid]) => {
    const m = store.memberships.get(Number(mid));
    if (!m || m.user_id !== Number(uid)) return notFound();
    makeDefault(store, m);
    return userMembershipsResponse(m.user_id);
  });
  router.on('PUT', 'users/:id/organizations/:id/make_default', (_req, [uid, oid]) => {
    const m = store.userMemberships(Number(uid)).find((x) => x.organization_id === Number(oid));
    if (!m) return notFound();
    makeDefault(store, m);
    return userMembershipsResponse(m.user_id);
  });
}
