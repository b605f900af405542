import type { Plan } from '../../src/model/plan.js';

export function samplePlan(): Plan {
  return {
    format_version: '1.0',
    created_at: '2026-11-23T00:00:00.000Z',
    config_digest: 'abc123',
    summary: { create: 3, update: 2, delete: 1 },
    syncs: [
      {
        name: 'global',
        from: 'production',
        to: 'global',
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
            after: { name: 'Ann', email: 'ann@acme.com', organization_id: null },
            diff: [
              { path: 'name', before: null, after: 'Ann' },
              { path: 'email', before: null, after: 'ann@acme.com' },
            ],
            refs: { organization: '001A' },
          },
          {
            type: 'membership',
            action: 'create',
            key: 'ann@acme.com -> 001C',
            zendesk_id: null,
            label: 'ann@acme.com -> Acme West',
            before: null,
            after: { user_id: null, organization_id: 77 },
            diff: [],
            reason: 'secondary',
            refs: { user: 'ann@acme.com' },
          },
          {
            type: 'membership',
            action: 'make_default',
            key: 'bob@globex.com -> 001D',
            zendesk_id: 9,
            label: 'bob@globex.com -> Globex EMEA',
            before: { organization_id: 42, organization_name: 'Globex' },
            after: { user_id: 5, organization_id: 43, organization_name: 'Globex EMEA' },
            diff: [{ path: 'default_organization', before: 'Globex', after: 'Globex EMEA' }],
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
    format_version: '1.0',
    created_at: '2026-11-23T00:00:00.000Z',
    config_digest: 'abc123',
    summary: { create: 0, update: 0, delete: 0 },
    syncs: [{ name: 'global', from: 'production', to: 'global', summary: { create: 0, update: 0, delete: 0 }, changes: [], warnings: [] }],
  };
}
