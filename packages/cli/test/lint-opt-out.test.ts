import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES, runCli } from './helpers';

/** A copy of the valid fixture whose ping contract is renamed so it breaks `contract-name`, plus `extra` lines in its entry. */
function projectWith(extra: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contracts-optout-'));
  fs.cpSync(path.join(FIXTURES, 'valid'), dir, { recursive: true });
  const manifest = path.join(dir, 'schemas', 'contracts.yaml');
  const text = fs.readFileSync(manifest, 'utf8').replace('  demo.event.ping.v1:\n', `  demo.event.ping.v1:\n${extra}`);
  fs.writeFileSync(manifest, text);
  return dir;
}

describe('switching a lint rule off per contract', () => {
  it('a field without doc is reported, and not once the rule is switched off with a reason', async () => {
    const dir = projectWith('');
    const schema = path.join(dir, 'schemas/demo/event.ping.v1.avsc');
    fs.writeFileSync(schema, fs.readFileSync(schema, 'utf8').replace(', "doc": "Unique id of the ping (UUID)."', ''));
    const before = JSON.parse((await runCli(['--root', dir, 'validate', '--json'])).stdout) as { rule: string; line: number }[];
    expect(before).toEqual([expect.objectContaining({ rule: 'field-doc', line: 7 })]);

    const manifest = path.join(dir, 'schemas', 'contracts.yaml');
    const text = fs
      .readFileSync(manifest, 'utf8')
      .replace('    key: ping_id\n', '    key: ping_id\n    lint:\n      disable:\n        - rule: field-doc\n          reason: fixture\n');
    fs.writeFileSync(manifest, text);
    const after = await runCli(['--root', dir, 'validate', '--json']);
    expect(JSON.parse(after.stdout)).toEqual([]);
    expect(after.code).toBe(0);
  });

  it('an opt-out without a reason is an error at the rule', async () => {
    const dir = projectWith('    lint:\n      disable:\n        - rule: field-doc\n          reason: " "\n');
    const { code, stdout } = await runCli(['--root', dir, 'validate', '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({ rule: 'contracts-yaml', line: 9, column: 19, message: 'switching off "field-doc" needs a reason' }),
    ]);
  });

  it('only lint rules can be switched off', async () => {
    const dir = projectWith('    lint:\n      disable:\n        - rule: json-syntax\n          reason: no\n');
    const { stdout } = await runCli(['--root', dir, 'validate', '--json']);
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({ rule: 'contracts-yaml', line: 8, column: 17, message: '"json-syntax" is not a lint rule that can be switched off' }),
    ]);
  });

  it('an unknown key in an entry gets a did-you-mean hint', async () => {
    const dir = projectWith('    compatibilty: FULL\n');
    const { stdout } = await runCli(['--root', dir, 'validate', '--json']);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ rule: 'contracts-yaml', line: 6, column: 5, hint: 'Did you mean "compatibility"?' })]);
  });
});
