import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { loadConfigOrThrow } from '../../src/config/index.js';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Json = Record<string, unknown>;
const schema = JSON.parse(readFileSync('schemas/sync.schema.json', 'utf8')) as Json;
const definitions = schema.definitions as Record<string, Json>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolve(s: Json): Json {
  const ref = s.$ref;
  if (typeof ref === 'string') return resolve(definitions[ref.replace('#/definitions/', '')]);
  return s;
}

/** Every object schema that lists properties, with a name for messages. */
function objectSchemas(): Array<[string, Json]> {
  const out: Array<[string, Json]> = [['(root)', schema]];
  const walk = (name: string, s: unknown) => {
    if (!isObj(s)) return;
    if (isObj(s.properties) && s !== schema) out.push([name, s]);
    for (const [k, v] of Object.entries(s)) {
      if (k === 'definitions') continue;
      if (k === 'properties' && isObj(v)) for (const [p, ps] of Object.entries(v)) walk(`${name}.${p}`, ps);
      else if (Array.isArray(v)) v.forEach((x, i) => walk(`${name}[${i}]`, x));
      else if (isObj(v)) walk(`${name}/${k}`, v);
    }
  };
  walk('(root)', { ...schema, properties: undefined });
  for (const p of Object.values(schema.properties as Json)) walk('(root)', p);
  for (const [name, def] of Object.entries(definitions)) walk(name, def);
  return out;
}

/** Every property name the schema declares. */
function propertyNames(): Set<string> {
  const names = new Set<string>();
  for (const [, s] of objectSchemas()) for (const p of Object.keys(s.properties as Json)) names.add(p);
  return names;
}

describe('schemas/sync.schema.json', () => {
  it('is a draft-07 schema that ajv compiles', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = new Ajv({ allowUnionTypes: true, strictTypes: false });
    ajv.addVocabulary(['x-error']);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('describes every property and closes every object with additionalProperties: false', () => {
    const undescribed: string[] = [];
    const open: string[] = [];
    for (const [name, s] of objectSchemas()) {
      if (s.additionalProperties !== false) open.push(name);
      for (const [p, ps] of Object.entries(s.properties as Json)) {
        const own = isObj(ps) ? ps : {};
        if (typeof own.description !== 'string' && typeof resolve(own).description !== 'string') undescribed.push(`${name}.${p}`);
      }
    }
    expect(objectSchemas().length).toBeGreaterThan(20); // the walk reaches the nested definitions
    expect(undescribed).toEqual([]);
    expect(open).toEqual([]);
  });

  it('declares the keys of DESIGN.md section 2 and of src/model/config.ts', () => {
    const names = propertyNames();
    for (const key of [
      'version', 'salesforce', 'zendesk', 'syncs', 'login_url', 'api_version', 'auth', 'method', 'client_id', 'username',
      'private_key', 'private_key_file', 'audience', 'client_secret', 'client_secret_file', 'token', 'token_file', 'instance_url',
      'password', 'password_file', 'security_token', 'email', 'subdomain', 'url', 'multiple_organizations', 'max_requests_per_minute',
      'from', 'to', 'organizations', 'users', 'protected', 'external_ids', 'names', 'domains', 'where', 'record_types', 'match',
      'adopt_by_name', 'name', 'domain_names', 'notes', 'details', 'fields', 'include', 'tags', 'retention', 'delete_when',
      'max_deletes', 'sources', 'object', 'phone', 'verify_email', 'relationships', 'primary', 'secondary',
      'create_for_new_organizations', 'map', 'default', 'aggregate', 'separator', 'value', 'template', 'prefix', 'static',
    ]) {
      expect(names.has(key), key).toBe(true);
    }
  });

  it('has defaults that the loader applies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zdsf-schema-'));
    const file = join(dir, 'sync.yaml');
    writeFileSync(
      file,
      `version: 1
salesforce: { p: { auth: { method: access_token, token: "\${T}" } } }
zendesk: { z: { subdomain: x, auth: { method: oauth, token: "\${T}" } } }
syncs: { s: { from: p, to: z, organizations: { tags: {} }, users: { sources: [{ object: Contact }], tags: {} } } }
`,
    );
    const c = await loadConfigOrThrow({ file, env: { T: 't' } });
    const d = (def: string, prop: string) => ((definitions[def].properties as Record<string, Json>)[prop] as Json).default;
    expect(c.salesforce.p.login_url).toBe(d('salesforceInstance', 'login_url'));
    expect(c.salesforce.p.api_version).toBe(d('salesforceInstance', 'api_version'));
    expect(c.zendesk.z.multiple_organizations).toBe(d('zendeskInstance', 'multiple_organizations'));
    const o = c.syncs[0].organizations!;
    const u = c.syncs[0].users!;
    expect(o.match).toBe(d('organizations', 'match'));
    expect(o.adopt_by_name).toBe(d('organizations', 'adopt_by_name'));
    expect(o.name).toMatchObject({ kind: 'field', from: d('organizations', 'name') });
    expect(o.tags?.prefix).toBe(d('tags', 'prefix'));
    expect(u.match).toBe(d('users', 'match'));
    expect(u.email).toBe(d('users', 'email'));
    expect(u.name).toMatchObject({ kind: 'field', from: d('users', 'name') });
    expect(u.verify_email).toBe(d('users', 'verify_email'));
    const rel = (definitions.users.properties as Record<string, Json>).relationships.properties as Record<string, Json>;
    expect(u.relationships).toEqual({ primary: rel.primary.default, secondary: rel.secondary.default });
    expect(c.syncs[0].protected).toEqual({ external_ids: [], names: [], domains: [] });
  });
});

describe('docs/configuration.md', () => {
  const docs = readFileSync('docs/configuration.md', 'utf8');

  it('mentions every schema property, as `name`', () => {
    const missing = [...propertyNames()].filter((p) => !docs.includes(`\`${p}\``));
    expect(missing).toEqual([]);
  });

  it('mentions every allowed value of every enum', () => {
    const values = new Set<string>();
    const walk = (s: unknown) => {
      if (Array.isArray(s)) s.forEach(walk);
      else if (isObj(s)) {
        if (Array.isArray(s.enum)) for (const v of s.enum) values.add(String(v));
        if (typeof s.const === 'string') values.add(s.const);
        Object.values(s).forEach(walk);
      }
    };
    walk(schema);
    expect([...values].filter((v) => !docs.includes(`\`${v}\``))).toEqual([]);
  });
});
