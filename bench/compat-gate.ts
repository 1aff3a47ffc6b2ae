/**
 * The gate at scale: 1,000 contracts x 10 revisions at FULL_TRANSITIVE (each candidate checked
 * both ways against its 9 earlier revisions), for Avro and for JSON Schema, through the same
 * `checkLevel` the CLI uses. Target: under 2 s for the 10,000 Avro revisions.
 * Run: npx tsx bench/compat-gate.ts [--write]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkLevel, prepare, type PreparedSchema, type SchemaFormat } from '../packages/compat/src';

const CONTRACTS = 1000;
const REVISIONS = 10;

/** Revision r of contract c: a realistic record that gains one optional field per revision. */
function avroRevision(c: number, r: number): unknown {
  const fields: unknown[] = [
    { name: 'id', type: 'string', doc: 'Id.' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' }, doc: 'When.' },
    { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 8 }, doc: 'Price.' },
    { name: 'side', type: { type: 'enum', name: 'Side', symbols: ['UNKNOWN', 'BUY', 'SELL'], default: 'UNKNOWN' }, doc: 'Side.' },
    {
      name: 'legs',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Leg',
          fields: [
            { name: 'qty', type: 'double' },
            { name: 'venue', type: 'string' },
          ],
        },
      },
      doc: 'Legs.',
    },
    { name: 'tags', type: { type: 'map', values: 'string' }, doc: 'Tags.' },
  ];
  for (let i = 1; i < r; i++) fields.push({ name: `extra_${i}`, type: ['null', 'long'], default: null, doc: 'Added later.' });
  return { type: 'record', name: `Contract${c}Event`, namespace: 'dynamic_capital.bench.v1', doc: 'Bench.', fields };
}

function jsonRevision(c: number, r: number): unknown {
  const properties: Record<string, unknown> = {
    id: { type: 'string', maxLength: 64 },
    at: { type: 'integer', minimum: 0 },
    price: { type: 'number' },
    side: { enum: ['BUY', 'SELL'] },
    legs: { type: 'array', items: { type: 'object', properties: { qty: { type: 'number' } }, additionalProperties: false } },
  };
  for (let i = 1; i < r; i++) properties[`extra_${i}`] = { type: 'integer' };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://contracts.dynamic.capital/bench/c${c}.schema.json`,
    type: 'object',
    properties,
    required: ['id', 'at'],
    additionalProperties: true,
  };
}

function run(format: SchemaFormat, revision: (c: number, r: number) => unknown): { ms: number; incompatible: number } {
  const start = process.hrtime.bigint();
  let incompatible = 0;
  for (let c = 0; c < CONTRACTS; c++) {
    const history: PreparedSchema[] = [];
    for (let r = 1; r < REVISIONS; r++) history.push(prepare(format, { schema: revision(c, r) }));
    const result = checkLevel(prepare(format, { schema: revision(c, REVISIONS) }), history, 'FULL_TRANSITIVE');
    if (!result.compatible) incompatible++;
  }
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, incompatible };
}

run('avro', avroRevision); // warm-up
const avro = run('avro', avroRevision);
run('json', jsonRevision);
const json = run('json', jsonRevision);
const rows = [
  ['Avro', avro.ms.toFixed(0), String(avro.incompatible), avro.ms < 2000 ? 'met' : 'MISSED'],
  ['JSON Schema', json.ms.toFixed(0), String(json.incompatible), json.ms < 2000 ? 'met' : 'MISSED'],
];
const table = [
  '| format | ms for 1,000 contracts x 10 revisions (FULL_TRANSITIVE) | incompatible | target < 2,000 ms |',
  '| --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
console.log(table);
if (process.argv.includes('--write')) {
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  fs.writeFileSync(
    path.join(__dirname, 'compat-gate.results.md'),
    `# compat gate at scale\n\nRecorded ${date} on ${machine} with \`npx tsx bench/compat-gate.ts --write\`.\nEach candidate (revision 10) is checked both ways against revisions 1-9; prepare (parse/compile) time is included. Warm run after one warm-up pass.\n\n${table}\n\nExpected: 0 incompatible in the Avro set (optional fields with defaults). In the JSON set, adding properties to an open content model is forward-incompatible under Confluent's rules, so every contract fails FULL_TRANSITIVE, as the registry would.\n`,
  );
}
