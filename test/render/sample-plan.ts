import type { Plan, SyncPlan } from '../../src/model/plan.js';

const settings: Pick<SyncPlan, 'target' | 'match' | 'multiple_organizations' | 'verify_email'> = {
  target: { name: 'global', url: 'https://global.zendesk.com' },
  match: { organizations: 'external_id', users: 'email' },
  multiple_organizations: true,
  verify_email: false,
};

export function samplePlan(): Plan {
  return {
    format_version: '2.0',
    created_at: '2026-11-23T00:00:00.000Z',
    config_digest: 'abc123',
    summary: { create: 3, update: 2, delete: 1 },
    syncs: [
      {
        name: 'global',
        from: 'production',
        to: 'global',
        ...settings,
        summary: { create: 3, update: 2, delete: 1 },
        estimate: { requests: 9, rate_limit_per_minute: 700, seconds: 0.8 },
        changes: [
          {
            type: 'organization',
            action: 'create',
            key: '001A',
            zendesk_id: null,
            label: 'Acme',
            before: null,
            after: { name: 'Acme', external_id: '001A', tags: ['salesforce', 'sf_customer'] },
            diff: [
              { path: 'name', before: null, after: 'Acme' },
              { path: 'external_id', before: null, after: '001A' },
              { path: 'tags', before: null, after: ['salesforce', 'sf_customer'] },
            ],
          },
          {
            type: 'organization',
            action: 'update',
            key: '001B',
            zendesk_id: 42,
            label: 'Globex',
            before: { notes: 'line one\nline two', organization_fields: { health: 'healthy' } },
            after: { notes: 'line one\nline 2', organization_fields: { health: 'at_risk' } },
            diff: [
              { path: 'notes', before: 'line one\nline two', after: 'line one\nline 2' },
              { path: 'organization_fields.health', before: 'healthy', after: 'at_risk' },
            ],
          },
          {
            type: 'user',
            action: 'create',
            key: 'ann@acme.com',
            zendesk_id: null,
            label: 'ann@acme.com',
            before: null,
            after: { name: 'Ann', email: 'ann@acme.com' },
            diff: [
              { path: 'name', before: null, after: 'Ann' },
              { path: 'email', before: null, after: 'ann@acme.com' },
            ],
            organization: { id: null, key: '001A', name: 'Acme' },
          },
          {
            type: 'membership',
            action: 'create',
            key: 'ann@acme.com -> 001C',
            zendesk_id: null,
            label: 'ann@acme.com -> Acme West',
            before: null,
            after: null,
            user: { id: null, key: 'ann@acme.com', email: 'ann@acme.com' },
            organization: { id: 77, key: '001C', name: 'Acme West' },
            default: false,
            diff: [],
            reason: 'secondary',
          },
          {
            type: 'membership',
            action: 'make_default',
            key: 'bob@globex.com -> 001D',
            zendesk_id: 9,
            label: 'bob@globex.com -> Globex EMEA',
            before: { default_organization_id: null },
            after: null,
            user: { id: 5, key: 'bob@globex.com', email: 'bob@globex.com' },
            organization: { id: 43, key: '001D', name: 'Globex EMEA' },
            diff: [{ path: 'default_organization', before: null, after: 'Globex EMEA' }],
            reason: 'primary',
          },
          {
            type: 'organization',
            action: 'delete',
            key: '001E',
            zendesk_id: 55,
            label: 'Old Co',
            before: { id: 55, name: 'Old Co', external_id: '001E' },
            after: null,
            diff: [],
            reason: "retention: Type = 'Former Customer'",
          },
        ],
        warnings: [{ code: 'duplicate_account_name', message: 'Two accounts are named "Initech"; both skipped.', records: ['001F', '001G'] }],
      },
    ],
  };
}

export function emptyPlan(): Plan {
  return {
    format_version: '2.0',
    created_at: '2026-11-23T00:00:00.000Z',
    config_digest: 'abc123',
    summary: { create: 0, update: 0, delete: 0 },
    syncs: [{ name: 'global', from: 'production', to: 'global', ...settings, summary: { create: 0, update: 0, delete: 0 }, changes: [], warnings: [] }],
  };
}
