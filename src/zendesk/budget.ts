// One request budget per Zendesk instance, shared by every request of a run (the reader's pages, apply's full
// read, the writer's bulk requests and job polls, node-zendesk's calls): pacing decisions are taken here, one
// at a time, so that concurrent callers never overrun the configured ceiling or the account's limit together.
//
// Two views are combined:
//  - our own sliding window: never more than the ceiling (max_requests_per_minute, or the limit Zendesk
//    reports, whichever is lower) sent in any 60 s; it alone guarantees that no minute exceeds the ceiling.
//  - what Zendesk says: `ratelimit-remaining` / `ratelimit-reset` (and the older `x-rate-limit-remaining`,
//    `rate-limit-remaining` / `rate-limit-reset` spellings), counted down locally at every send so that
//    requests in flight are not sent into an exhausted window; a 429's Retry-After pauses every caller.
import type { Logger } from '../model/ports.js';

export const WINDOW_MS = 60_000;
import { ASSUMED_LIMIT_PER_MINUTE, jobsInFlightAt } from '../util/job-cadence.js';
export { ASSUMED_LIMIT_PER_MINUTE, MAX_JOBS_IN_FLIGHT } from '../util/job-cadence.js';

export interface BudgetOptions {
  /** the configured max_requests_per_minute, if any */
  ceiling?: number | null;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
  /** for messages */
  name?: string;
}

/** The first number of a header among `names` (`100;w=60` structured fields: the leading number). */
export function headerNumber(headers: Headers, ...names: string[]): number | null {
  for (const name of names) {
    const raw = headers.get(name);
    if (raw === null) continue;
    const n = Number.parseFloat(raw.split(/[;,]/)[0]);
    if (Number.isFinite(n)) return n;
  }
  return null;
}

const LIMIT_HEADERS = ['x-rate-limit', 'ratelimit-limit', 'rate-limit', 'x-ratelimit-limit'];
const REMAINING_HEADERS = ['ratelimit-remaining', 'x-rate-limit-remaining', 'rate-limit-remaining', 'x-ratelimit-remaining'];
const RESET_HEADERS = ['ratelimit-reset', 'rate-limit-reset', 'x-rate-limit-reset', 'x-ratelimit-reset'];

export class RequestBudget {
  private readonly ceiling: number | null;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger?: Logger;
  private readonly name: string;
  /** send times inside the last window, oldest first from `head` (a queue without shift()) */
  private sent: number[] = [];
  private head = 0;
  private limit: number | null = null;
  /** requests left in Zendesk's window, as reported and counted down since */
  private remaining: number | null = null;
  private resetAt: number | null = null;
  /** a 429 / 503's Retry-After: nobody sends before this */
  private pausedUntil = 0;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private gate: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private count = 0;
  private throttled = 0;

  constructor(options: BudgetOptions = {}) {
    this.ceiling = options.ceiling && options.ceiling > 0 ? options.ceiling : null;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.logger = options.logger;
    this.name = options.name ?? 'zendesk';
  }

  /** requests sent (retries included) */
  get requestCount(): number {
    return this.count;
  }

  /** 429 answers received */
  get rateLimitedCount(): number {
    return this.throttled;
  }

  /** the account's per-minute limit as Zendesk reported it, once seen */
  get observedLimitPerMinute(): number | null {
    return this.limit;
  }

  /** the ceiling kept to: the configured one, or the account's limit, whichever is lower */
  get effectiveLimitPerMinute(): number | null {
    if (this.ceiling && this.limit) return Math.min(this.ceiling, this.limit);
    return this.ceiling ?? this.limit;
  }

  /**
   * Bulk jobs worth keeping in flight to use the budget: one per request a second of the budget (each job
   * is a request and a poll or two a second or so apart), at least 1, at most MAX_JOBS_IN_FLIGHT. Callers
   * that wait on jobs size their concurrency from it; the pacing itself stays here.
   */
  concurrency(): number {
    return jobsInFlightAt(this.effectiveLimitPerMinute);
  }

