// `zdsf check`: connects to every instance of the config and says what works and what does not, before a plan
// needs it. Salesforce: authentication, the API version, the user, the daily API budget (/limits), the objects
// and every mapped field (present, of a type that fits). Zendesk: authentication and role, multiple_organizations,
// bulk user import, the rate limit, the mapped custom fields (present, active, dropdown options). Every problem
// that comes from the config names its sync.yaml line (FILE:LINE:COL). Reads only: the one write-shaped request
// is an empty users/create_or_update_many (nothing to create), which is how Zendesk tells whether bulk import is on.
import type { Connection } from 'jsforce';
import type { Config, SalesforceInstance, SourcePos, Sync, ZendeskInstance } from '../model/config.js';
import type { SourceData } from '../model/salesforce.js';
import type { ZdFieldDef } from '../model/zendesk.js';
import type { SourceReader } from '../model/ports.js';
import { checkFieldTypes } from '../map/index.js';
import { planFieldChanges } from '../reconcile/resources/fields.js';
import { connectSalesforce, translateConnectionError } from '../salesforce/auth.js';
import { createSalesforceReader } from '../salesforce/reader.js';
import { paginate, toFieldDef } from '../zendesk/pagination.js';
import { ZendeskHttpError, ZendeskTransport } from '../zendesk/transport.js';
import { isRecord } from '../util/data.js';
import { plural } from '../util/text.js';

export type CheckStatus = 'ok' | 'warning' | 'problem';

export interface CheckLine {
  status: CheckStatus;
  message: string;
}

export interface CheckSection {
  /** `Salesforce "production" (https://login.salesforce.com)`, `Zendesk "global" (...)`, `Sync "global" (...)` */
  title: string;
  lines: CheckLine[];
}

export interface CheckReport {
  sections: CheckSection[];
  problems: number;
  warnings: number;
}

export interface CheckOptions {
  config: Config;
  /** default: the real adapter */
  source?: SourceReader;
  /** default: connectSalesforce */
  connect?: (instance: SalesforceInstance) => Promise<Connection>;
  /** default: new ZendeskTransport(instance) */
  transportFor?: (instance: ZendeskInstance) => ZendeskTransport;
}

/** Below this share of the daily Salesforce API requests left, check warns. */
export const LOW_API_BUDGET = 0.1;

function where(pos: SourcePos | undefined): string {
  return pos ? `${pos.file}:${pos.line}:${pos.col}: ` : '';
}

const ok = (message: string): CheckLine => ({ status: 'ok', message });
const warning = (message: string): CheckLine => ({ status: 'warning', message });
const problem = (message: string): CheckLine => ({ status: 'problem', message });

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// ------------------------------------------------------------------------------------------ Salesforce

interface SalesforceResult {
  section: CheckSection;
  /** describes by sync name (absent when the instance could not be used) */
  describes: Map<string, SourceData['describe']>;
}

async function checkSalesforce(instance: SalesforceInstance, syncs: Sync[], options: CheckOptions): Promise<SalesforceResult> {
  const section: CheckSection = { title: `Salesforce "${instance.name}" (${instance.login_url})`, lines: [] };
  const describes = new Map<string, SourceData['describe']>();
  const at = `${where(instance.pos)}salesforce.${instance.name}: `;
  const connect = options.connect ?? ((i: SalesforceInstance) => connectSalesforce(i));
  let conn: Connection;
  try {
    conn = await connect(instance);
    const info = await conn.request<Record<string, unknown>>('/services/oauth2/userinfo');
    const user = String(info.preferred_username ?? info.username ?? info.email ?? 'unknown user');
    const type = typeof info.user_type === 'string' ? `, ${info.user_type} user` : '';
    section.lines.push(ok(`authenticated (${instance.auth.method}) as ${user}${type} at ${conn.instanceUrl}`));
  } catch (err) {
    section.lines.push(problem(`${at}${messageOf(translateConnectionError(err, instance))}`));
    return { section, describes };
  }

  try {
    const versions = await conn.request<{ version: string }[]>('/services/data');
    const list = Array.isArray(versions) ? versions.map((v) => v.version) : [];
    const latest = list.at(-1);
    if (list.length === 0 || list.includes(instance.api_version)) section.lines.push(ok(`API version ${instance.api_version} available (latest ${latest ?? 'unknown'})`));
    else section.lines.push(problem(`${at}api_version "${instance.api_version}" is not offered by this org (it offers ${list[0]} to ${latest}): set api_version to one of them`));
  } catch (err) {
    section.lines.push(problem(`${at}cannot list the API versions: ${messageOf(err)}`));
  }

  try {
    const limits = await conn.request<Record<string, { Max: number; Remaining: number }>>(`/services/data/v${instance.api_version}/limits`);
    const daily = limits.DailyApiRequests;
    if (daily && typeof daily.Max === 'number') {
      const text = `daily API requests: ${daily.Remaining.toLocaleString('en-US')} of ${daily.Max.toLocaleString('en-US')} left`;
      section.lines.push(daily.Remaining < daily.Max * LOW_API_BUDGET ? warning(`${text} (under ${LOW_API_BUDGET * 100}%: a large plan may run out)`) : ok(text));
    }
  } catch (err) {
    section.lines.push(warning(`cannot read /limits (the user may lack "View Setup and Configuration"): ${messageOf(err)}`));
  }

  const source = options.source ?? createSalesforceReader(options.connect ? { connect: options.connect } : {});
  for (const sync of syncs) {
    try {
      const data = await source.read({ instance, sync, describeOnly: true });
      describes.set(sync.name, data.describe);
      const objects = Object.values(data.describe).map((d) => `${d.name} (${plural(d.fields.length, 'field')})`);
      section.lines.push(ok(`sync "${sync.name}" can describe ${objects.join(', ')}`));
    } catch (err) {
      section.lines.push(problem(`${where(sync.pos)}syncs.${sync.name}: ${messageOf(err)}`));
    }
  }
  return { section, describes };
}

