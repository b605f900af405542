// Hands the secrets of a loaded config to the redaction pass (src/util/redact.ts), so that no output, plan file
// or log of this run can carry them, nor their encodings, nor Zendesk's email/token:secret pair.
import type { Config } from '../model/config.js';
import { registerSecrets, registerZendeskPair } from '../util/redact.js';

export function configSecrets(config: Config): string[] {
  const out: string[] = [];
  for (const inst of Object.values(config.salesforce)) {
    const a = inst.auth;
    if (a.method === 'jwt') out.push(a.private_key);
    if (a.method === 'client_credentials') out.push(a.client_secret);
    if (a.method === 'access_token') out.push(a.token);
    if (a.method === 'password') {
      out.push(a.password);
      if (a.security_token) out.push(a.security_token, a.password + a.security_token);
      if (a.client_secret) out.push(a.client_secret);
    }
  }
  for (const inst of Object.values(config.zendesk)) out.push(inst.auth.token);
  return out.filter((s) => typeof s === 'string' && s.length > 0);
}

export function registerConfigSecrets(config: Config): void {
  registerSecrets(configSecrets(config));
  for (const inst of Object.values(config.zendesk)) {
    if (inst.auth.method === 'api_token' && inst.auth.token) registerZendeskPair(inst.auth.email, inst.auth.token);
  }
}
