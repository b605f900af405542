// Contract tests: the sandbox's Zendesk answers against Zendesk's own OpenAPI description of the Support API
// ("Support API" 2.0.0, https://developer.zendesk.com/api-reference/ticketing/introduction/).
// fixtures/zendesk-oas.json holds the component schemas and the documented response examples, copied by
// tools/extract-oas.mjs (each example names its reference page). For every emulated endpoint:
//  1. the response validates with ajv against the component schema the OAS gives for it;
//  2. the keys of the documented example (top level and records) are all present in the sandbox's answer, and
//     every key the sandbox adds is a property the OAS documents for that object.
import { readFileSync } from 'node:fs';
import { Ajv, type AnySchema, type ErrorObject } from 'ajv';
import formatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import type { SandboxSeed } from '../../src/model/seed.js';

type Json = Record<string, unknown>;
interface Oas {
  definitions: Record<string, Json>;
  examples: Record<string, { reference: string; value: Json }>;
  component_examples: Record<string, { reference: string; value: Json }>;
}
const oas = JSON.parse(readFileSync(new URL('./fixtures/zendesk-oas.json', import.meta.url), 'utf8')) as Oas;
const defs = structuredClone(oas.definitions);

// ---- Deliberate differences between the OAS and the real API (the sandbox follows the real API) ----
// Custom organization field values: the OAS allows string or number only; the real API answers null for a
// field with no value and true/false for checkbox fields.
((defs.OrganizationObject.properties as Json).organization_fields as Json).additionalProperties = { type: ['string', 'number', 'boolean', 'null'] };
// Users: last_login_at is null for a user who never signed in, signature is null for end users and
// default_group_id is null for users without a group, in the real API; the OAS types them non-nullable.
// alias, details and notes are null on a new user in live traffic (recorded: fixtures/live/zendesk-users-*.json).
for (const p of ['last_login_at', 'signature', 'default_group_id', 'alias', 'details', 'notes']) {
  const prop = (defs.UserForAdmin.properties as Record<string, Json>)[p];
  prop.type = [prop.type as string, 'null'];
}
// Job results: the OAS says oneOf(CreateResourceResult, UpdateResourceResult), but a create result that also
// carries action/status (as Zendesk's own examples do) matches both, and failed items ({ index, error, id,
// details }, as recorded live) match neither. anyOf, plus the failure shape.
defs.JobStatusResultObject = {
  anyOf: [
    { $ref: '#/definitions/CreateResourceResult' },
    { $ref: '#/definitions/UpdateResourceResult' },
    { type: 'object', properties: { index: { type: 'integer' }, error: { type: 'string' }, id: { type: 'integer' }, details: { type: 'string' } }, required: ['index', 'error'] },
    // a live create result has no index: { id, status: "Created" } (recorded, fixtures/live/)
    { type: 'object', properties: { id: { type: 'integer' }, status: { type: 'string' } }, required: ['id', 'status'] },
  ],
};

