// Plain config objects for the Salesforce adapter tests.
import type { OrganizationSync, SalesforceInstance, Sync, UserSync } from '../../src/model/config.js';

export function organizations(over: Partial<OrganizationSync> = {}): OrganizationSync {
  return {
    match: 'external_id',
    adopt_by_name: false,
    name: { kind: 'field', from: 'Name', name: 'syncs.global.organizations.name' },
    fields: {},
    include: [],
    ...over,
  };
}

export function users(over: Partial<UserSync> = {}): UserSync {
  return {
    sources: [{ object: 'Contact' }],
    match: 'email',
    email: 'Email',
    name: { kind: 'field', from: 'Name', name: 'syncs.global.users.name' },
    fields: {},
    verify_email: false,
    relationships: { primary: true, secondary: false },
    ...over,
  };
}

export function sync(over: Partial<Sync> = {}): Sync {
  return {
    name: 'global',
    from: 'production',
    to: 'global',
    protected: { external_ids: [], names: [], domains: [] },
    ...over,
  };
}

export const LOGIN_URL = 'https://login.sf.test';
export const INSTANCE_URL = 'https://acme.my.sf.test';
export const SECRET_TOKEN = '00Dxx0000001gPL!AQ4AQFakeSecretTokenValue';

export function tokenInstance(over: Partial<SalesforceInstance> = {}): SalesforceInstance {
  return {
    name: 'production',
    login_url: LOGIN_URL,
    api_version: '62.0',
    auth: { method: 'access_token', token: SECRET_TOKEN, instance_url: INSTANCE_URL },
    ...over,
  };
}
