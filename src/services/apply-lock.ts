// The advisory apply lock (issue 14): two applies writing to one Zendesk instance at once would both write and
// both count every create as their own, whether they come from one configuration or from two. So the lock is per
// Zendesk instance (its URL), not per config file: one lock file per instance in the lock directory
// ($ZDSF_LOCK_DIR, else $XDG_STATE_HOME/zdsf/locks, else ~/.local/state/zdsf/locks; under vitest a temporary
// directory), named after the instance's host and a hash of its URL. It records the holder's pid, host, start
// time and config; a second apply refuses, naming the holder. A lock whose holder is gone (same host, pid not
// running; or older than STALE_AFTER_MS) is taken over with a warning. The lock is advisory and local to a machine
// (or to whatever ZDSF_LOCK_DIR is shared between): applies from two machines are not kept apart by it.
//
// Case writes (issue 18) take a second kind of lock in the same directory: one per Salesforce org that an
// applied sync with a `cases` section writes Cases to, so that two applies never upsert Cases into one org at
// once. zdsf knows the org before connecting only from the config, so the org's key is (salesforceOrg) the
// instance URL of an access token, else the login URL together with the username (jwt, password: a username
// belongs to one org), else the login URL (client_credentials needs the org's My Domain URL there). Two configs
// naming one org through different integration users are therefore not kept apart.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { homedir, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config, SalesforceInstance, ZendeskInstance } from '../model/config.js';
import type { Logger } from '../model/ports.js';
import { ZdsfError } from '../util/errors.js';
import { PRIVATE_FILE_MODE } from '../util/files.js';

export const STALE_AFTER_MS = 24 * 3600_000;

export interface LockHolder {
  pid: number;
  host: string;
  started_at: string;
  command?: string;
  /** the Zendesk instance written (its URL) and the config of the apply holding it */
  instance?: string;
  config?: string;
}

export interface ApplyLock {
  readonly path: string;
  release(): void;
}

/** The directory of the apply locks (see the file's opening comment). */
export function lockDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ZDSF_LOCK_DIR) return env.ZDSF_LOCK_DIR;
  if (env.VITEST) return join(tmpdir(), 'zdsf-locks-test');
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'zdsf', 'locks');
}

const normal = (url: string): string => url.trim().replace(/\/+$/, '').toLowerCase();

/** A lock file's name: the host of `url` (readable), a hash of `key` (unique), the kind of lock. */
function lockFile(url: string, key: string, suffix: string, env: NodeJS.ProcessEnv): string {
  const host = url.replace(/^[a-z]+:\/\//, '').replace(/[^a-z0-9.-]+/g, '_').slice(0, 80);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return join(lockDir(env), `${host}-${hash}${suffix}`);
}

/** The lock file of one Zendesk instance: the same for every config that writes to it (URL case and trailing slash aside). */
export function lockPathFor(zendeskUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  const url = normal(zendeskUrl);
  return lockFile(url, url, '.apply.lock', env);
}

/**
 * Which Salesforce org a Case write goes to, as far as the config tells before connecting (see the top): its URL,
 * and the key that tells orgs apart (the URL, with the username where one names the org).
 */
export function salesforceOrg(instance: SalesforceInstance): { url: string; key: string } {
  const a = instance.auth;
  if (a.method === 'access_token' && a.instance_url) return { url: normal(a.instance_url), key: normal(a.instance_url) };
  const url = normal(instance.login_url);
  if ((a.method === 'jwt' || a.method === 'password') && a.username) return { url, key: `${url} user ${a.username.trim().toLowerCase()}` };
  return { url, key: url };
}

/** The lock file of Case writes to one Salesforce org. */
export function caseLockPathFor(instance: SalesforceInstance, env: NodeJS.ProcessEnv = process.env): string {
  const org = salesforceOrg(instance);
  return lockFile(`salesforce-${org.url.replace(/^[a-z]+:\/\//, '').split('/')[0]}`, org.key, '.cases.lock', env);
}

/** The Salesforce instances whose orgs an apply of these syncs writes Cases to (each org once). */
export function caseOrgsWritten(config: Config, syncNames: readonly string[]): SalesforceInstance[] {
  const out = new Map<string, SalesforceInstance>();
  for (const name of syncNames) {
    const sync = config.syncs.find((s) => s.name === name);
    const instance = sync?.cases ? config.salesforce[sync.from] : undefined;
    if (instance) out.set(salesforceOrg(instance).key, instance);
  }
  return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, i]) => i);
}

