// Seed files (DESIGN.md section 7): JSON or YAML, { salesforce, zendesk, zendesk_instances }.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { SandboxSeed } from '../model/seed.js';
import { ZdsfError } from '../util/errors.js';
import { readSeedLines } from './seed-lines.js';

/** JSON seeds from this size up are first read a line at a time (seed-lines.ts): one string holds at most ~512 MB */
export const STREAM_SEED_FROM_BYTES = 64 * 1024 * 1024;
/** V8's longest string, a little under 512 MiB */
const MAX_STRING_BYTES = 512 * 1024 * 1024 - 64;

const TOP_LEVEL = ['salesforce', 'zendesk', 'zendesk_instances'];
const ZENDESK_KEYS = ['organizations', 'users', 'organization_memberships', 'organization_fields', 'user_fields', 'settings', 'rate_limit_per_minute', 'credentials', 'rate_limit_headers', 'tickets', 'incremental_export_limit_per_minute', 'records_at'];
const SCALAR_KEYS = ['settings', 'rate_limit_per_minute', 'rate_limit_headers', 'incremental_export_limit_per_minute', 'records_at'];

/** Parses seed text (JSON, or YAML when the name says so or JSON fails) and checks its outline. */
export function parseSeed(text: string, name = 'seed'): SandboxSeed {
  const ext = extname(name).toLowerCase();
  let data: unknown;
  try {
    data = ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
  } catch (jsonErr) {
    if (ext === '.json') throw new ZdsfError(`${name}: not valid JSON: ${(jsonErr as Error).message}`, 'seed_invalid');
    try {
      data = parseYaml(text);
    } catch (yamlErr) {
      throw new ZdsfError(`${name}: neither valid JSON nor valid YAML: ${(yamlErr as Error).message}`, 'seed_invalid');
    }
  }
  return checkSeed(data, name);
}

