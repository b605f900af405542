// Field definitions written by the Zendesk writer (issue 17), with nock: the exact bodies of a field create and of
// the option list PUT, a 422 as the record's failure, a 403 thrown, a create whose outcome is unknown looked up by
// key, and the current user with a custom role's permissions.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { readCurrentUser } from '../../src/zendesk/current-user.js';
import { ZendeskHttpError, ZendeskTransport } from '../../src/zendesk/transport.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';
import { BASE, instance, testOptions } from './helpers.js';

afterEach(() => {
  nock.cleanAll();
});

const BODY = { type: 'multiselect', key: 'products', title: 'Products', custom_field_options: [{ name: 'Chat', value: 'chat' }] };

describe('field writes', () => {
  it('POSTs the field body under organization_field and PUTs the whole option list under user_field', async () => {
    const scope = nock(BASE)
      .post('/api/v2/organization_fields', { organization_field: BODY })
      .reply(201, { organization_field: { id: 77, ...BODY } })
      .put('/api/v2/user_fields/5', { user_field: { custom_field_options: [{ id: 1, name: 'Gold', value: 'gold' }, { name: 'Silver', value: 'silver' }] } })
      .reply(200, { user_field: { id: 5 } });
    const w = createZendeskWriter(instance(), testOptions());
    expect(await w.createField!('organization_field', BODY)).toEqual({ index: 0, ok: true, status: 'Created', id: 77 });
    expect(await w.updateFieldOptions!('user_field', 5, [{ id: 1, name: 'Gold', value: 'gold' }, { name: 'Silver', value: 'silver' }])).toEqual({ index: 0, ok: true, status: 'Updated', id: 5 });
    expect(scope.isDone()).toBe(true);
  });

  it("a 422 is the field's failure; a 403 is thrown", async () => {
    nock(BASE)
      .post('/api/v2/user_fields')
      .reply(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { key: [{ description: 'Key has already been taken', error: 'InvalidValue' }] } })
      .post('/api/v2/user_fields')
      .reply(403, { error: 'Forbidden' });
    const w = createZendeskWriter(instance(), testOptions());
    const r = await w.createField!('user_field', BODY);
    expect(r.ok).toBe(false);
    expect(r.error).toContain('Key has already been taken');
    await expect(w.createField!('user_field', BODY)).rejects.toBeInstanceOf(ZendeskHttpError);
  });

  it('a create whose answer is lost is looked up by key before anything is reported', async () => {
    nock(BASE)
      .post('/api/v2/organization_fields')
      .replyWithError({ code: 'ECONNRESET' })
      .get('/api/v2/organization_fields')
      .query(true)
      .reply(200, { organization_fields: [{ id: 78, key: 'products', type: 'multiselect', title: 'Products', active: true }], meta: { has_more: false }, links: { next: null } });
    const w = createZendeskWriter(instance(), testOptions());
    expect(await w.createField!('organization_field', BODY)).toEqual({ index: 0, ok: true, status: 'Found', id: 78 });
  });
});

describe('readCurrentUser', () => {
  it('an admin; an agent with a custom role that may manage user fields only', async () => {
    nock(BASE)
      .get('/api/v2/users/me')
      .reply(200, { user: { id: 1, email: 'ops@acme.example', role: 'admin' } })
      .get('/api/v2/users/me')
      .reply(200, { user: { id: 2, email: 'agent@acme.example', role: 'agent', custom_role_id: 9 } })
      .get('/api/v2/custom_roles/9')
      .reply(200, { custom_role: { id: 9, configuration: { manage_organization_fields: false, manage_user_fields: true } } });
    const t = new ZendeskTransport(instance(), testOptions());
    expect(await readCurrentUser(t)).toEqual({ id: 1, email: 'ops@acme.example', role: 'admin', custom_role_id: null });
    expect(await readCurrentUser(t)).toEqual({ id: 2, email: 'agent@acme.example', role: 'agent', custom_role_id: 9, manage_organization_fields: false, manage_user_fields: true });
  });
});