// ------------------------------------------------------------------------------------------ Zendesk

interface ZendeskResult {
  section: CheckSection;
  fields?: { organization: ZdFieldDef[]; user: ZdFieldDef[] };
}

function zendeskError(err: unknown): string {
  if (err instanceof ZendeskHttpError && (err.status === 401 || err.status === 403)) return `Zendesk rejected the credentials (${err.status}): ${err.message}`;
  return messageOf(err);
}

async function readFields(transport: ZendeskTransport, path: string): Promise<ZdFieldDef[]> {
  const out: ZdFieldDef[] = [];
  await paginate(transport, `/${path}`, path, (items) => {
    for (const item of items) out.push(toFieldDef(item));
  });
  return out;
}

async function checkZendesk(instance: ZendeskInstance, options: CheckOptions): Promise<ZendeskResult> {
  const section: CheckSection = { title: `Zendesk "${instance.name}" (${instance.url})`, lines: [] };
  const at = `${where(instance.pos)}zendesk.${instance.name}: `;
  const transport = options.transportFor ? options.transportFor(instance) : new ZendeskTransport(instance, { maxAttempts: 2 });
  let remaining: string | null = null;
  try {
    const me = await transport.get('/users/me');
    remaining = me.headers.get('x-rate-limit-remaining');
    const user = isRecord(me.body) && isRecord(me.body.user) ? me.body.user : {};
    const role = typeof user.role === 'string' ? user.role : 'unknown';
    const who = `${String(user.email ?? user.name ?? 'unknown user')} (${role})`;
    if (role === 'admin') section.lines.push(ok(`authenticated (${instance.auth.method}) as ${who}`));
    else if (role === 'agent') section.lines.push(warning(`authenticated as ${who}: an agent needs a role that may manage organizations, end users and their fields; an admin always can`));
    else section.lines.push(problem(`${at}authenticated as ${who}: zdsf needs an admin (or an agent allowed to manage organizations and end users)`));
  } catch (err) {
    section.lines.push(problem(`${at}${zendeskError(err)}`));
    return { section };
  }

  try {
    const res = await transport.get('/account/settings');
    const settings = isRecord(res.body) && isRecord(res.body.settings) ? res.body.settings : {};
    const actual = isRecord(settings.user) && settings.user.multiple_organizations === true;
    if (actual === instance.multiple_organizations) section.lines.push(ok(`multiple_organizations: ${actual}, as configured`));
    else
      section.lines.push(
        problem(
          `${at}multiple_organizations is ${instance.multiple_organizations} in the config but ${actual} in Zendesk: ` +
            (actual ? 'set it to true (zdsf would otherwise replace memberships)' : 'set it to false, or turn on "Allow users to belong to multiple organizations" in Admin Center'),
        ),
      );
  } catch (err) {
    section.lines.push(problem(`${at}cannot read /account/settings: ${zendeskError(err)}`));
  }

  try {
    await transport.request('POST', '/users/create_or_update_many', { body: { users: [] }, idempotent: true });
    section.lines.push(ok('bulk user import enabled (users/create_or_update_many)'));
  } catch (err) {
    if (err instanceof ZendeskHttpError && err.status === 403)
      section.lines.push(warning('bulk user import is not enabled: apply writes users one request at a time (ask Zendesk support to enable it for large syncs)'));
    else if (err instanceof ZendeskHttpError && err.status < 500) section.lines.push(ok('bulk user import enabled (users/create_or_update_many)'));
    else section.lines.push(warning(`cannot tell whether bulk user import is enabled: ${messageOf(err)}`));
  }

  const limit = transport.observedLimitPerMinute;
  const capped = instance.max_requests_per_minute ? `, zdsf keeps to ${instance.max_requests_per_minute} (max_requests_per_minute)` : '';
  section.lines.push(
    limit ? ok(`rate limit: ${limit} requests/minute${remaining ? ` (${remaining} left this minute)` : ''}${capped}`) : warning(`Zendesk sent no X-Rate-Limit header: zdsf assumes 700 requests/minute${capped}`),
  );

  try {
    const fields = { organization: await readFields(transport, 'organization_fields'), user: await readFields(transport, 'user_fields') };
    section.lines.push(ok(`${plural(fields.organization.length, 'organization field')}, ${plural(fields.user.length, 'user field')}`));
    return { section, fields };
  } catch (err) {
    section.lines.push(problem(`${at}cannot read the custom field definitions: ${zendeskError(err)}`));
    return { section };
  }
}