const ajv = new Ajv({ allErrors: true, strictTypes: false, allowUnionTypes: true });
// ajv-formats is CommonJS: under NodeNext its plugin is the module's `default`.
formatsModule.default(ajv);
// The OAS uses "datetime" (not a JSON Schema format) for user timestamps.
ajv.addFormat('datetime', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
ajv.addSchema({ $id: 'zendesk-oas', definitions: defs } as AnySchema);

function validate(definition: string, data: unknown): string[] {
  const v = ajv.getSchema(`zendesk-oas#/definitions/${definition}`);
  if (!v) throw new Error(`no schema ${definition}`);
  return v(data) ? [] : (v.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** every property the OAS documents for a definition (through $ref, allOf, anyOf, oneOf) */
function documented(definition: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  const walk = (s: unknown): void => {
    if (typeof s !== 'object' || s === null) return;
    const o = s as Json;
    if (typeof o.$ref === 'string') {
      const name = o.$ref.replace('#/definitions/', '');
      if (!seen.has(name)) {
        seen.add(name);
        walk(defs[name]);
      }
    }
    if (o.properties) for (const k of Object.keys(o.properties as Json)) out.add(k);
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) if (Array.isArray(o[k])) (o[k] as unknown[]).forEach(walk);
  };
  walk(defs[definition]);
  return out;
}

function at(obj: unknown, path: string): Json {
  let cur: unknown = obj;
  for (const part of path ? path.split('.') : []) cur = (cur as Record<string, unknown>)[part];
  if (typeof cur !== 'object' || cur === null) throw new Error(`nothing at ${path}`);
  return cur as Json;
}

interface Compare {
  /** where in the sandbox's answer, where in the example ('' = top level), and the OAS object documenting the keys */
  sandbox: string;
  example: string;
  object: string;
  /** keys of the documented example the sandbox does not send, on purpose (with the reason in a comment) */
  missing?: string[];
}
interface Case {
  name: string;
  method: string;
  path: (ctx: Ctx) => string;
  body?: (ctx: Ctx) => unknown;
  status: number;
  schema: string;
  example: string;
  exampleSource?: 'examples' | 'component_examples';
  compare: Compare[];
}
interface Ctx {
  jobId: string;
  membershipId: number;
}

const seed: SandboxSeed = {
  zendesk: {
    settings: { user: { multiple_organizations: true } },
    organization_fields: [
      { id: 71, key: 'health', type: 'dropdown', title: 'Health', active: true, custom_field_options: [{ id: 711, name: 'Healthy', value: 'healthy' }] },
      { id: 72, key: 'seats', type: 'integer', title: 'Seats', active: true },
    ],
    user_fields: [{ id: 81, key: 'salesforce_contact_id', type: 'text', title: 'Salesforce contact', active: true }],
    organizations: [
      { id: 1, name: 'Groablet Enterprises', external_id: 'ABC198', domain_names: ['remain.com'], tags: ['smiley'], details: 'caterpillar =)', notes: 'donkey', organization_fields: { health: 'healthy', seats: 3 } },
      { id: 2, name: 'Second Org', external_id: 'TTV273' },
      { id: 3, name: 'Third Org', external_id: null },
    ],
    users: [
      { id: 29, name: 'Johnny End-User', email: 'johnny@example.com', role: 'end-user', external_id: 'sai989sur98w9', organization_id: 1, user_fields: { salesforce_contact_id: '003A' } },
      { id: 30, name: 'Roger Admin', email: 'roger@example.com', role: 'admin' },
    ],
  },
};

const ORG = { sandbox: 'organization', example: 'organization', object: 'OrganizationObject' };
const ORGS = { sandbox: 'organizations.0', example: 'organizations.0', object: 'OrganizationObject' };
const JOB = { sandbox: 'job_status', example: 'job_status', object: 'JobStatusObject' };
const MEMBERSHIPS = { sandbox: 'organization_memberships.0', example: 'organization_memberships.0', object: 'OrganizationMembershipObject' };

const cases: Case[] = [
  // The OAS list examples show offset pagination (count, next_page); with page[size] the real API answers
  // meta/links instead (Pagination): the cursor case compares records only.
  { name: 'GET /organizations (cursor)', method: 'GET', path: () => '/api/v2/organizations.json?page[size]=2', status: 200, schema: 'OrganizationsResponse', example: 'OrganizationsResponseExample', compare: [ORGS] },
  { name: 'GET /organizations (offset)', method: 'GET', path: () => '/api/v2/organizations.json', status: 200, schema: 'OrganizationsResponse', example: 'OrganizationsResponseExample', compare: [{ sandbox: '', example: '', object: 'OrganizationsResponse' }, ORGS] },
  { name: 'GET /organizations/{id}', method: 'GET', path: () => '/api/v2/organizations/1.json', status: 200, schema: 'OrganizationResponse', example: 'OrganizationResponseExample', compare: [ORG] },
  { name: 'GET /organizations/show_many', method: 'GET', path: () => '/api/v2/organizations/show_many.json?ids=1,2', status: 200, schema: 'OrganizationsResponse', example: 'AutocompleteOrganizationsResponseExample', compare: [{ sandbox: '', example: '', object: 'OrganizationsResponse' }, ORGS] },
  { name: 'GET /organizations/search', method: 'GET', path: () => '/api/v2/organizations/search.json?external_id=abc198', status: 200, schema: 'OrganizationsResponse', example: 'OrganizationsResponseExample', compare: [{ sandbox: '', example: '', object: 'OrganizationsResponse' }, ORGS] },
  { name: 'POST /organizations', method: 'POST', path: () => '/api/v2/organizations.json', body: () => ({ organization: { name: 'My Organization' } }), status: 201, schema: 'OrganizationResponse', example: 'CreatedOrganizationResponseExample', compare: [ORG] },
  { name: 'PUT /organizations/{id}', method: 'PUT', path: () => '/api/v2/organizations/1.json', body: () => ({ organization: { notes: 'Something Interesting' } }), status: 200, schema: 'OrganizationResponse', example: 'UpdateOrganizationResponseExample', compare: [ORG] },
  { name: 'POST /organizations/create_or_update', method: 'POST', path: () => '/api/v2/organizations/create_or_update.json', body: () => ({ organization: { external_id: 'TTV273', notes: 'x' } }), status: 200, schema: 'OrganizationResponse', example: 'CreatedOrganizationResponseExample', compare: [ORG] },
  // A freshly queued job has results: null and progress: null; the examples show completed jobs.
  { name: 'POST /organizations/create_many', method: 'POST', path: () => '/api/v2/organizations/create_many.json', body: () => ({ organizations: [{ name: 'Bulk 1' }, { name: 'Second Org' }] }), status: 200, schema: 'JobStatusResponse', example: 'ShowJobStatusResponseExample', compare: [JOB] },
  { name: 'GET /job_statuses/{id} (working)', method: 'GET', path: (c) => `/api/v2/job_statuses/${c.jobId}.json`, status: 200, schema: 'JobStatusResponse', example: 'ShowJobStatusResponseExample', compare: [JOB] },
  { name: 'GET /job_statuses/{id} (completed)', method: 'GET', path: (c) => `/api/v2/job_statuses/${c.jobId}.json`, status: 200, schema: 'JobStatusResponse', example: 'ShowJobStatusResponseExample', compare: [JOB] }, // results items: the OAS example is an update's; live create results are checked in live.contract.test.ts
  { name: 'GET /job_statuses/show_many', method: 'GET', path: (c) => `/api/v2/job_statuses/show_many.json?ids=${c.jobId}`, status: 200, schema: 'JobStatusesResponse', example: 'JobStatusesResponseExample', compare: [{ sandbox: 'job_statuses.0', example: 'job_statuses.0', object: 'JobStatusObject' }] },
  { name: 'PUT /organizations/update_many', method: 'PUT', path: () => '/api/v2/organizations/update_many.json', body: () => ({ organizations: [{ id: 2, notes: 'n' }] }), status: 200, schema: 'JobStatusResponse', example: 'JobStatusResponseExample', compare: [JOB] },
  { name: 'DELETE /organizations/destroy_many', method: 'DELETE', path: () => '/api/v2/organizations/destroy_many.json?ids=3', status: 200, schema: 'JobStatusResponse', example: 'JobStatusBulkDeleteResponseExample', compare: [JOB] },
  // The users list / show_many / search examples only show id and name; records are compared with the
  // UserForAdmin component example (the JSON format section of the Users page).
  { name: 'GET /users (cursor)', method: 'GET', path: () => '/api/v2/users.json?page[size]=100', status: 200, schema: 'UsersResponse', example: 'UsersResponseExample', compare: [{ sandbox: 'users.0', example: 'users.0', object: 'UserForAdmin' }] },
  { name: 'GET /users/{id} (record vs JSON format example)', method: 'GET', path: () => '/api/v2/users/30.json', status: 200, schema: 'UserResponse', example: 'UserForAdmin', exampleSource: 'component_examples', compare: [{ sandbox: 'user', example: '', object: 'UserForAdmin' }] },
  { name: 'GET /users/show_many', method: 'GET', path: () => '/api/v2/users/show_many.json?ids=29,30', status: 200, schema: 'UsersResponse', example: 'ShowManyUsersResponseExample', compare: [{ sandbox: 'users.0', example: 'users.0', object: 'UserForAdmin' }] },
  { name: 'GET /users/search', method: 'GET', path: () => `/api/v2/users/search.json?query=${encodeURIComponent('email:johnny@example.com')}`, status: 200, schema: 'UsersResponse', example: 'SearchUsersResponseExample', compare: [{ sandbox: 'users.0', example: 'users.0', object: 'UserForAdmin' }] },
  { name: 'POST /users/create_or_update', method: 'POST', path: () => '/api/v2/users/create_or_update.json', body: () => ({ user: { email: 'roge@example.org', name: 'Roger Wilco', skip_verify_email: true } }), status: 201, schema: 'UserResponse', example: 'UserCreateResponseExample', compare: [{ sandbox: 'user', example: 'user', object: 'UserForAdmin' }] },
  { name: 'PUT /users/{id}', method: 'PUT', path: () => '/api/v2/users/29.json', body: () => ({ user: { name: 'Roger Wilco II' } }), status: 200, schema: 'UserResponse', example: 'UpdateUserResponseExample', compare: [{ sandbox: 'user', example: 'user', object: 'UserForAdmin' }] },
  { name: 'POST /users/create_or_update_many', method: 'POST', path: () => '/api/v2/users/create_or_update_many.json', body: () => ({ users: [{ email: 'a@example.com', name: 'A' }] }), status: 200, schema: 'JobStatusResponse', example: 'JobStatusResponseExample', compare: [JOB] },
  { name: 'PUT /users/update_many', method: 'PUT', path: () => '/api/v2/users/update_many.json?ids=29', body: () => ({ user: { notes: 'n' } }), status: 200, schema: 'JobStatusResponse', example: 'JobStatusResponseExample', compare: [JOB] },
  // The membership examples omit url; the sandbox sends it as the JSON format section documents.
  { name: 'GET /organization_memberships', method: 'GET', path: () => '/api/v2/organization_memberships.json', status: 200, schema: 'OrganizationMembershipsResponse', example: 'OrganizationMembershipsResponseExample', compare: [MEMBERSHIPS] },
  { name: 'GET /users/{id}/organization_memberships', method: 'GET', path: () => '/api/v2/users/29/organization_memberships.json', status: 200, schema: 'OrganizationMembershipsResponse', example: 'OrganizationMembershipsResponseExample', compare: [MEMBERSHIPS] },
  { name: 'GET /organizations/{id}/organization_memberships', method: 'GET', path: () => '/api/v2/organizations/1/organization_memberships.json', status: 200, schema: 'OrganizationMembershipsResponse', example: 'OrganizationMembershipsResponseExample', compare: [MEMBERSHIPS] },
  { name: 'POST /organization_memberships', method: 'POST', path: () => '/api/v2/organization_memberships.json', body: () => ({ organization_membership: { user_id: 29, organization_id: 2 } }), status: 201, schema: 'OrganizationMembershipResponse', example: 'OrganizationMembershipCreateResponseExample', compare: [{ sandbox: 'organization_membership', example: 'organization_membership', object: 'OrganizationMembershipObject' }] },
  { name: 'GET /organization_memberships/{id}', method: 'GET', path: (c) => `/api/v2/organization_memberships/${c.membershipId}.json`, status: 200, schema: 'OrganizationMembershipResponse', example: 'OrganizationMembershipResponseExample', compare: [{ sandbox: 'organization_membership', example: 'organization_membership', object: 'OrganizationMembershipObject' }] },
  { name: 'PUT /users/{id}/organization_memberships/{id}/make_default', method: 'PUT', path: (c) => `/api/v2/users/29/organization_memberships/${c.membershipId}/make_default.json`, status: 200, schema: 'OrganizationMembershipsResponse', example: 'OrganizationMembershipsResponseExample', compare: [MEMBERSHIPS] },
  { name: 'POST /organization_memberships/create_many', method: 'POST', path: () => '/api/v2/organization_memberships/create_many.json', body: () => ({ organization_memberships: [{ user_id: 30, organization_id: 1 }] }), status: 200, schema: 'JobStatusResponse', example: 'OrganizationMembershipCreateManyResponseExample', compare: [JOB] },
  { name: 'POST /users', method: 'POST', path: () => '/api/v2/users.json', body: () => ({ user: { email: 'new.user@example.org', name: 'New User', verified: true } }), status: 201, schema: 'UserResponse', example: 'UserCreateResponseExample', compare: [{ sandbox: 'user', example: 'user', object: 'UserForAdmin' }] },
  { name: 'POST /users/create_many', method: 'POST', path: () => '/api/v2/users/create_many.json', body: () => ({ users: [{ email: 'b@example.com', name: 'B' }] }), status: 200, schema: 'JobStatusResponse', example: 'JobStatusResponseExample', compare: [JOB] },
  { name: 'GET /users/{id}/organizations', method: 'GET', path: () => '/api/v2/users/29/organizations.json', status: 200, schema: 'OrganizationsResponse', example: 'OrganizationsResponseExample', compare: [{ sandbox: '', example: '', object: 'OrganizationsResponse' }, ORGS] },
  { name: 'GET /organizations/{id}/users', method: 'GET', path: () => '/api/v2/organizations/1/users.json', status: 200, schema: 'UsersResponse', example: 'UsersResponseExample', compare: [{ sandbox: 'users.0', example: 'users.0', object: 'UserForAdmin' }] },
  { name: 'POST /users/{id}/organization_memberships', method: 'POST', path: () => '/api/v2/users/30/organization_memberships.json', body: () => ({ organization_membership: { organization_id: 2 } }), status: 201, schema: 'OrganizationMembershipResponse', example: 'OrganizationMembershipCreateResponseExample', compare: [{ sandbox: 'organization_membership', example: 'organization_membership', object: 'OrganizationMembershipObject' }] },
  { name: 'PUT /users/{id}/organizations/{id}/make_default', method: 'PUT', path: () => '/api/v2/users/30/organizations/2/make_default.json', status: 200, schema: 'OrganizationMembershipsResponse', example: 'OrganizationMembershipsResponseExample', compare: [MEMBERSHIPS] },
  { name: 'GET /organizations/count', method: 'GET', path: () => '/api/v2/organizations/count.json', status: 200, schema: 'CountOrganizationResponse', example: 'CountOrganizationsResponseExample', compare: [{ sandbox: 'count', example: 'count', object: 'CountOrganizationObject' }] },
  { name: 'GET /users/count', method: 'GET', path: () => '/api/v2/users/count.json', status: 200, schema: 'CountResponse', example: 'UserCountResponseExample', compare: [{ sandbox: 'count', example: 'count', object: 'CountResponse' }] },
  { name: 'GET /organization_fields/{id}', method: 'GET', path: () => '/api/v2/organization_fields/72.json', status: 200, schema: 'OrganizationFieldResponse', example: 'OrganizationFieldResponseExample', compare: [{ sandbox: 'organization_field', example: 'organization_field', object: 'OrganizationFieldObject' }] },
  { name: 'GET /user_fields/{id}', method: 'GET', path: () => '/api/v2/user_fields/81.json', status: 200, schema: 'UserFieldResponse', example: 'UserFieldResponseExample', compare: [{ sandbox: 'user_field', example: 'user_field', object: 'UserFieldObject' }] },
  { name: 'GET /job_statuses', method: 'GET', path: () => '/api/v2/job_statuses.json', status: 200, schema: 'JobStatusesResponse', example: 'JobStatusesResponseExample', compare: [{ sandbox: 'job_statuses.0', example: 'job_statuses.0', object: 'JobStatusObject' }] },
  { name: 'DELETE /organization_memberships/destroy_many', method: 'DELETE', path: () => '/api/v2/organization_memberships/destroy_many.json?ids=999999', status: 200, schema: 'JobStatusResponse', example: 'JobStatusBulkDeleteResponseExample', compare: [JOB] },
  // Real Zendesk soft-deletes a user (active: false) and answers it; the sandbox answers the same shape but
  // removes the user from its state.
  { name: 'DELETE /users/{id}', method: 'DELETE', path: () => '/api/v2/users/30.json', status: 200, schema: 'UserResponse', example: 'DeleteUserResponseExample', compare: [{ sandbox: 'user', example: 'user', object: 'UserForAdmin' }] },
  { name: 'GET /organization_fields', method: 'GET', path: () => '/api/v2/organization_fields.json', status: 200, schema: 'OrganizationFieldsResponse', example: 'OrganizationFieldsResponseExample', compare: [{ sandbox: '', example: '', object: 'OrganizationFieldsResponse' }, { sandbox: 'organization_fields.1', example: 'organization_fields.0', object: 'OrganizationFieldObject' }] },
  { name: 'GET /user_fields', method: 'GET', path: () => '/api/v2/user_fields.json', status: 200, schema: 'UserFieldsResponse', example: 'UserFieldsResponseExample', compare: [{ sandbox: '', example: '', object: 'UserFieldsResponse' }, { sandbox: 'user_fields.0', example: 'user_fields.0', object: 'UserFieldObject' }] },
  // Account settings: the sandbox emulates the user, api and lotus sections only (zdsf reads
  // settings.user.multiple_organizations); the other sections of the example are left out on purpose.
  { name: 'GET /account/settings', method: 'GET', path: () => '/api/v2/account/settings.json', status: 200, schema: 'AccountSettingsResponse', example: 'AccountSettingsResponseExample', compare: [{ sandbox: 'settings.user', example: 'settings.user', object: 'AccountSettingsUserObject' }, { sandbox: 'settings.api', example: 'settings.api', object: 'AccountSettingsApiObject' }] },
];

let sandbox: Sandbox;
const ctx: Ctx = { jobId: '', membershipId: 0 };
const AUTH = `Basic ${Buffer.from('agent@example.com/token:contract').toString('base64')}`;

beforeAll(async () => {
  sandbox = await startSandbox({ seed, port: 0 });
});
afterAll(async () => sandbox.close());

describe('Zendesk contract (OAS schemas and documented examples)', () => {
  it('the fixture names its source', () => {
    expect(JSON.stringify((oas as unknown as { source: unknown }).source)).toContain('Support API');
    for (const e of Object.values(oas.examples)) expect(e.reference).toMatch(/^https:\/\/developer\.zendesk\.com\/api-reference\//);
  });

  // Cases run in order: later ones use the job and membership earlier ones created.
  for (const c of cases) {
    it(c.name, async () => {
      const res = await fetch(`${sandbox.url}${c.path(ctx)}`, {
        method: c.method,
        headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
        body: c.body ? JSON.stringify(c.body(ctx)) : undefined,
      });
      expect(res.status).toBe(c.status);
      const body = (await res.json()) as Json;
      if (c.name === 'POST /organizations/create_many') ctx.jobId = (body.job_status as { id: string }).id;
      if (c.name === 'POST /organization_memberships') ctx.membershipId = (body.organization_membership as { id: number }).id;

      expect(validate(c.schema, body)).toEqual([]);

      const example = (c.exampleSource === 'component_examples' ? oas.component_examples : oas.examples)[c.example];
      expect(example, `example ${c.example}`).toBeDefined();
      for (const cmp of c.compare) {
        const mine = Object.keys(at(body, cmp.sandbox));
        const theirs = Object.keys(at(example.value, cmp.example));
        const missing = theirs.filter((k) => !mine.includes(k));
        expect(missing, `${c.name}: documented keys missing at ${cmp.sandbox || 'top level'}`).toEqual(cmp.missing ?? []);
        const props = documented(cmp.object);
        const undocumented = mine.filter((k) => !theirs.includes(k) && !props.has(k));
        expect(undocumented, `${c.name}: keys the OAS does not document for ${cmp.object}`).toEqual([]);
      }
    });
  }

  it('DELETE /organization_memberships/{id} and DELETE /organizations/{id} answer 204 without a body', async () => {
    for (const path of [`/api/v2/organization_memberships/${ctx.membershipId}.json`, '/api/v2/organizations/2.json']) {
      const res = await fetch(`${sandbox.url}${path}`, { method: 'DELETE', headers: { Authorization: AUTH } });
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
    }
  });
});