export function checkSeed(data: unknown, name = 'seed'): SandboxSeed {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (data === null || data === undefined) return {};
  if (!isObj(data)) throw new ZdsfError(`${name}: a seed is an object with salesforce, zendesk and/or zendesk_instances.`, 'seed_invalid');
  for (const k of Object.keys(data)) {
    if (!TOP_LEVEL.includes(k)) throw new ZdsfError(`${name}: unknown key "${k}" at the top level; a seed has ${TOP_LEVEL.join(', ')}.`, 'seed_invalid');
  }
  const checkCredentials = (v: unknown, where: string): void => {
    if (!Array.isArray(v)) throw new ZdsfError(`${name}: ${where} must be a list of { email, token | password, role } or { token, role }.`, 'seed_invalid');
    v.forEach((c: unknown, i) => {
      const ok = isObj(c) && (c.role === 'admin' || c.role === 'agent') && (typeof c.token === 'string' || (typeof c.email === 'string' && typeof c.password === 'string'));
      if (!ok) throw new ZdsfError(`${name}: ${where}[${i}] needs role (admin or agent) and a token (with email for an API token, alone for OAuth) or an email and password.`, 'seed_invalid');
    });
  };
  const checkZendesk = (z: unknown, where: string): void => {
    if (z === undefined || z === null) return;
    if (!isObj(z)) throw new ZdsfError(`${name}: ${where} must be an object.`, 'seed_invalid');
    for (const [k, v] of Object.entries(z)) {
      if (!ZENDESK_KEYS.includes(k)) throw new ZdsfError(`${name}: unknown key "${where}.${k}"; allowed: ${ZENDESK_KEYS.join(', ')}.`, 'seed_invalid');
      if (k === 'settings' && !isObj(v)) throw new ZdsfError(`${name}: ${where}.settings must be an object (the settings of GET /api/v2/account/settings).`, 'seed_invalid');
      if (k === 'rate_limit_per_minute' && !(Number.isInteger(v) && (v as number) > 0)) throw new ZdsfError(`${name}: ${where}.rate_limit_per_minute must be a whole number > 0.`, 'seed_invalid');
      if (k === 'rate_limit_headers' && v !== 'ratelimit' && v !== 'rate-limit') throw new ZdsfError(`${name}: ${where}.rate_limit_headers must be "ratelimit" (current headers) or "rate-limit" (2023-style headers).`, 'seed_invalid');
      if (k === 'credentials') checkCredentials(v, `${where}.credentials`);
      if (k === 'incremental_export_limit_per_minute' && !(Number.isInteger(v) && (v as number) > 0)) throw new ZdsfError(`${name}: ${where}.incremental_export_limit_per_minute must be a whole number > 0.`, 'seed_invalid');
      if (k === 'records_at' && !(typeof v === 'string' && !Number.isNaN(Date.parse(v)))) throw new ZdsfError(`${name}: ${where}.records_at must be a time (2026-12-01T10:00:00Z).`, 'seed_invalid');
      if (k === 'tickets' && Array.isArray(v) && v.some((t) => !isObj(t))) throw new ZdsfError(`${name}: ${where}.tickets must be a list of ticket objects.`, 'seed_invalid');
      if (!SCALAR_KEYS.includes(k) && !Array.isArray(v)) throw new ZdsfError(`${name}: ${where}.${k} must be a list of records.`, 'seed_invalid');
    }
  };
  checkZendesk(data.zendesk, 'zendesk');
  if (data.zendesk_instances !== undefined) {
    if (!isObj(data.zendesk_instances)) throw new ZdsfError(`${name}: zendesk_instances must map instance names to Zendesk seeds.`, 'seed_invalid');
    for (const [inst, z] of Object.entries(data.zendesk_instances)) {
      if (!/^[A-Za-z0-9_.-]+$/.test(inst) || inst === 'default') throw new ZdsfError(`${name}: zendesk_instances."${inst}": an instance name uses letters, digits, _ . - and is not "default".`, 'seed_invalid');
      checkZendesk(z, `zendesk_instances.${inst}`);
    }
  }
  if (data.salesforce !== undefined && data.salesforce !== null && !isObj(data.salesforce)) {
    throw new ZdsfError(`${name}: salesforce must map object names (Account, Contact, ...) to lists of records.`, 'seed_invalid');
  }
  const sfAuth = isObj(data.salesforce) ? data.salesforce.auth : undefined;
  if (sfAuth !== undefined) {
    const lists = isObj(sfAuth) && ['users', 'clients'].every((k) => sfAuth[k] === undefined || Array.isArray(sfAuth[k]));
    const numbers = isObj(sfAuth) && ['token_lifetime_seconds', 'token_lifetime_requests'].every((k) => sfAuth[k] === undefined || (Number.isInteger(sfAuth[k]) && (sfAuth[k] as number) > 0));
    if (!lists || !numbers) throw new ZdsfError(`${name}: salesforce.auth is { users: [{ username, password }], clients: [{ client_id, client_secret }], token_lifetime_seconds, token_lifetime_requests } (whole numbers > 0).`, 'seed_invalid');
  }
  return data as SandboxSeed;
}

/** Reads a seed file (.json, .yaml or .yml). A large JSON seed in writeSeed's layout is read a line at a time. */
export async function loadSeed(path: string, options: { streamFromBytes?: number } = {}): Promise<SandboxSeed> {
  const unreadable = (err: unknown): ZdsfError => {
    const code = (err as NodeJS.ErrnoException).code;
    return new ZdsfError(code === 'ENOENT' ? `Seed file not found: ${path}` : `Cannot read seed file ${path}: ${(err as Error).message}`, 'seed_unreadable');
  };
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw unreadable(err);
  }
  const ext = extname(path).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml' && size >= (options.streamFromBytes ?? STREAM_SEED_FROM_BYTES)) {
    let data: unknown;
    try {
      data = await readSeedLines(path);
    } catch (err) {
      throw unreadable(err);
    }
    if (data !== null) return checkSeed(data, path);
  }
  if (size > MAX_STRING_BYTES) {
    throw new ZdsfError(
      `Seed file ${path} is ${Math.round(size / 2 ** 20)} MB: too large to read as one string (at most 512 MB). ` +
        'Write it with `npm run seed` (one record per line), which the sandbox reads a line at a time.',
      'seed_unreadable',
    );
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw unreadable(err);
  }
  return parseSeed(text, path);
}

/** Writes a seed (e.g. GET /__sandbox/state) as JSON, or YAML for .yaml/.yml. */
export async function saveSeed(path: string, seed: SandboxSeed): Promise<void> {
  const ext = extname(path).toLowerCase();
  await writeFile(path, ext === '.yaml' || ext === '.yml' ? stringifyYaml(seed) : `${JSON.stringify(seed, null, 2)}\n`, 'utf8');
}
