// `zdsf init`: a commented starter sync.yaml from a live (or sandbox) Salesforce describe and Zendesk field list.
// Each active Zendesk custom field is mapped to the Account (organization fields) or Contact (user fields) field
// whose name or label matches its key or title and whose type fits (map/field-types: the same rule plan applies);
// fields without a fitting match are written as comments to complete by hand. Secrets stay ${VAR} references.
import type { Connection } from 'jsforce';
import type { SalesforceAuth, SalesforceInstance, ZendeskAuth, ZendeskInstance } from '../model/config.js';
import type { SfFieldDescribe, SfObjectDescribe } from '../model/salesforce.js';
import type { ZdFieldDef } from '../model/zendesk.js';
import { canFeed, WRITABLE_ZENDESK_TYPES } from '../map/index.js';
import { connectSalesforce, translateConnectionError } from '../salesforce/auth.js';
import { trimDescribe } from '../salesforce/reader.js';
import { paginate, toFieldDef } from '../zendesk/pagination.js';
import { ZendeskTransport } from '../zendesk/transport.js';
import { isRecord } from '../util/data.js';

export interface InitSources {
  salesforceUrl: string;
  zendeskUrl: string;
  /** the environment: which auth methods the starter file uses follows what is set (never the values) */
  env: Record<string, string | undefined>;
  apiVersion?: string;
}

export interface LiveSchema {
  account: SfObjectDescribe;
  contact: SfObjectDescribe | undefined;
  organizationFields: ZdFieldDef[];
  userFields: ZdFieldDef[];
  multipleOrganizations: boolean;
}

export interface FieldChoice {
  key: string;
  zendeskType: string;
  /** the Salesforce field chosen, or null (written as a comment) */
  from: string | null;
  /** why nothing was chosen, or a note for the reader (dropdown options) */
  note?: string;
}

const norm = (s: string): string => s.toLowerCase().replace(/__c$/, '').replace(/[^a-z0-9]/g, '');
const ID_KEYS = new Set(['salesforceid', 'sfid', 'salesforceaccountid', 'salesforcecontactid', 'accountid', 'contactid', 'sfdcid']);

function salesforceAuth(env: InitSources['env']): { auth: SalesforceAuth; yaml: string[] } {
  if (env.SF_ACCESS_TOKEN) {
    return { auth: { method: 'access_token', token: env.SF_ACCESS_TOKEN }, yaml: ['method: access_token', 'token: ${SF_ACCESS_TOKEN}'] };
  }
  return {
    auth: { method: 'jwt', client_id: env.SF_CLIENT_ID ?? '', username: env.SF_USERNAME ?? '', private_key: env.SF_JWT_KEY ?? '' },
    yaml: ['method: jwt                            # connected app with a certificate', 'client_id: ${SF_CLIENT_ID}', 'username: ${SF_USERNAME}', 'private_key_file: ${SF_JWT_KEY_FILE}'],
  };
}

function zendeskAuth(env: InitSources['env']): { auth: ZendeskAuth; yaml: string[] } {
  if (env.ZD_EMAIL) return { auth: { method: 'api_token', email: env.ZD_EMAIL, token: env.ZD_API_TOKEN ?? '' }, yaml: ['method: api_token', 'email: ${ZD_EMAIL}', 'token: ${ZD_API_TOKEN}'] };
  return { auth: { method: 'oauth', token: env.ZD_OAUTH_TOKEN ?? '' }, yaml: ['method: oauth', 'token: ${ZD_OAUTH_TOKEN}'] };
}

