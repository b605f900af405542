// A Salesforce (or proxy) that sends the response headers and then stalls the body (issue 14): jsforce's own
// timeout stops at the headers, so every request of a connection is bounded as a whole (bounded-transport.ts),
// reported as "did not answer within N s", and the stalled connection is closed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SalesforceInstance } from '../../src/model/config.js';
import { boundRequests } from '../../src/salesforce/bounded-transport.js';
import { connectSalesforce } from '../../src/salesforce/auth.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { ZdsfError } from '../../src/util/errors.js';
import { organizations, sync, tokenInstance } from './fixtures.js';

const FAST = { baseDelayMs: 1, maxDelayMs: 5 };

describe('a Salesforce that sends headers and stalls the body', () => {
  let server: Server;
  let url = '';
  let requests = 0;
  let closed = 0;
  const open = new Set<ServerResponse>();
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      requests += 1;
      open.add(res);
      req.socket.on('close', () => {
        closed += 1;
        open.delete(res);
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"name":"Account","fields":['); // and nothing more
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    for (const res of open) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is bounded by timeout_seconds, reported as "did not answer within N s", and its connections are closed', async () => {
    const instance: SalesforceInstance = {
      ...tokenInstance({ auth: { method: 'access_token', token: 'tok-secret-value', instance_url: url } }),
      timeout_seconds: 1,
    };
    requests = 0;
    closed = 0;
    let err: unknown;
    try {
      await createSalesforceReader({ retry: FAST }).read({ instance, sync: sync({ organizations: organizations() }) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ZdsfError);
    expect((err as ZdsfError).code).toBe('salesforce_timeout');
    expect((err as ZdsfError).message).toContain('did not answer within 1 s');
    expect((err as ZdsfError).message).not.toContain('tok-secret-value');
    expect(requests).toBe(2); // a timeout is tried once more only
    // fetch closes the stalled connections when the timeout fires (jsforce's left them open, holding the process)
    await expect.poll(() => closed, { timeout: 10_000 }).toBe(2);
  }, 60_000);

  it('applies to every connection connectSalesforce makes', async () => {
    const instance: SalesforceInstance = {
      ...tokenInstance({ auth: { method: 'access_token', token: 'tok-secret-value', instance_url: url } }),
      timeout_seconds: 1,
    };
    const conn = await connectSalesforce(instance);
    const started = requests;
    await expect(conn.request('/services/data/v62.0/sobjects/Account/describe')).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(requests).toBe(started + 1);
  }, 30_000);

  it('keeps jsforce transport when an HTTP proxy is configured (jsforce honours it, fetch does not)', () => {
    const conn = new Connection({ instanceUrl: url, accessToken: 'x' });
    expect(boundRequests(conn, 1000, { HTTPS_PROXY: 'http://proxy.test:3128' })).toBe(false);
    expect(boundRequests(conn, 1000, {})).toBe(true);
  });
});
