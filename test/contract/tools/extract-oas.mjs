#!/usr/bin/env node
// Regenerates test/contract/fixtures/zendesk-oas.json from Zendesk's OpenAPI description of the Support API
// ("Support API" 2.0.0; a copy lives outside this project). Usage:
//   node test/contract/tools/extract-oas.mjs PATH/TO/zendesk-support-oas.yaml
// It copies the component schemas the emulated endpoints answer with (and everything they reference) and the
// documented response examples, converting OpenAPI 3.0 `nullable` to JSON Schema (type: [T, "null"] or
// anyOf with {type: "null"}) and dropping `example` keywords, so that ajv can compile them. The tests never
// read the original file.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const ROOTS = [
  'OrganizationResponse', 'OrganizationsResponse', 'UserResponse', 'UsersResponse',
  'OrganizationMembershipResponse', 'OrganizationMembershipsResponse', 'OrganizationFieldsResponse',
  'UserFieldsResponse', 'OrganizationFieldResponse', 'UserFieldResponse', 'JobStatusResponse', 'JobStatusesResponse',
  'AccountSettingsResponse', 'Pagination', 'OffsetPaginationObject', 'CountOrganizationResponse', 'CountResponse',
];
const EXAMPLES = {
  OrganizationsResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/#list-organizations',
  AutocompleteOrganizationsResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/#show-many-organizations',
  OrganizationResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/#show-organization',
  CreatedOrganizationResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/#create-organization',
  UpdateOrganizationResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/#update-organization',
  ShowJobStatusResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/ticket-management/job_statuses/#show-job-status',
  JobStatusResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/users/users/#create-or-update-many-users',
  JobStatusBulkDeleteResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/#bulk-delete-organizations',
  JobStatusesResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/ticket-management/job_statuses/#show-many-job-statuses',
  UsersResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/users/users/#list-users',
  ShowManyUsersResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/users/users/#show-many-users',
  SearchUsersResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/users/users/#search-users',
  UserCreateResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/users/users/#create-or-update-user',
  UpdateUserResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/users/users/#update-user',
  UserResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/users/users/#show-user',
  OrganizationMembershipsResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organization_memberships/#list-memberships',
  OrganizationMembershipResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organization_memberships/#show-membership',
  OrganizationMembershipCreateResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organization_memberships/#create-membership',
  OrganizationMembershipCreateManyResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organization_memberships/#create-many-memberships',
  OrganizationFieldsResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organization_fields/#list-organization-fields',
  UserFieldsResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/users/user_fields/#list-user-fields',
  AccountSettingsResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/account-configuration/account_settings/#show-settings',
  OrganizationFieldResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organization_fields/#show-organization-field',
  UserFieldResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/users/user_fields/#show-user-field',
  CountOrganizationsResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/#count-organizations',
  UserCountResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/users/users/#count-users',
  DeleteUserResponseExample: 'https://developer.zendesk.com/api-reference/ticketing/users/users/#delete-user',
};
const COMPONENT_EXAMPLES = {
  OrganizationObject: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/#json-format',
  UserForAdmin: 'https://developer.zendesk.com/api-reference/ticketing/users/users/#json-format',
  OrganizationMembershipObject: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organization_memberships/#json-format',
  JobStatusObject: 'https://developer.zendesk.com/api-reference/ticketing/ticket-management/job_statuses/#json-format',
  OrganizationFieldObject: 'https://developer.zendesk.com/api-reference/ticketing/organizations/organization_fields/#json-format',
  UserFieldObject: 'https://developer.zendesk.com/api-reference/ticketing/users/user_fields/#json-format',
};

const file = process.argv[2];
if (!file) {
  console.error('usage: node test/contract/tools/extract-oas.mjs PATH/TO/zendesk-support-oas.yaml');
  process.exit(1);
}
const oas = parse(readFileSync(file, 'utf8'));
const schemas = oas.components.schemas;

function convert(node) {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'example' || k === 'nullable') continue;
    if (k === '$ref') out.$ref = v.replace('#/components/schemas/', '#/definitions/');
    else if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, convert(s)]));
    else out[k] = convert(v);
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    } else return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

const needed = new Set();
const visit = (name) => {
  if (needed.has(name)) return;
  if (!schemas[name]) throw new Error(`no component schema ${name}`);
  needed.add(name);
  JSON.stringify(schemas[name], (k, v) => {
    if (k === '$ref' && typeof v === 'string') visit(v.replace('#/components/schemas/', ''));
    return v;
  });
};
ROOTS.forEach(visit);

const definitions = {};
for (const name of [...needed].sort()) definitions[name] = convert(schemas[name]);
const examples = {};
for (const [name, url] of Object.entries(EXAMPLES)) {
  const ex = oas.components.examples[name];
  if (!ex) throw new Error(`no example ${name}`);
  examples[name] = { reference: url, value: ex.value };
}
const componentExamples = {};
for (const [name, url] of Object.entries(COMPONENT_EXAMPLES)) componentExamples[name] = { reference: url, value: schemas[name].example };

const out = {
  source: {
    document: `Zendesk OpenAPI description, info.title "${oas.info.title}", info.version "${oas.info.version}" (openapi ${oas.openapi})`,
    reference: 'https://developer.zendesk.com/api-reference/ticketing/introduction/',
    extracted_by: 'test/contract/tools/extract-oas.mjs',
    note: 'components.schemas (nullable converted to JSON Schema, examples dropped) and components.examples, copied unchanged otherwise',
  },
  definitions,
  examples,
  component_examples: componentExamples,
};
writeFileSync(new URL('../fixtures/zendesk-oas.json', import.meta.url), `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${Object.keys(definitions).length} schemas, ${Object.keys(examples).length} examples, ${Object.keys(componentExamples).length} component examples`);
