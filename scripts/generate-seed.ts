// npm run seed -- --accounts N --contacts M --out FILE [--seed S]
import { parseArgs } from 'node:util';
import { generateSeed, writeSeed } from '../src/seedgen/generate.js';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '30' },
    contacts: { type: 'string', default: '80' },
    out: { type: 'string' },
    seed: { type: 'string', default: '42' },
  },
});
const accounts = Number(values.accounts);
const contacts = Number(values.contacts);
if (!values.out || !Number.isInteger(accounts) || accounts < 0 || !Number.isInteger(contacts) || contacts < 0) {
  process.stderr.write('usage: npm run seed -- --accounts N --contacts M --out FILE [--seed S]\n');
  process.exit(1);
}
const started = Date.now();
const seed = generateSeed({ accounts, contacts, seed: Number(values.seed) });
await writeSeed(values.out, seed);
const sf = seed.salesforce ?? {};
const zd = seed.zendesk ?? {};
process.stderr.write(
  `Wrote ${values.out}: ${sf.Account?.length ?? 0} accounts, ${sf.Contact?.length ?? 0} contacts, ${sf.Lead?.length ?? 0} leads, ` +
    `${zd.organizations?.length ?? 0} Zendesk organizations, ${zd.users?.length ?? 0} users in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
