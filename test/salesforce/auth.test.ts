import { createServer } from 'node:net';
import { generateKeyPairSync, verify } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SalesforceInstance } from '../../src/model/config.js';
import { buildJwtAssertion, connectSalesforce } from '../../src/salesforce/auth.js';
import { ZdsfError } from '../../src/util/errors.js';
import { INSTANCE_URL, LOGIN_URL, SECRET_TOKEN, tokenInstance } from './fixtures.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function jwtInstance(over: Partial<Extract<SalesforceInstance['auth'], { method: 'jwt' }>> = {}): SalesforceInstance {
  return tokenInstance({
    auth: { method: 'jwt', client_id: '3MVG9-consumer-key', username: 'integration@acme.example', private_key: PRIVATE_PEM, ...over },
  });
}

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function rejection(p: Promise<unknown>): Promise<ZdsfError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ZdsfError);
    return err as ZdsfError;
  }
  throw new Error('expected a rejection');
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});

afterEach(() => {
  nock.cleanAll();
});

describe('jwt', () => {
  it('posts a signed RS256 assertion with iss, sub, aud and exp, and connects to the instance_url returned', async () => {
    let form: URLSearchParams | undefined;
    const scope = nock(LOGIN_URL)
      .post('/services/oauth2/token', (body: string) => {
        form = new URLSearchParams(body);
        return true;
      })
      .reply(200, { access_token: 'sess-1', instance_url: `${INSTANCE_URL}/`, id: 'https://login.sf.test/id/00D/005', token_type: 'Bearer' });
    const now = new Date('2026-01-02T03:04:05Z');
    const conn = await connectSalesforce(jwtInstance(), { now: () => now });
    scope.done();

    expect(form?.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const assertion = form?.get('assertion') ?? '';
    const [h, c, s] = assertion.split('.');
    expect(decodePart(h)).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(decodePart(c)).toEqual({
      iss: '3MVG9-consumer-key',
      sub: 'integration@acme.example',
      aud: LOGIN_URL,
      exp: Math.floor(now.getTime() / 1000) + 180,
    });
    expect(verify('RSA-SHA256', Buffer.from(`${h}.${c}`), publicKey, Buffer.from(s, 'base64url'))).toBe(true);
    // a signature made with another key does not verify
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(verify('RSA-SHA256', Buffer.from(`${h}.${c}`), other, Buffer.from(s, 'base64url'))).toBe(false);

    expect(conn.instanceUrl).toBe(INSTANCE_URL);
    expect(conn.accessToken).toBe('sess-1');
    expect(conn.version).toBe('62.0');
  });

  it('uses the configured audience', () => {
    const a = buildJwtAssertion(
      { client_id: 'cid', username: 'u@x', private_key: PRIVATE_PEM, audience: 'https://test.salesforce.com' },
      LOGIN_URL,
    );
    expect(decodePart(a.split('.')[1]).aud).toBe('https://test.salesforce.com');
  });

  it('reports a rejected grant with Salesforce error, without the key or the assertion', async () => {
    let assertion = '';
    nock(LOGIN_URL)
      .post('/services/oauth2/token', (body: string) => {
        assertion = new URLSearchParams(body).get('assertion') ?? '';
        return true;
      })
      .reply(400, { error: 'invalid_grant', error_description: "user hasn't approved this consumer" });
    const err = await rejection(connectSalesforce(jwtInstance()));
    expect(err.message).toContain(
      "Salesforce rejected the jwt credentials for instance production (invalid_grant: user hasn't approved this consumer)",
    );
    expect(err.code).toBe('unauthorized');
    expect(assertion.length).toBeGreaterThan(100);
    expect(err.message).not.toContain(assertion);
    expect(err.message).not.toContain('PRIVATE KEY');
  });

  it('refuses an unreadable private key without printing it', async () => {
    const err = await rejection(connectSalesforce(jwtInstance({ private_key: 'not-a-key-secret-material' })));
    expect(err.message).toContain('JWT private key of Salesforce instance production');
    expect(err.message).not.toContain('not-a-key-secret-material');
  });
});

describe('client_credentials', () => {
  it('posts the client id and secret and reports a 401 without the secret', async () => {
    let form: URLSearchParams | undefined;
    nock(LOGIN_URL)
      .post('/services/oauth2/token', (body: string) => {
        form = new URLSearchParams(body);
        return true;
      })
      .reply(401, { error: 'invalid_client', error_description: 'invalid client credentials' });
    const instance = tokenInstance({ auth: { method: 'client_credentials', client_id: 'cid-123', client_secret: 'very-secret-value' } });
    const err = await rejection(connectSalesforce(instance));
    expect(form?.get('grant_type')).toBe('client_credentials');
    expect(form?.get('client_id')).toBe('cid-123');
    expect(form?.get('client_secret')).toBe('very-secret-value');
    expect(err.message).toContain(
      'Salesforce rejected the client_credentials credentials for instance production (invalid_client: invalid client credentials)',
    );
    expect(err.message).not.toContain('very-secret-value');
  });

  it('returns a connection on success', async () => {
    nock(LOGIN_URL).post('/services/oauth2/token').reply(200, { access_token: 'cc-token', instance_url: INSTANCE_URL });
    const conn = await connectSalesforce(
      tokenInstance({ auth: { method: 'client_credentials', client_id: 'cid', client_secret: 'sec-ret' } }),
    );
    expect(conn.accessToken).toBe('cc-token');
    expect(conn.instanceUrl).toBe(INSTANCE_URL);
  });
});

describe('password', () => {
  it('uses the OAuth password grant with the security token appended when a client is configured', async () => {
    let form: URLSearchParams | undefined;
    nock(LOGIN_URL)
      .post('/services/oauth2/token', (body: string) => {
        form = new URLSearchParams(body);
        return true;
      })
      .reply(200, { access_token: 'pw-token', instance_url: INSTANCE_URL });
    const conn = await connectSalesforce(
      tokenInstance({
        auth: { method: 'password', username: 'u@acme', password: 'hunter2!', security_token: 'TOK', client_id: 'cid', client_secret: 'csec' },
      }),
    );
    expect(form?.get('grant_type')).toBe('password');
    expect(form?.get('username')).toBe('u@acme');
    expect(form?.get('password')).toBe('hunter2!TOK');
    expect(conn.accessToken).toBe('pw-token');
  });

  it('reports a failed SOAP login (no client configured) without the password', async () => {
    nock(LOGIN_URL)
      .post('/services/Soap/u/62.0')
      .reply(
        500,
        '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault>' +
          '<faultcode>INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring>' +
          '</soapenv:Fault></soapenv:Body></soapenv:Envelope>',
        { 'content-type': 'text/xml' },
      );
    const err = await rejection(
      connectSalesforce(tokenInstance({ auth: { method: 'password', username: 'u@acme', password: 'hunter2-secret' } })),
    );
    expect(err.message).toContain('Salesforce rejected the password credentials for instance production (INVALID_LOGIN');
    expect(err.message).not.toContain('hunter2-secret');
  });
});

describe('token endpoint oddities', () => {
  it('says so when login_url answers with an HTML page', async () => {
    nock(LOGIN_URL).post('/services/oauth2/token').reply(404, '<html><body>Not here</body></html>', { 'content-type': 'text/html' });
    const err = await rejection(
      connectSalesforce(tokenInstance({ auth: { method: 'client_credentials', client_id: 'cid', client_secret: 'csec-value' } })),
    );
    expect(err.message).toBe(
      `Salesforce token endpoint ${LOGIN_URL}/services/oauth2/token answered HTTP 404 for instance production (HTTP 404: an HTML page, not a Salesforce token answer).`,
    );
  });

  it('refuses a 200 answer without an access token', async () => {
    nock(LOGIN_URL).post('/services/oauth2/token').reply(200, { instance_url: INSTANCE_URL });
    const err = await rejection(
      connectSalesforce(tokenInstance({ auth: { method: 'client_credentials', client_id: 'cid', client_secret: 'csec-value' } })),
    );
    expect(err.message).toContain('answered without an access_token for instance production');
  });
});

describe('access_token and unreachable hosts', () => {
  it('builds a connection from the token and instance_url without a request', async () => {
    const conn = await connectSalesforce(tokenInstance());
    expect(conn.accessToken).toBe(SECRET_TOKEN);
    expect(conn.instanceUrl).toBe(INSTANCE_URL);
    const noUrl = await connectSalesforce(tokenInstance({ auth: { method: 'access_token', token: 'abcd1234' } }));
    expect(noUrl.instanceUrl).toBe(LOGIN_URL);
  });

  it('names the token URL when the login host is unreachable', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const err = await rejection(
      connectSalesforce(
        tokenInstance({ login_url: url, auth: { method: 'client_credentials', client_id: 'cid', client_secret: 'csec-value' } }),
      ),
    );
    expect(err.code).toBe('unreachable');
    expect(err.message).toContain(`Cannot reach Salesforce instance production at ${url}/services/oauth2/token (ECONNREFUSED)`);
    expect(err.message).not.toContain('csec-value');
  });
});
