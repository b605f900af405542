// Copies recorded LIVE exchanges (betamax / VCR cassettes that public projects recorded against real Zendesk
// accounts and Salesforce orgs) into test/contract/fixtures/live/*.json, for live.contract.test.ts.
// Each exchange names its source: repository, path, commit, interaction number and recording date.
// Tokens are redacted; long arrays are cut to their first 3 items (the shape is what is compared);
// only the headers clients rely on are kept. Run with the repositories' git directories:
//   node test/contract/tools/extract-live.mjs <zenpy git dir> <zendesk_api_client_rb git dir> <restforce-db git dir>
// (e.g. clones of github.com/facetoe/zenpy, github.com/zendesk/zendesk_api_client_rb, github.com/tablexi/restforce-db).
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';

const [zenpyDir, zendeskRbDir, restforceDbDir] = process.argv.slice(2);
if (!restforceDbDir) {
  console.error('usage: extract-live.mjs <zenpy git dir> <zendesk_api_client_rb git dir> <restforce-db git dir>');
  process.exit(2);
}
const SOURCES = {
  zenpy: { dir: zenpyDir, repository: 'github.com/facetoe/zenpy', commit: 'fa6aab1de6880c9c0a9c5232bdfc9fa5e2effa0f' },
  zendeskRb: { dir: zendeskRbDir, repository: 'github.com/zendesk/zendesk_api_client_rb', commit: '520d26866c1e6a0477987985dea5e0d61dd96985' },
  restforceDb: { dir: restforceDbDir, repository: 'github.com/tablexi/restforce-db', commit: '92fc50fb875505f66573ad387b54d352a8dc9839' },
};
const KEEP_HEADERS = /^(content-type|retry-after|location|sforce-limit-info|x-rate-limit.*|rate-limit.*|ratelimit.*)$/i;
const SECRET_KEYS = new Set(['access_token', 'refresh_token', 'signature', 'sessionId']);

function show(source, path) {
  return execFileSync('git', ['--git-dir', SOURCES[source].dir, 'show', `${SOURCES[source].commit}:${path}`], { maxBuffer: 1 << 28 }).toString('utf8');
}

/** the interactions of a betamax (zenpy) or VCR (json / yaml) cassette, normalised */
function interactions(source, path) {
  const text = show(source, path);
  const data = path.endsWith('.yml') ? parseYaml(text) : JSON.parse(text);
  return data.http_interactions.map((it) => {
    const b = it.response.body ?? {};
    let body = b.string ?? '';
    if (!body && b.base64_string) {
      let raw = Buffer.from(b.base64_string, 'base64');
      if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
      body = raw.toString('utf8');
    }
    const status = typeof it.response.status === 'object' ? it.response.status.code : it.response.status;
    const headers = {};
    for (const [k, v] of Object.entries(it.response.headers ?? {})) if (KEEP_HEADERS.test(k)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    const url = new URL(it.request.uri.replace('<host>', 'instance.example').replace('<api_version>', 'v33.0').replace(/^(https?:\/\/)[^@/]*@/, '$1'));
    return { method: it.request.method.toUpperCase(), url, status, headers, body, recorded_at: it.recorded_at, recorded_with: data.recorded_with };
  });
}

function scrub(value) {
  if (Array.isArray(value)) return value.slice(0, 3).map(scrub);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) && typeof v === 'string' ? 'REDACTED' : scrub(v);
    return out;
  }
  return value;
}

function exchange(name, source, path, index, note) {
  const it = interactions(source, path)[index];
  if (!it) throw new Error(`${path}: no interaction ${index}`);
  let body = null;
  if (it.body.trim()) body = scrub(JSON.parse(it.body));
  const query = {};
  for (const [k, v] of it.url.searchParams) query[k] = v.length > 120 ? `${v.slice(0, 120)}…` : v;
  return {
    name,
    ...(note ? { note } : {}),
    source: { repository: SOURCES[source].repository, path, commit: SOURCES[source].commit, interaction: index, recorded_at: it.recorded_at, recorded_with: it.recorded_with },
    request: { method: it.method, path: it.url.pathname, query },
    response: { status: it.status, headers: it.headers, body },
  };
}