/** The Zendesk instances an apply of these syncs writes to (each once, by URL). */
export function instancesWritten(config: Config, syncNames: readonly string[]): ZendeskInstance[] {
  const out = new Map<string, ZendeskInstance>();
  for (const name of syncNames) {
    const sync = config.syncs.find((s) => s.name === name);
    const instance = sync ? config.zendesk[sync.to] : undefined;
    if (instance) out.set(instance.url.replace(/\/+$/, '').toLowerCase(), instance);
  }
  return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, i]) => i);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.started_at === 'string') return h as LockHolder;
  } catch {
    // unreadable or half-written: treated as stale below
  }
  return undefined;
}

/** Why a holder is stale, or undefined when it may still be running. */
export function staleReason(holder: LockHolder | undefined, now: number, host = hostname()): string | undefined {
  if (!holder) return 'the lock file is unreadable';
  if (holder.host === host && !alive(holder.pid)) return `process ${holder.pid} is no longer running`;
  const age = now - Date.parse(holder.started_at);
  if (Number.isFinite(age) && age > STALE_AFTER_MS) return `it was taken ${Math.round(age / 3600_000)} hours ago`;
  return undefined;
}

export interface LockOptions {
  logger?: Logger;
  command?: string;
  now?: () => number;
  /** what the lock guards, for the refusal ("Zendesk instance global (https://…)") */
  subject?: string;
  instance?: string;
  config?: string;
}

export function acquireApplyLock(path: string, options: LockOptions = {}): ApplyLock {
  const now = options.now ?? Date.now;
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    started_at: new Date(now()).toISOString(),
    ...(options.command ? { command: options.command } : {}),
    ...(options.instance ? { instance: options.instance } : {}),
    ...(options.config ? { config: options.config } : {}),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && attempt === 0) {
        mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
        continue;
      }
      if (code !== 'EEXIST') throw new ZdsfError(`Cannot create the apply lock ${path}: ${code ?? String(err)}. Set ZDSF_LOCK_DIR to a writable directory.`, 'lock');
      const holder = readHolder(path);
      const stale = staleReason(holder, now());
      if (!stale) {
        throw new ZdsfError(
          `Another apply is running against ${options.subject ?? 'this target'}: ${path} is held by pid ${holder!.pid} on ${holder!.host} since ${holder!.started_at}` +
            `${holder!.config ? ` (config ${holder!.config})` : ''}. ` +
            'Nothing was written. Wait for it to finish and run apply again (it skips what is done); if that apply is gone, remove the lock file.',
          'locked',
        );
      }
      options.logger?.warn(`Taking over the apply lock ${path}: ${stale}${holder ? ` (pid ${holder.pid} on ${holder.host} since ${holder.started_at})` : ''}.`);
      try {
        unlinkSync(path);
      } catch {
        // another apply took it over first: try again
      }
      continue;
    }
    writeSync(fd, `${JSON.stringify(me)}\n`);
    closeSync(fd);
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      process.off('exit', release);
      try {
        if (readHolder(path)?.pid === me.pid) unlinkSync(path);
      } catch {
        // already gone
      }
    };
    process.on('exit', release);
    return { path, release };
  }
  throw new ZdsfError(`Cannot take the apply lock ${path}: other applies keep taking it.`, 'locked');
}

/**
 * Takes the lock of every Zendesk instance an apply writes to (in URL order), then that of every Salesforce org it
 * writes Cases to (`caseOrgs`), all or none: a refusal releases the ones already taken. `release` frees them all.
 */
export function acquireInstanceLocks(
  instances: readonly ZendeskInstance[],
  options: Omit<LockOptions, 'subject' | 'instance'> & { env?: NodeJS.ProcessEnv; caseOrgs?: readonly SalesforceInstance[] } = {},
): ApplyLock {
  const held: ApplyLock[] = [];
  try {
    for (const i of instances) {
      held.push(acquireApplyLock(lockPathFor(i.url, options.env), { ...options, subject: `Zendesk instance ${i.name} (${i.url})`, instance: i.url }));
    }
    for (const sf of options.caseOrgs ?? []) {
      const { url } = salesforceOrg(sf);
      held.push(acquireApplyLock(caseLockPathFor(sf, options.env), { ...options, subject: `Salesforce instance ${sf.name} (Case writes to ${url})`, instance: url }));
    }
  } catch (err) {
    for (const l of held) l.release();
    throw err;
  }
  return {
    path: held.map((l) => l.path).join(', '),
    release: () => {
      for (const l of held) l.release();
    },
  };
}