// ------------------------------------------------------------------------------------------ syncs

function fieldLines(sync: Sync, fields: NonNullable<ZendeskResult['fields']>): CheckLine[] {
  const out: CheckLine[] = [];
  const groups = [
    ['organization_fields', Object.keys(sync.organizations?.fields ?? {}), fields.organization],
    ['user_fields', Object.keys(sync.users?.fields ?? {}), fields.user],
  ] as const;
  for (const [kind, keys, defs] of groups) {
    for (const key of keys) {
      const def = defs.find((d) => d.key === key);
      if (!def || !def.active) continue; // checkFieldTypes names it, with the line
      const options = def.custom_field_options?.map((o) => o.value) ?? [];
      const shown = options.length > 8 ? `${options.slice(0, 8).join(', ')}, … ${options.length - 8} more` : options.join(', ');
      out.push(ok(`${kind}.${key}: ${def.type}${options.length > 0 ? ` (${plural(options.length, 'option')}: ${shown})` : ''}`));
    }
  }
  return out;
}

function checkSync(sync: Sync, describe: SourceData['describe'] | undefined, fields: ZendeskResult['fields']): CheckSection {
  const section: CheckSection = { title: `Sync "${sync.name}" (${sync.from} -> ${sync.to})`, lines: [] };
  if (!describe || !fields) {
    section.lines.push(warning(`mappings not checked: ${!describe ? `Salesforce "${sync.from}"` : `Zendesk "${sync.to}"`} could not be read (see above)`));
    return section;
  }
  // manage_fields (issue 17): what plan would create counts as there, and is listed
  const planned = planFieldChanges({ sync, describe, organizationFields: fields.organization, userFields: fields.user });
  const problems = [...planned.problems, ...checkFieldTypes(sync, describe, planned.organizationFields, planned.userFields)];
  const mapped = Object.keys(sync.organizations?.fields ?? {}).length + Object.keys(sync.users?.fields ?? {}).length;
  if (problems.length === 0) section.lines.push(ok(`every mapping fits: Salesforce fields present, ${plural(mapped, 'Zendesk custom field')} present with a type that fits`));
  section.lines.push(...fieldLines(sync, fields));
  for (const c of planned.changes) {
    const what = c.type === 'field' ? `a ${c.after.type} field to create` : `${plural(c.diff.length, 'option')} to add`;
    section.lines.push(ok(`${c.label}: ${what} (manage_fields; plan shows it, apply writes it first)`));
  }
  for (const w of planned.warnings) section.lines.push(warning(`${w.code}: ${w.message}`));
  for (const p of problems) section.lines.push(problem(p));
  return section;
}

/** Checks every instance the config names and every sync's mappings against the live schemas. */
export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const { config } = options;
  const sections: CheckSection[] = [];
  const describes = new Map<string, SourceData['describe']>();
  for (const instance of Object.values(config.salesforce)) {
    const result = await checkSalesforce(instance, config.syncs.filter((s) => s.from === instance.name), options);
    sections.push(result.section);
    for (const [k, v] of result.describes) describes.set(k, v);
  }
  const fields = new Map<string, ZendeskResult['fields']>();
  for (const instance of Object.values(config.zendesk)) {
    const result = await checkZendesk(instance, options);
    sections.push(result.section);
    fields.set(instance.name, result.fields);
  }
  for (const sync of config.syncs) sections.push(checkSync(sync, describes.get(sync.name), fields.get(sync.to)));
  const all = sections.flatMap((s) => s.lines);
  return { sections, problems: all.filter((l) => l.status === 'problem').length, warnings: all.filter((l) => l.status === 'warning').length };
}

const MARK: Record<CheckStatus, string> = { ok: 'ok     ', warning: 'warning', problem: 'PROBLEM' };

export function renderCheckText(report: CheckReport): string {
  const out: string[] = [];
  for (const s of report.sections) {
    out.push(`${s.title}:`);
    for (const l of s.lines) out.push(`  ${MARK[l.status]} ${l.message}`);
    out.push('');
  }
  out.push(
    report.problems === 0
      ? `All checks passed${report.warnings > 0 ? ` (${plural(report.warnings, 'warning')})` : ''}.`
      : `${plural(report.problems, 'problem')}${report.warnings > 0 ? `, ${plural(report.warnings, 'warning')}` : ''}: fix them, then run zdsf check again.`,
  );
  return `${out.join('\n')}\n`;
}
