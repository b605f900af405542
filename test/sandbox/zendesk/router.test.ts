import { describe, expect, it } from 'vitest';
import type { SandboxRequest } from '../../../src/sandbox/http.js';
import { Router } from '../../../src/sandbox/zendesk/router.js';

const req = (method: string, path: string, auth: string | null = 'Basic dTp0'): SandboxRequest =>
  ({ method, url: new URL(`http://zd.test${path}`), headers: auth ? { authorization: auth } : {}, body: undefined, rawBody: '' });

describe('Router', () => {
  const router = new Router();
  router.on('GET', 'users/:id', (_r, [id]) => ({ status: 200, body: { id } }));
  router.on('GET', 'job_statuses/:job', (_r, [id]) => ({ status: 200, body: { id } }));

  it('matches with or without .json and passes the parameters', () => {
    expect(router.route(req('GET', '/api/v2/users/12.json'))?.body).toEqual({ id: '12' });
    expect(router.route(req('GET', '/api/v2/users/12'))?.body).toEqual({ id: '12' });
    expect(router.route(req('GET', '/api/v2/job_statuses/8b2f_x.json'))?.body).toEqual({ id: '8b2f_x' });
  });

  it('answers 401 without credentials, 405 for another method, 404 for an unknown path, and leaves other paths alone', () => {
    expect(router.route(req('GET', '/api/v2/users/1.json', null))?.status).toBe(401);
    expect(router.route(req('DELETE', '/api/v2/users/1.json'))?.status).toBe(405);
    expect(router.route(req('GET', '/api/v2/users/abc.json'))?.status).toBe(404);
    expect(router.route(req('GET', '/services/data'))).toBeUndefined();
  });
});
