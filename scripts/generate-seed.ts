// npm run seed -- --accounts N --contacts M --out FILE [--seed S] [--steady [--config FILE]]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateSeed, writeSeed } from '../src/seedgen/generate.js';
import { steadySeed } from '../src/seedgen/steady.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const USAGE = `usage: npm run seed -- --accounts N --contacts M --out FILE [--seed S] [--steady [--config FILE]]

Writes a realistic, messy sandbox seed (Salesforce accounts, contacts, leads; the Zendesk side), the same for
the same --seed. Start the sandbox on it with: zdsf sandbox --seed FILE

  --accounts N   Salesforce accounts (default 30)
  --contacts M   Salesforce contacts (default 80)
  --out FILE     where to write the seed (JSON)
  --seed S       the generator's seed, a whole number (default 42)
  --steady       the Zendesk side as a completed first sync leaves it (a real plan + apply --allow-delete
                 --force of --config, in this process, against the sandbox): a full plan over it has no
                 changes (or only what fails on purpose; said on stderr). For benches of reruns. At 100k/500k
                 run it with: node --max-old-space-size=8192 dist/scripts/generate-seed.js ...
  --config FILE  with --steady: the sync.yaml applied (default fixtures/demo/sync.yaml)
  -h, --help     this help
`;
let parsed;
try {
  parsed = parseArgs({
    options: {
      accounts: { type: 'string', default: '30' },
      contacts: { type: 'string', default: '80' },
      out: { type: 'string' },
      seed: { type: 'string', default: '42' },
      steady: { type: 'boolean', default: false },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(1);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const accounts = Number(values.accounts);
const contacts = Number(values.contacts);
if (!values.out || !Number.isInteger(accounts) || accounts < 0 || !Number.isInteger(contacts) || contacts < 0) {
  process.stderr.write(USAGE);
  process.exit(1);
}
const started = Date.now();
let seed = generateSeed({ accounts, contacts, seed: Number(values.seed) });
if (values.steady) {
  const steady = await steadySeed(seed, { config: values.config ?? join(root, 'fixtures', 'demo', 'sync.yaml'), log: (line) => process.stderr.write(`${line}\n`) });
  seed = steady.seed;
  const r = steady.remaining;
  process.stderr.write(`steady seed: a full plan over it has ${r.create} to add, ${r.update} to change, ${r.delete} to destroy\n`);
}
await writeSeed(values.out, seed);
const sf = seed.salesforce ?? {};
const zd = seed.zendesk ?? {};
process.stderr.write(
  `Wrote ${values.out}: ${sf.Account?.length ?? 0} accounts, ${sf.Contact?.length ?? 0} contacts, ${sf.Lead?.length ?? 0} leads, ` +
    `${zd.organizations?.length ?? 0} Zendesk organizations, ${zd.users?.length ?? 0} users in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
