// Plans and configs written by hand for apply's tests.
import type { Config, Sync } from '../../src/model/config.js';
import { PLAN_FORMAT_VERSION, type Change, type Plan, type SyncPlan } from '../../src/model/plan.js';
import { sealPlan } from '../../src/services/plan.js';

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
      notes: { kind: 'field', from: 'Description', name: `syncs.${name}.organizations.notes` },
      fields: {},
      include: [],
      retention: { delete_when: "Status__c = 'Closed'" },
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

/** A sealed plan of these changes, for syncs configured as syncConfig / makeConfig make them (multiple organizations on). */
export function makePlan(bySync: Record<string, Change[]>, digest = DIGEST, settings: Partial<Pick<SyncPlan, 'match' | 'multiple_organizations' | 'verify_email'>> = {}): Plan {
  const syncs = Object.entries(bySync).map(([name, changes]): SyncPlan => {
    const summary = {
      create: changes.filter((c) => c.action === 'create').length,
      update: changes.filter((c) => c.action === 'update' || c.action === 'make_default').length,
      delete: changes.filter((c) => c.action === 'delete').length,
    };
    return {
      name,
      from: 'production',
      to: name,
      target: { name, url: `https://${name}.zendesk.com` },
      match: { organizations: 'external_id', users: 'email' },
      multiple_organizations: true,
      verify_email: false,
      ...settings,
      changes,
      warnings: [],
      summary,
    };
  });
  const summary = syncs.reduce((a, s) => ({ create: a.create + s.summary.create, update: a.update + s.summary.update, delete: a.delete + s.summary.delete }), {
    create: 0,
    update: 0,
    delete: 0,
  });
  return sealPlan({ format_version: PLAN_FORMAT_VERSION, created_at: '2026-11-23T00:00:00.000Z', config_digest: digest, syncs, summary });
}

export function orgCreate(externalId: string, name: string, extra: Record<string, unknown> = {}): Change {
  const after = { name, external_id: externalId, tags: ['salesforce'], ...extra };
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
    before: { id, name, external_id: externalId },
    after: null,
    diff: [],
    reason: 'retention: delete_when',
  };
}

/** orgRef: the organization's key (created by this plan) or { id, key } (exists). */
type OrgRefArg = string | { id: number; key: string };
const orgRefOf = (o: OrgRefArg): { id: number | null; key: string; name: string } => (typeof o === 'string' ? { id: null, key: o, name: o } : { id: o.id, key: o.key, name: o.key });

export function userCreate(email: string, name: string, org?: OrgRefArg, extra: Record<string, unknown> = {}): Change {
  const after: Record<string, unknown> = { name, email, tags: [], role: 'end-user', verified: true, skip_verify_email: true, ...extra };
  return {
    type: 'user',
    action: 'create',
    key: email.toLowerCase(),
    zendesk_id: null,
    label: email,
    before: null,
    after,
    diff: [],
    ...(org ? { organization: orgRefOf(org) } : {}),
  };
}

export function userUpdate(id: number, email: string, before: Record<string, unknown>, after: Record<string, unknown>, org?: OrgRefArg): Change {
  return { type: 'user', action: 'update', key: email, zendesk_id: id, label: email, before, after, diff: [], ...(org ? { organization: orgRefOf(org) } : {}) };
}

export function membershipCreate(
  userKey: string,
  orgKey: string,
  ids: { user_id: number | null; organization_id: number | null },
  label = `${userKey} -> ${orgKey}`,
  isDefault = false,
): Change {
  return {
    type: 'membership',
    action: 'create',
    key: `${userKey} -> ${orgKey}`,
    zendesk_id: null,
    label,
    before: null,
    after: null,
    user: { id: ids.user_id, key: userKey, email: userKey },
    organization: { id: ids.organization_id, key: orgKey, name: orgKey },
    default: isDefault,
    diff: [],
    reason: 'secondary',
  };
}

export function makeDefault(userKey: string, orgKey: string, membershipId: number, ids: { user_id: number; organization_id: number }): Change {
  return {
    type: 'membership',
    action: 'make_default',
    key: `${userKey} -> ${orgKey}`,
    zendesk_id: membershipId,
    label: `${userKey} -> ${orgKey}`,
    before: { default_organization_id: null },
    after: null,
    user: { id: ids.user_id, key: userKey, email: userKey },
    organization: { id: ids.organization_id, key: orgKey, name: orgKey },
    diff: [{ path: 'default_organization', before: null, after: orgKey }],
    reason: 'primary',
  };
}
