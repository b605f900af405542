// Shared set-up of the GitLab end-to-end tests (issue 7): the sandbox loaded with fixtures/gitlab/seed.json,
// fixtures/gitlab/sync.yaml pointed at it, and the real Salesforce reader, Zendesk reader and writer.
import { join } from 'node:path';
import { loadConfigOrThrow } from '../../src/config/index.js';
import type { Config } from '../../src/model/config.js';
import type { Plan } from '../../src/model/plan.js';
import type { TargetWriter } from '../../src/model/ports.js';
import { createSalesforceReader } from '../../src/salesforce/reader.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createPlan } from '../../src/services/plan.js';
import { createZendeskReader } from '../../src/zendesk/reader.js';
import { createZendeskWriter } from '../../src/zendesk/writer.js';

export const GITLAB = join(import.meta.dirname, '..', '..', 'fixtures', 'gitlab');
export const GITLAB_CONFIG = join(GITLAB, 'sync.yaml');
export const GITLAB_SEED = join(GITLAB, 'seed.json');

/** Fast polling and backoff for the sandbox (its jobs complete in a step or two). */
export const FAST = { pollIntervalMs: 5, maxPollIntervalMs: 20, baseDelayMs: 5, maxDelayMs: 50 };

/** The environment that points fixtures/gitlab/sync.yaml at a sandbox (tokens: any value is accepted). */
export function gitlabEnv(sandbox: Sandbox, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    SF_LOGIN_URL: sandbox.salesforceUrl(),
    SF_ACCESS_TOKEN: 'sandbox-token',
    ZD_GLOBAL_URL: sandbox.zendeskUrl('global'),
    ZD_GLOBAL_API_TOKEN: 'sandbox-token',
    ZD_US_FEDERAL_URL: sandbox.zendeskUrl('us-federal'),
    ZD_US_FEDERAL_TOKEN: 'sandbox-token',
    ...overrides,
  };
}

export interface GitlabRun {
  sandbox: Sandbox;
  config: Config;
  plan(options?: { reportOrphans?: boolean }): Promise<Plan>;
  writerFor(syncName: string): TargetWriter;
}

/** Starts the sandbox with the GitLab seed and loads the GitLab config against it. Close `sandbox` when done. */
export async function startGitlab(overrides: Record<string, string> = {}): Promise<GitlabRun> {
  const sandbox = await startSandbox({ seed: GITLAB_SEED, port: 0 });
  try {
    const config = await loadConfigOrThrow({ file: GITLAB_CONFIG, env: gitlabEnv(sandbox, overrides) });
    const writers = new Map<string, TargetWriter>();
    return {
      sandbox,
      config,
      plan: (options = {}) =>
        createPlan({ config, reportOrphans: options.reportOrphans, source: createSalesforceReader(), target: createZendeskReader(FAST) }),
      writerFor: (syncName) => {
        const sync = config.syncs.find((s) => s.name === syncName);
        if (!sync) throw new Error(`no sync ${syncName}`);
        let w = writers.get(sync.to);
        if (!w) {
          w = createZendeskWriter(config.zendesk[sync.to], FAST);
          writers.set(sync.to, w);
        }
        return w;
      },
    };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}
