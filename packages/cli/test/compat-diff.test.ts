import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './helpers';

function files(entries: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contracts-diff-'));
  for (const [name, value] of Object.entries(entries))
    fs.writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return dir;
}

const v1 = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] };
const v2 = {
  type: 'record',
  name: 'R',
  fields: [
    { name: 'a', type: 'long' },
    { name: 'b', type: 'string' },
  ],
};

describe('contracts compat diff', () => {
  it('defaults to BACKWARD and prints the documented JSON', async () => {
    const dir = files({ 'old.avsc': v1, 'new.avsc': v2 });
    const { code, stdout } = await runCli(['compat', 'diff', 'old.avsc', 'new.avsc', '--json'], dir);
    expect(JSON.parse(stdout)).toEqual({
      compatible: false,
      level: 'BACKWARD',
      incompatibilities: [{ rule: 'READER_FIELD_MISSING_DEFAULT_VALUE', oldPath: expect.any(String), newPath: '/fields/1', message: expect.any(String) }],
    });
    expect(code).toBe(1);
  });

  it('FORWARD: the promotion int -> long cannot be read back by the old reader', async () => {
    const dir = files({ 'old.avsc': v1, 'new.avsc': v2 });
    const { code, stdout } = await runCli(['compat', 'diff', 'old.avsc', 'new.avsc', '--level', 'FORWARD', '--json'], dir);
    const result = JSON.parse(stdout) as { compatible: boolean; incompatibilities: { rule: string }[] };
    expect(result.incompatibilities.map((i) => i.rule)).toEqual(['TYPE_MISMATCH']);
    expect(code).toBe(1);
  });

  it('NONE passes anything; a compatible pair exits 0', async () => {
    const dir = files({ 'old.avsc': v1, 'new.avsc': v2, 'same.avsc': v1 });
    expect((await runCli(['compat', 'diff', 'old.avsc', 'new.avsc', '--level', 'NONE'], dir)).code).toBe(0);
    const ok = await runCli(['compat', 'diff', 'old.avsc', 'same.avsc', '--level', 'FULL_TRANSITIVE'], dir);
    expect(ok.stdout).toContain('compatible (FULL_TRANSITIVE)');
    expect(ok.code).toBe(0);
  });

  it('JSON Schema pairs, with the policy', async () => {
    const a = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { s: { type: 'string', maxLength: 10 } },
      additionalProperties: false,
    };
    const b = { ...a, properties: { s: { type: 'string', maxLength: 5 } } };
    const dir = files({ 'old.schema.json': a, 'new.schema.json': b });
    const { code, stdout } = await runCli(['compat', 'diff', 'old.schema.json', 'new.schema.json', '--json'], dir);
    expect(JSON.parse(stdout)).toMatchObject({ compatible: false, incompatibilities: [{ rule: 'MAX_LENGTH_DECREASED', newPath: '/properties/s/maxLength' }] });
    expect(code).toBe(1);
    const lenient = await runCli(['compat', 'diff', 'old.schema.json', 'new.schema.json', '--policy', 'lenient'], dir);
    expect(lenient.stdout).toContain('lenient policy');
  });

  it('an invalid schema is an error naming the file, exit 2, never a verdict', async () => {
    const dir = files({ 'old.avsc': v1, 'bad.avsc': '{"type": "record", "name": "R", "fields": [{"name": "a", "type": "nope"}]}', 'broken.avsc': '{"type": ' });
    const bad = await runCli(['compat', 'diff', 'old.avsc', 'bad.avsc'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/bad\.avsc/);
    const broken = await runCli(['compat', 'diff', 'old.avsc', 'broken.avsc'], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.avsc:1:\d+: invalid schema/);
  });

  it('usage errors exit 2', async () => {
    const dir = files({ 'old.avsc': v1, 'new.schema.json': {} });
    expect((await runCli(['compat', 'diff', 'old.avsc', 'new.schema.json'], dir)).code).toBe(2);
    expect((await runCli(['compat', 'diff', 'old.avsc', 'old.avsc', '--level', 'SIDEWAYS'], dir)).stderr).toContain('--level SIDEWAYS');
    expect((await runCli(['compat', 'diff', 'old.avsc', 'missing.avsc'], dir)).code).toBe(2);
    expect((await runCli(['compat', '--format', 'xml'])).code).toBe(2);
  });
});
