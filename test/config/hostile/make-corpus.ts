// The hostile corpus of issue 14: YAML bombs and odd files, built here (the large ones would bloat git).
// Each entry: file name, bytes, and the line its error must name.
const HEAD = 'version: 1\nsalesforce:\n  prod:\n    auth: { method: access_token, token: "${SF_ACCESS_TOKEN}" }\nzendesk:\n  main:\n    subdomain: example\n    auth: { method: oauth, token: "${ZD_TOKEN}" }\n';

export interface HostileFile {
  name: string;
  bytes: Buffer;
  /** the line the (first) error must be at */
  line: number;
  /** a piece of the message */
  message: RegExp;
}

function billionLaughs(levels: number): string {
  const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}

export function hostileCorpus(): HostileFile[] {
  const laughs = billionLaughs(9);
  const merges = ['m0: &m0 { k0: 0 }', ...Array.from({ length: 400 }, (_, i) => `m${i + 1}: &m${i + 1} { <<: *m${i}, k${i + 1}: ${i + 1} }`)].join('\n') + '\n';
  const manyKeys = `${HEAD}syncs:\n  s:\n    from: prod\n    to: main\n    organizations:\n      fields: { ${Array.from({ length: 20_000 }, (_, i) => `f${i}: F${i}`).join(', ')} }\n`;
  const manyTop = `${HEAD}${Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`).join('\n')}\n`;
  const deep = `${HEAD}syncs:\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(2 * (i + 1))}n${i}:`).join('\n')} x\n`;
  const deepBlock = `${HEAD}syncs:\n${Array.from({ length: 300 }, (_, i) => `${' '.repeat(2 * (i + 1))}n${i}:`).join('\n')} x\n`;
  const deepFlow = `${HEAD}syncs: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
  const seqBomb = `${HEAD}x: &x [${Array.from({ length: 50 }, () => '"y"').join(',')}]\nsyncs:\n${Array.from({ length: 5000 }, (_, i) => `  s${i}: *x`).join('\n')}\n`;
  const huge = `${HEAD}syncs:\n  s:\n    from: prod\n    to: main\n    organizations:\n      where: "${'Name != \'x\' AND '.repeat(400_000)}Id != null"\n`;
  const valid = `${HEAD}syncs:\n  s:\n    from: prod\n    to: main\n    organizations:\n      where: "Type = 'Customer'"\n`;
  return [
    { name: 'billion-laughs-9.yaml', bytes: Buffer.from(laughs), line: 0, message: /billion laughs/ },
    { name: 'merge-chain-400.yaml', bytes: Buffer.from(merges), line: 0, message: /merge keys/ },
    { name: 'keys-20000.yaml', bytes: Buffer.from(manyKeys), line: 14, message: /KiB/ },
    { name: 'top-keys-20000.yaml', bytes: Buffer.from(manyTop), line: 10001, message: /lines/ },
    { name: 'deep-nesting-2000.yaml', bytes: Buffer.from(deep), line: 0, message: /KiB/ },
    { name: 'deep-block-300.yaml', bytes: Buffer.from(deepBlock), line: 0, message: /./ },
    { name: 'deep-flow-5000.yaml', bytes: Buffer.from(deepFlow), line: 9, message: /nested too deeply/ },
    { name: 'alias-fanout.yaml', bytes: Buffer.from(seqBomb), line: 0, message: /aliases/ },
    { name: 'huge-where.yaml', bytes: Buffer.from(huge), line: 14, message: /KiB/ },
    { name: 'cr-only.yaml', bytes: Buffer.from(valid.replace(/\n/g, '\r')), line: 1, message: /CR/ },
    {
      name: 'invalid-utf8.yaml',
      bytes: Buffer.concat([Buffer.from(valid.slice(0, valid.indexOf('Customer') + 4)), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from("omer'\"\n")]),
      line: 14,
      message: /UTF-8.*offset/,
    },
    { name: 'utf16.yaml', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid, 'utf16le')]), line: 1, message: /UTF-16|UTF-8/ },
    { name: 'nul-bytes.yaml', bytes: Buffer.from(`${valid}\0\0\0`), line: 15, message: /NUL/ },
  ];
}