const Z = 'tests/test_api/betamax/';
const RB = 'spec/fixtures/cassettes/';
const RF = 'test/cassettes/Restforce_DB_Associations_BelongsTo/with_an_inverse_mapping/_build/returns_an_associated_record_populated_with_the_Salesforce_attributes.yml';
const RF_TOKEN = 'test/cassettes/Restforce_DB/accessing_Salesforce/uses_the_configured_credentials.yml';
const zendesk = [
  exchange('organizations create_many: queued job', 'zenpy', `${Z}TestOrganizationCreateUpdateDelete.test_full_objects_create-create-multiple.json`, 0),
  exchange('job status: working', 'zenpy', `${Z}TestOrganizationCreateUpdateDelete.test_full_objects_create-create-multiple.json`, 1),
  exchange('job status: organizations created', 'zenpy', `${Z}TestOrganizationCreateUpdateDelete.test_full_objects_create-create-multiple.json`, 2),
  exchange('organizations show_many', 'zenpy', `${Z}TestOrganizationCreateUpdateDelete.test_full_objects_create-create-multiple.json`, 3),
  exchange('job status: organizations update_many with failures', 'zenpy', `${Z}TestOrganizationCreateUpdateDelete.test_multiple_update_full_objects-update-many.json`, 5),
  exchange('organizations create_many: 101 records', 'zenpy', `${Z}TestOrganizationCreateUpdateDelete.test_raises_toomanyvaluesexception_create-create-multiple.json`, 0),
  exchange('users create_many: 101 records', 'zenpy', `${Z}TestUserCreateUpdateDelete.test_raises_toomanyvaluesexception_create-create-multiple.json`, 0),
  exchange('job status: users created', 'zenpy', `${Z}TestUserCreateUpdateDelete.test_multiple_update_full_objects-update-many.json`, 3),
  exchange('users show_many', 'zenpy', `${Z}TestUserCreateUpdateDelete.test_multiple_update_full_objects-update-many.json`, 4),
  exchange('job status: users updated', 'zenpy', `${Z}TestUserCreateUpdateDelete.test_multiple_update_full_objects-update-many.json`, 8),
  exchange('users create', 'zenpy', `${Z}TestUserCreateUpdateDelete.test_single_object_creation-create-single.json`, 0),
  exchange('organizations create', 'zenpy', `${Z}TestOrganizationCreateUpdateDelete.test_single_object_creation-create-single.json`, 0),
  exchange('organizations: a cursor page', 'zenpy', `${Z}TestOrganizationCreateUpdateDelete.test_pagination.json`, 5),
  exchange('users: a cursor page', 'zenpy', `${Z}TestUsersPagination.test_pagination.json`, 5),
  exchange('the last cursor page keeps links.next', 'zenpy', `${Z}TestActivities.test_pagination.json`, 0, 'recorded on /activities; the cursor envelope (meta, links) is the same on every endpoint'),
  exchange('organization not found', 'zenpy', `${Z}TestOrganizationCreateUpdateDelete.test_single_delete_raises_recordnotfoundexception-recordnotfound-delete.json`, 0),
  exchange('organization memberships list', 'zendeskRb', `${RB}ZendeskAPI_OrganizationMembership/read_ZendeskAPI_Client_organization_memberships/should_be_findable.json`, 0),
  exchange('organization membership show', 'zendeskRb', `${RB}ZendeskAPI_OrganizationMembership/read_ZendeskAPI_Client_organization_memberships/should_be_findable.json`, 1),
  exchange('organization fields list', 'zendeskRb', `${RB}ZendeskAPI_OrganizationField/read_ZendeskAPI_Client_organization_fields/should_be_findable.json`, 0),
  exchange('user fields list', 'zendeskRb', `${RB}ZendeskAPI_UserField/read_ZendeskAPI_Client_user_fields/should_be_findable.json`, 0),
  exchange('account settings', 'zendeskRb', `${RB}ZendeskAPI_Setting/read_ZendeskAPI_Client_settings/should_be_findable.json`, 0),
];
const salesforce = [
  exchange('oauth token (password grant)', 'restforceDb', RF_TOKEN, 0),
  exchange('query', 'restforceDb', RF, 6),
  exchange('describe Contact', 'restforceDb', RF, 5),
];
const out = new URL('../fixtures/live/', import.meta.url);
mkdirSync(out, { recursive: true });
const header = (what) => `Recorded live ${what} exchanges, copied by test/contract/tools/extract-live.mjs from public projects' cassettes (each names its source). Tokens redacted, arrays cut to 3 items. Not hand-written: do not edit, re-run the tool.`;
writeFileSync(new URL('zendesk.json', out), `${JSON.stringify({ note: header('Zendesk'), exchanges: zendesk }, null, 2)}\n`);
writeFileSync(new URL('salesforce.json', out), `${JSON.stringify({ note: header('Salesforce'), exchanges: salesforce }, null, 2)}\n`);
console.log(`${zendesk.length} Zendesk and ${salesforce.length} Salesforce exchanges written to ${out.pathname}`);