/** Reads the Account and Contact describes, the Zendesk custom fields and the multiple-organizations setting. */
export async function readLiveSchema(sources: InitSources, connect?: (i: SalesforceInstance) => Promise<Connection>): Promise<LiveSchema> {
  const sf: SalesforceInstance = { name: 'main', login_url: sources.salesforceUrl, api_version: sources.apiVersion ?? '62.0', auth: salesforceAuth(sources.env).auth };
  let conn: Connection;
  try {
    conn = await (connect ?? ((i) => connectSalesforce(i)))(sf);
  } catch (err) {
    throw translateConnectionError(err, sf);
  }
  const describe = async (object: string): Promise<SfObjectDescribe | undefined> => {
    try {
      return trimDescribe(await conn.request(`/sobjects/${object}/describe`), object);
    } catch (err) {
      if (object === 'Account') throw translateConnectionError(err, sf, conn.instanceUrl);
      return undefined;
    }
  };
  const account = (await describe('Account')) as SfObjectDescribe;
  const contact = await describe('Contact');

  const zd: ZendeskInstance = { name: 'main', url: sources.zendeskUrl.replace(/\/+$/, ''), auth: zendeskAuth(sources.env).auth, multiple_organizations: false };
  const transport = new ZendeskTransport(zd, { maxAttempts: 2 });
  const res = await transport.get('/account/settings');
  const settings = isRecord(res.body) && isRecord(res.body.settings) ? res.body.settings : {};
  const fields = async (path: string): Promise<ZdFieldDef[]> => {
    const out: ZdFieldDef[] = [];
    await paginate(transport, `/${path}`, path, (items) => items.forEach((i) => out.push(toFieldDef(i))));
    return out;
  };
  return {
    account,
    contact,
    organizationFields: await fields('organization_fields'),
    userFields: await fields('user_fields'),
    multipleOrganizations: isRecord(settings.user) && settings.user.multiple_organizations === true,
  };
}

/** The Salesforce field for one Zendesk field: Id for *salesforce_id* keys, else a name/label match whose type fits. */
export function chooseField(def: ZdFieldDef, object: SfObjectDescribe | undefined): FieldChoice {
  const choice: FieldChoice = { key: def.key, zendeskType: def.type, from: null };
  if (!object) return { ...choice, note: 'the Salesforce object could not be described' };
  const key = norm(def.key);
  const title = norm(def.title);
  if (ID_KEYS.has(key) && canFeed({ type: 'id' }, def.type)) return { ...choice, from: 'Id' };
  const names = (f: SfFieldDescribe) => [norm(f.name), norm(f.label ?? '')];
  const exact = object.fields.filter((f) => names(f).some((n) => n === key || n === title));
  const partial = object.fields.filter((f) => key.length >= 4 && names(f).some((n) => n.includes(key) || (n.length >= 4 && key.includes(n))));
  const candidates = [...exact, ...partial.sort((a, b) => a.name.length - b.name.length)];
  const fits = candidates.filter((f) => canFeed(f, def.type));
  if (fits.length === 0) {
    const near = candidates[0];
    return { ...choice, note: near ? `${object.name}.${near.name} (${near.type}) matches by name but cannot feed a Zendesk ${def.type} field` : `no ${object.name} field matches "${def.key}" by name` };
  }
  const field = fits[0];
  if (def.type === 'dropdown' || def.type === 'tagger') {
    const options = new Set((def.custom_field_options ?? []).map((o) => o.value));
    const values = (field.picklistValues ?? []).map((p) => p.value);
    const missing = values.filter((v) => !options.has(v) && !options.has(v.toLowerCase()));
    if (missing.length > 0) {
      const map = values.map((v) => `${JSON.stringify(v)}: ?`).join(', ');
      return { ...choice, note: `{ from: ${field.name}, map: { ${map} } }: map each picklist value to an option (${[...options].join(', ')})` };
    }
  }
  return { ...choice, from: field.name };
}

