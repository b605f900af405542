// The sandbox's custom field endpoints (issue 17): create with Zendesk's validation (key, type, options, lookup
// target), PUT of the option list (ids kept, new ones added, left-out ones removed, as Zendesk does), the user field
// options endpoint, admin-only writes, and multiselect / lookup values on records.
import { describe, expect, it } from 'vitest';
import { createZendeskEmulator } from '../../../src/sandbox/zendesk/emulator.js';
import type { SandboxRequest, SandboxResponse } from '../../../src/sandbox/http.js';

const BASE = 'http://127.0.0.1:1';
const admin = `Basic ${Buffer.from('admin@example.com/token:x').toString('base64')}`;
const agent = `Basic ${Buffer.from('agent@example.com/token:x').toString('base64')}`;

function emulator() {
  return createZendeskEmulator(
    {
      users: [{ id: 5, name: 'Agent', email: 'agent@example.com', role: 'agent' }],
      organizations: [{ id: 100, name: 'Acme', external_id: 'a1' }],
      organization_fields: [{ id: 9001, key: 'tier', type: 'dropdown', title: 'Tier', active: true, custom_field_options: [{ id: 9101, name: 'Gold', value: 'gold' }] }],
      user_fields: [],
    },
    { baseUrl: () => BASE },
  );
}

function call(e: ReturnType<typeof emulator>, method: string, path: string, body?: unknown, auth = admin) {
  const req: SandboxRequest = { method, url: new URL(`${BASE}/api/v2/${path}`), headers: { authorization: auth }, body, rawBody: body === undefined ? '' : JSON.stringify(body) };
  // the Zendesk routes answer synchronously (only the server's own routes are async)
  const r = e.route(req) as SandboxResponse | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads answers of many shapes
  return { status: r?.status, body: r?.body as Record<string, any> };
}

describe('sandbox custom fields', () => {
  it('creates fields with Zendesk validation', () => {
    const e = emulator();
    const made = call(e, 'POST', 'organization_fields', { organization_field: { type: 'multiselect', key: 'products', title: 'Products', custom_field_options: [{ name: 'Chat', value: 'chat' }] } });
    expect(made.status).toBe(201);
    expect(made.body.organization_field).toMatchObject({ type: 'multiselect', key: 'products', title: 'Products', active: true, custom_field_options: [{ name: 'Chat', value: 'chat' }] });
    expect(call(e, 'GET', 'organization_fields').body.organization_fields.map((f: { key: string }) => f.key)).toEqual(['tier', 'products']);
    const again = call(e, 'POST', 'organization_fields', { organization_field: { type: 'text', key: 'products', title: 'P' } });
    expect(again.status).toBe(422);
    expect(again.body.details.key[0].description).toBe('Key has already been taken');
    expect(call(e, 'POST', 'user_fields', { user_field: { type: 'text', key: '123', title: 'N' } }).status).toBe(422);
    expect(call(e, 'POST', 'user_fields', { user_field: { type: 'dropdown', key: 'd', title: 'D', custom_field_options: [] } }).status).toBe(422);
    expect(call(e, 'POST', 'user_fields', { user_field: { type: 'dropdown', key: 'd', title: 'D', custom_field_options: [{ name: 'A', value: 'a' }, { name: 'B', value: 'A' }] } }).status).toBe(422);
    expect(call(e, 'POST', 'user_fields', { user_field: { type: 'lookup', key: 'l', title: 'L' } }).status).toBe(422);
    expect(call(e, 'POST', 'user_fields', { user_field: { type: 'lookup', key: 'l', title: 'L', relationship_target_type: 'zen:organization' } }).body.user_field).toMatchObject({ type: 'lookup', relationship_target_type: 'zen:organization' });
  });

  it('PUT replaces the option list: ids kept, new ones added, left-out ones removed', () => {
    const e = emulator();
    const put = call(e, 'PUT', 'organization_fields/9001', { organization_field: { custom_field_options: [{ id: 9101, name: 'Gold', value: 'gold' }, { name: 'Silver', value: 'silver' }] } });
    expect(put.status).toBe(200);
    const options = put.body.organization_field.custom_field_options;
    expect(options.map((o: { id: number; value: string }) => [o.id === 9101, o.value])).toEqual([[true, 'gold'], [false, 'silver']]);
    const dropped = call(e, 'PUT', 'organization_fields/9001', { organization_field: { type: 'text', custom_field_options: [{ name: 'Silver', value: 'silver' }] } });
    expect(dropped.body.organization_field).toMatchObject({ type: 'dropdown', custom_field_options: [{ value: 'silver' }] });
    expect(dropped.body.organization_field.custom_field_options).toHaveLength(1);
  });

  it('user field options endpoint: 201 for a new option', () => {
    const e = emulator();
    const f = call(e, 'POST', 'user_fields', { user_field: { type: 'dropdown', key: 'level', title: 'Level', custom_field_options: [{ name: 'A', value: 'a' }] } }).body.user_field;
    const added = call(e, 'POST', `user_fields/${f.id}/options`, { custom_field_option: { name: 'B', value: 'b' } });
    expect(added.status).toBe(201);
    expect(added.body.custom_field_option).toMatchObject({ name: 'B', value: 'b' });
    expect(call(e, 'GET', `user_fields/${f.id}`).body.user_field.custom_field_options.map((o: { value: string }) => o.value)).toEqual(['a', 'b']);
  });

  it('writes need an admin', () => {
    const e = emulator();
    expect(call(e, 'POST', 'organization_fields', { organization_field: { key: 'x', title: 'X' } }, agent).status).toBe(403);
    expect(call(e, 'PUT', 'organization_fields/9001', { organization_field: { title: 'X' } }, agent).status).toBe(403);
    expect(call(e, 'GET', 'organization_fields', undefined, agent).status).toBe(200);
  });

  it('multiselect values are lists of option tags; lookups are ids', () => {
    const e = emulator();
    call(e, 'POST', 'organization_fields', { organization_field: { type: 'multiselect', key: 'products', title: 'Products', custom_field_options: [{ name: 'Chat', value: 'chat' }, { name: 'Voice', value: 'voice' }] } });
    call(e, 'POST', 'organization_fields', { organization_field: { type: 'lookup', key: 'parent', title: 'Parent', relationship_target_type: 'zen:organization' } });
    const ok = call(e, 'PUT', 'organizations/100', { organization: { organization_fields: { products: ['voice', 'chat'], parent: 100 } } });
    expect(ok.status).toBe(200);
    expect(ok.body.organization.organization_fields).toMatchObject({ products: ['voice', 'chat'], parent: 100 });
    const bad = call(e, 'PUT', 'organizations/100', { organization: { organization_fields: { products: ['chat', 'fax'] } } });
    expect(bad.status).toBe(422);
    expect(call(e, 'PUT', 'organizations/100', { organization: { organization_fields: { parent: 'acme' } } }).status).toBe(422);
  });
});
