// Plans and configs written by hand for apply's tests.
import type { Config, Sync } from '../../src/model/config.js';
import type { Change, Plan } from '../../src/model/plan.js';

export const DIGEST = 'a'.repeat(64);

export function syncConfig(name = 'global', overrides: Partial<Sync> = {}): Sync {
  return {
    name,
    from: 'production',
    to: name,
    organizations: {
      match: 'external_id',
      adopt_by_name: false,
      name: { kind: 'field', from: 'Name', name: `syncs.${name}.organizations.name` },
      fields: {},
      include: [],
    },
    users: {
      sources: [{ object: 'Contact' }],
      match: 'email',
      email: 'Email',
      name: { kind: 'field', from: 'Name', name: `syncs.${name}.users.name` },
      fields: {},
      verify_email: false,
      relationships: { primary: true, secondary: false },
    },
    protected: { external_ids: [], names: [], domains: [] },
    ...overrides,
  };
}

export function makeConfig(syncs: Sync[] = [syncConfig()], multipleOrganizations = true): Config {
  return {
    version: 1,
    file: 'sync.yaml',
    digest: DIGEST,
    salesforce: {
      production: { name: 'production', login_url: 'https://login.salesforce.com', api_version: '62.0', auth: { method: 'access_token', token: 'x' } },
    },
    zendesk: Object.fromEntries(
      syncs.map((s) => [s.to, { name: s.to, url: `https://${s.to}.zendesk.com`, auth: { method: 'oauth' as const, token: 'secret-token' }, multiple_organizations: multipleOrganizations }]),
    ),
    syncs,
  };
}

export function makePlan(bySync: Record<string, Change[]>, digest = DIGEST): Plan {
  const syncs = Object.entries(bySync).map(([name, changes]) => {
    const summary = {
      create: changes.filter((c) => c.action === 'create').length,
      update: changes.filter((c) => c.action === 'update' || c.action === 'make_default').length,
      delete: changes.filter((c) => c.action === 'delete').length,
    };
    return { name, from: 'production', to: name, changes, warnings: [], summary };
  });
  const summary = syncs.reduce((a, s) => ({ create: a.create + s.summary.create, update: a.update + s.summary.update, delete: a.delete + s.summary.delete }), {
    create: 0,
    update: 0,
    delete: 0,
  });
  return { format_version: '1.0', created_at: '2026-11-23T00:00:00.000Z', config_digest: digest, syncs, summary };
}

export function orgCreate(externalId: string, name: string, extra: Record<string, unknown> = {}): Change {
  const after = { name, external_id: externalId, tags: ['salesforce'], notes: null, organization_fields: {}, ...extra };
  return { type: 'organization', action: 'create', key: externalId, zendesk_id: null, label: name, before: null, after, diff: [] };
}

export function orgUpdate(id: number, externalId: string, label: string, before: Record<string, unknown>, after: Record<string, unknown>): Change {
  return { type: 'organization', action: 'update', key: externalId, zendesk_id: id, label, before, after, diff: [] };
}

export function orgDelete(id: number, externalId: string, name: string): Change {
  return {
    type: 'organization',
    action: 'delete',
    key: externalId,
    zendesk_id: id,
    label: name,
    before: { name, external_id: externalId },
    after: null,
    diff: [],
    reason: 'retention: delete_when',
  };
}

export function userCreate(email: string, name: string, orgKey?: string, extra: Record<string, unknown> = {}): Change {
  const after: Record<string, unknown> = { name, email, tags: [], user_fields: {}, ...extra };
  if (orgKey) after.organization_id = null;
  return {
    type: 'user',
    action: 'create',
    key: email.toLowerCase(),
    zendesk_id: null,
    label: email,
    before: null,
    after,
    diff: [],
    ...(orgKey ? { refs: { organization: orgKey } } : {}),
  };
}

export function userUpdate(id: number, email: string, before: Record<string, unknown>, after: Record<string, unknown>): Change {
  return { type: 'user', action: 'update', key: email, zendesk_id: id, label: email, before, after, diff: [] };
}

export function membershipCreate(
  userKey: string,
  orgKey: string,
  ids: { user_id: number | null; organization_id: number | null },
  label = `${userKey} -> ${orgKey}`,
): Change {
  const refs: { user?: string; organization?: string } = {};
  if (ids.user_id === null) refs.user = userKey;
  if (ids.organization_id === null) refs.organization = orgKey;
  return {
    type: 'membership',
    action: 'create',
    key: `${userKey} -> ${orgKey}`,
    zendesk_id: null,
    label,
    before: null,
    after: { ...ids },
    diff: [],
    reason: 'secondary',
    ...(Object.keys(refs).length ? { refs } : {}),
  };
}

export function makeDefault(
  userKey: string,
  orgKey: string,
  membershipId: number | null,
  ids: { user_id: number | null; organization_id: number | null },
  beforeOrgId: number | null,
): Change {
  const refs: { user?: string; organization?: string } = {};
  if (ids.user_id === null) refs.user = userKey;
  if (ids.organization_id === null) refs.organization = orgKey;
  return {
    type: 'membership',
    action: 'make_default',
    key: `${userKey} -> ${orgKey}`,
    zendesk_id: membershipId,
    label: `${userKey} -> ${orgKey}`,
    // as reconcile writes it: before = whose default and the default now; after = the ids (+ a name for the reader)
    before: { user_id: ids.user_id, organization_id: beforeOrgId },
    after: { ...ids, organization_name: orgKey },
    diff: [{ path: 'organization_id', before: beforeOrgId, after: ids.organization_id }],
    reason: 'primary',
    ...(Object.keys(refs).length ? { refs } : {}),
  };
}