function fieldBlock(defs: ZdFieldDef[], object: SfObjectDescribe | undefined, indent: string): string[] {
  const out: string[] = [];
  const usable = defs.filter((d) => d.active && WRITABLE_ZENDESK_TYPES.includes(d.type));
  for (const def of usable) {
    const c = chooseField(def, object);
    if (c.from) out.push(`${indent}${c.key}: ${c.from}${' '.repeat(Math.max(1, 38 - c.key.length - c.from.length))}# ${def.type}: "${def.title}"`);
    else out.push(`${indent}# ${c.key}: ?   # ${def.type} "${def.title}": ${c.note}`);
  }
  for (const def of defs.filter((d) => !usable.includes(d))) out.push(`${indent}# ${def.key}: not mapped (${def.active ? `a ${def.type} field zdsf cannot write` : 'inactive'})`);
  return out;
}

function has(object: SfObjectDescribe | undefined, name: string): SfFieldDescribe | undefined {
  return object?.fields.find((f) => f.name === name);
}

/** The starter sync.yaml, as text (comments included). */
export function renderStarterConfig(schema: LiveSchema, sources: InitSources, now = new Date()): string {
  const sfAuth = salesforceAuth(sources.env).yaml;
  const zdAuth = zendeskAuth(sources.env).yaml;
  const type = has(schema.account, 'Type');
  const customer = type?.picklistValues?.some((p) => p.value === 'Customer');
  const where = customer ? `"Type = 'Customer'"` : '"Name != null"';
  const orgFields = fieldBlock(schema.organizationFields, schema.account, '        ');
  const userFields = fieldBlock(schema.userFields, schema.contact, '        ');
  const lines = [
    `# Starter configuration written by \`zdsf init\` on ${now.toISOString().slice(0, 10)} from the Salesforce describe of`,
    `# ${sources.salesforceUrl} and the Zendesk fields of ${sources.zendeskUrl}. Review every line, then:`,
    '#   zdsf validate && zdsf check && zdsf plan',
    '# Reference: docs/configuration.md. Secrets are ${VAR} references, never values. For completion in the editor,',
    '# make the first line: # yaml-language-server: $schema=<where zdsf is installed>/schemas/sync.schema.json',
    'version: 1',
    '',
    'salesforce:',
    '  main:',
    `    login_url: \${SF_LOGIN_URL:-${sources.salesforceUrl}}`,
    `    api_version: "${sources.apiVersion ?? '62.0'}"`,
    '    auth:',
    ...sfAuth.map((l) => `      ${l}`),
    '',
    'zendesk:',
    '  main:',
    `    url: \${ZD_URL:-${sources.zendeskUrl}}`,
    '    auth:',
    ...zdAuth.map((l) => `      ${l}`),
    `    multiple_organizations: ${schema.multipleOrganizations}             # as the Zendesk account is set today`,
    '',
    'syncs:',
    '  main:',
    '    from: main',
    '    to: main',
    '    organizations:',
    `      where: ${where}${' '.repeat(Math.max(1, 30 - where.length))}# which Accounts become organizations (a SOQL condition)`,
    '      match: external_id                # organization external_id = Account Id',
    '      name: Name',
    ...(orgFields.length > 0 ? ['      fields:                           # Zendesk organization field key: Salesforce Account field', ...orgFields] : ['      # fields: none (the Zendesk account has no organization fields)']),
    ...(type ? ['      tags: { prefix: sf_, from: [Type], static: [salesforce] }   # zdsf manages only sf_* tags and these'] : []),
    '      # retention:                      # deletes are opt-in: uncomment to remove organizations of expired accounts',
    "      #   delete_when: \"Type = 'Former Customer'\"",
    ...(schema.contact
      ? [
          '    users:',
          '      sources:',
          '        - { object: Contact, where: "Email != null" }',
          '      match: email',
          '      name: Name',
          ...(userFields.length > 0 ? ['      fields:                           # Zendesk user field key: Salesforce Contact field', ...userFields] : ['      # fields: none (the Zendesk account has no user fields)']),
          '      verify_email: false               # users are created verified: no welcome mail',
          `      relationships: { primary: true, secondary: ${schema.multipleOrganizations} }`,
        ]
      : ['    # users: Contact could not be described; add a users section by hand']),
  ];
  return `${lines.join('\n')}\n`;
}
