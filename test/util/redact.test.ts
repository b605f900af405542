import { afterEach, describe, expect, it } from 'vitest';
import { ZdsfError } from '../../src/util/errors.js';
import { clearSecrets, redactDeep, redactText, registerSecrets, registerZendeskPair } from '../../src/util/redact.js';

const TOKEN = 'zd-Secret-Token-0123456789abcdef';
const EMAIL = 'admin@example.com';
const PAIR = `${EMAIL}/token:${TOKEN}`;
const B64 = Buffer.from(PAIR).toString('base64');

afterEach(() => clearSecrets());

describe('redactText', () => {
  it('removes a registered secret, its base64, base64url, URL-encoded and JSON-escaped forms', () => {
    const secret = 'p@ss/w"rd+ with spaces';
    registerSecrets([secret]);
    for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      const out = redactText(`before ${form} after`);
      expect(out).toBe('before *** after');
    }
  });

  it('removes the Zendesk pair and its base64, registered or not', () => {
    registerZendeskPair(EMAIL, TOKEN);
    expect(redactText(`header was Basic ${B64}`)).not.toContain(B64);
    expect(redactText(`decoded ${PAIR}!`)).toBe('decoded ***!');
    clearSecrets();
    const out = redactText(`credentials: someone@else.test/token:abcDEF123 and Basic ${Buffer.from('a@b.c/token:xyz12345').toString('base64')}`);
    expect(out).not.toContain('abcDEF123');
    expect(out).not.toContain('xyz12345');
    expect(out).not.toContain(Buffer.from('a@b.c/token:xyz12345').toString('base64'));
  });

  it('masks echoed Authorization headers, in text and JSON, and Bearer tokens', () => {
    expect(redactText('Authorization: Basic dGhpcy1pcy1ub3QtYmFzZTY0')).toBe('Authorization: Basic ***');
    expect(redactText('{"authorization":"Bearer abc.def.ghi"}')).toBe('{"authorization":"Bearer ***"}');
    expect(redactText('{\\"Authorization\\":\\"xyz-secret\\"}')).not.toContain('xyz-secret');
    expect(redactText('sent Bearer 00Dxx0000001gPL!AQ4AQFakeSecret')).toBe('sent Bearer ***');
  });

  it('leaves ordinary text alone: "Basic Support", short words, plain e-mails', () => {
    registerSecrets(['short']);
    const text = 'Org "Basic Support plan" (tier Bearer of news), contact ann@acme.test, short note';
    expect(redactText(text)).toBe(text);
  });

  it('runs through ZdsfError messages and redactDeep', () => {
    registerSecrets([TOKEN]);
    expect(new ZdsfError(`failed with ${TOKEN}`).message).toBe('failed with ***');
    expect(redactDeep({ a: [`x ${TOKEN}`], b: 1, c: null })).toEqual({ a: ['x ***'], b: 1, c: null });
  });
});