  /** Waits for a slot and takes it; call `settle` with the response's headers (or nothing on failure). */
  acquire(): Promise<void> {
    const next = this.gate.then(() => this.waitForSlot());
    this.gate = next.catch(() => undefined);
    return next;
  }

  /** A request ended: its headers (if any) update what Zendesk told us; a 429's Retry-After pauses everyone. */
  settle(headers?: Headers, status?: number, retryAfterMs?: number | null): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (status === 429) this.throttled++;
    const now = this.now();
    if (headers) {
      const limit = headerNumber(headers, ...LIMIT_HEADERS);
      if (limit !== null && limit > 0) this.limit = limit;
      const remaining = headerNumber(headers, ...REMAINING_HEADERS);
      const reset = headerNumber(headers, ...RESET_HEADERS);
      if (reset !== null) {
        // seconds until the reset; a few APIs send the epoch second of the reset instead
        this.resetAt = reset > 1_000_000_000 ? reset * 1000 : now + reset * 1000;
      }
      if (remaining !== null) {
        // requests still in flight were sent after this one was counted, or will be counted against this window
        this.remaining = Math.max(0, remaining - this.inFlight);
        if (reset === null && this.resetAt === null) this.resetAt = now + WINDOW_MS;
      }
    }
    if ((status === 429 || status === 503) && retryAfterMs !== undefined && retryAfterMs !== null) {
      // every caller waits, not only the one that was answered
      this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    }
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now < this.pausedUntil) {
        this.logger?.debug(`zendesk ${this.name}: Zendesk asked to wait, pausing ${this.pausedUntil - now} ms`);
        await this.sleep(this.pausedUntil - now);
        continue;
      }
      if (this.resetAt !== null && now >= this.resetAt) {
        // Zendesk's window has rolled over: what it said no longer holds until the next answer
        this.remaining = null;
        this.resetAt = null;
      }
      // 1. What Zendesk told us: nothing left -> wait for the reset; little left -> spread it over the window
      if (this.remaining !== null) {
        const limit = this.limit ?? ASSUMED_LIMIT_PER_MINUTE;
        const reserve = Math.max(2, Math.ceil(limit * 0.05));
        let wait = 0;
        if (this.remaining <= 0) wait = (this.resetAt ?? now + Math.ceil(WINDOW_MS / limit)) - now;
        else if (this.remaining <= reserve && this.resetAt !== null) {
          const interval = Math.ceil((this.resetAt - now) / (this.remaining + 1));
          wait = this.lastSentAt + interval - now;
        }
        if (wait > 0) {
          this.logger?.debug(`zendesk ${this.name}: ${this.remaining} requests left in this window, pausing ${wait} ms`);
          await this.sleep(wait);
          if (this.remaining <= 0 && this.resetAt === null) this.remaining = null;
          continue;
        }
      }
      // 2. Our own ceiling: never more than it in any 60 s window
      const ceiling = this.effectiveLimitPerMinute;
      if (ceiling) {
        while (this.head < this.sent.length && this.sent[this.head] <= now - WINDOW_MS) this.head++;
        if (this.head > 4096) {
          this.sent = this.sent.slice(this.head);
          this.head = 0;
        }
        if (this.sent.length - this.head >= ceiling) {
          await this.sleep(Math.max(1, this.sent[this.sent.length - ceiling] + WINDOW_MS - now));
          continue;
        }
      }
      break;
    }
    const at = this.now();
    this.sent.push(at);
    this.lastSentAt = at;
    if (this.remaining !== null) this.remaining--;
    this.inFlight++;
    this.count++;
  }
}

/** One budget (and so one transport) per Zendesk instance of a run, keyed by the instance's URL. */
export function budgetKey(instance: { url: string }): string {
  return instance.url.replace(/\/+$/, '').toLowerCase();
}
