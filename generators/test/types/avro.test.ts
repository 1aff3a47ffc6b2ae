import { avroToTypeScript } from '@dynamic-capital/contracts-generators';
import { typeCheck } from './compile';

const record = (fields: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'record',
  name: 'Thing',
  namespace: 'test.v1',
  fields,
  ...extra,
});

/** The line declaring `field` in the generated text. */
function fieldLine(text: string, field: string): string {
  const line = text.split('\n').find((l) => l.trimStart().startsWith(`${field}:`));
  if (line === undefined) throw new Error(`no field ${field} in\n${text}`);
  return line.trim();
}

describe('avroToTypeScript', () => {
  it('maps primitives and logical types', () => {
    const text = avroToTypeScript(
      record([
        { name: 'b', type: 'boolean' },
        { name: 'i', type: 'int' },
        { name: 'l', type: 'long' },
        { name: 'f', type: 'float' },
        { name: 'd', type: 'double' },
        { name: 's', type: 'string' },
        { name: 'by', type: 'bytes' },
        { name: 'n', type: 'null' },
        { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'tsu', type: { type: 'long', logicalType: 'timestamp-micros' } },
        { name: 'lts', type: { type: 'long', logicalType: 'local-timestamp-millis' } },
        { name: 'day', type: { type: 'int', logicalType: 'date' } },
        { name: 'dec', type: { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 8 } },
        { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
        { name: 'unknown_logical', type: { type: 'string', logicalType: 'not-a-logical-type' } },
        { name: 'misapplied', type: { type: 'string', logicalType: 'decimal' } },
      ]),
    );
    expect(
      ['b', 'i', 'l', 'f', 'd', 's', 'by', 'n', 'ts', 'tsu', 'lts', 'day', 'dec', 'id', 'unknown_logical', 'misapplied'].map((f) => fieldLine(text, f)),
    ).toEqual([
      'b: boolean;',
      'i: number;',
      'l: number;',
      'f: number;',
      'd: number;',
      's: string;',
      'by: Buffer;',
      'n: null;',
      'ts: number;',
      'tsu: number;',
      'lts: number;',
      'day: number;',
      'dec: string;',
      'id: string;',
      'unknown_logical: string;',
      'misapplied: string;',
    ]);
  });

  it('maps unions, optional fields, arrays and maps', () => {
    const text = avroToTypeScript(
      record([
        { name: 'opt', type: ['null', 'string'], default: null },
        { name: 'null_last', type: ['string', 'null'] },
        { name: 'multi', type: ['null', 'int', 'string'], default: null },
        { name: 'list', type: { type: 'array', items: 'string' }, default: [] },
        { name: 'opt_list', type: { type: 'array', items: ['null', 'double'] } },
        { name: 'dict', type: { type: 'map', values: 'long' } },
        { name: 'nested', type: { type: 'map', values: { type: 'array', items: 'boolean' } } },
      ]),
    );
    expect(fieldLine(text, 'opt')).toBe('opt: string | null;');
    expect(fieldLine(text, 'null_last')).toBe('null_last: string | null;');
    expect(fieldLine(text, 'multi')).toBe('multi: number | string | null;');
    expect(fieldLine(text, 'list')).toBe('list: string[];');
    expect(fieldLine(text, 'opt_list')).toBe('opt_list: (number | null)[];');
    expect(fieldLine(text, 'dict')).toBe('dict: { [key: string]: number };');
    expect(fieldLine(text, 'nested')).toBe('nested: { [key: string]: boolean[] };');
    // Fields with defaults stay required (readers always see them), with the default documented.
    expect(text).toContain('   * @defaultValue `null`\n   */\n  opt: string | null;');
    expect(text).toContain('@defaultValue `[]`');
    expect(avroToTypeScript(record([{ name: 'list', type: { type: 'array', items: 'string' } }]), new Map(), { readonlyArrays: true })).toContain(
      'list: readonly string[];',
    );
  });

  it('emits nested named types as their own declarations, in definition order, with docs', () => {
    const text = avroToTypeScript(
      record(
        [
          {
            name: 'child',
            doc: 'The child.',
            type: { type: 'record', name: 'child_record', doc: 'A child.', fields: [{ name: 'x', type: 'int', doc: 'X.' }] },
          },
          { name: 'colour', type: { type: 'enum', name: 'Colour', doc: 'A colour.', symbols: ['UNKNOWN', 'RED', 'GREEN'], default: 'UNKNOWN' } },
          { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 32 } },
          { name: 'money', type: { type: 'fixed', name: 'Money', size: 16, logicalType: 'decimal', precision: 30, scale: 2 } },
          { name: 'again', type: 'child_record' },
          { name: 'qualified', type: 'test.v1.Colour' },
        ],
        { doc: 'A thing. */ not closed' },
      ),
    );
    expect(text).toBe(
      [
        '/**',
        ' * A thing. *\\/ not closed',
        ' */',
        'export interface Thing {',
        '  /**',
        '   * The child.',
        '   */',
        '  child: ChildRecord;',
        '  colour: Colour;',
        '  hash: Hash;',
        '  money: Money;',
        '  again: ChildRecord;',
        '  qualified: Colour;',
        '}',
        '',
        '/**',
        ' * A child.',
        ' */',
        'export interface ChildRecord {',
        '  /**',
        '   * X.',
        '   */',
        '  x: number;',
        '}',
        '',
        '/**',
        ' * A colour.',
        ' */',
        "export type Colour = 'UNKNOWN' | 'RED' | 'GREEN';",
        '',
        'export type Hash = Buffer;',
        '',
        'export type Money = string;',
        '',
      ].join('\n'),
    );
  });

  it('emits referenced named types once, in order of first use, and resolves namespaces', () => {
    const references = new Map<string, unknown>([
      ['common.Side', { type: 'enum', name: 'Side', namespace: 'common', symbols: ['BUY', 'SELL'] }],
      ['common.Unused', { type: 'enum', name: 'Unused', namespace: 'common', symbols: ['A'] }],
      [
        'common.Instrument',
        { type: 'record', name: 'Instrument', namespace: 'common', fields: [{ name: 'side', type: 'Side' }] }, // short name, resolved in `common`
      ],
    ]);
    const text = avroToTypeScript(
      record([
        { name: 'instrument', type: 'common.Instrument' },
        { name: 'side', type: 'common.Side' },
        { name: 'other', type: ['null', 'common.Instrument'] },
      ]),
      references,
    );
    const declared = [...text.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]);
    expect(declared).toEqual(['Thing', 'Instrument', 'Side', 'Unused']);
    expect(fieldLine(text, 'other')).toBe('other: Instrument | null;');
  });

  it('qualifies names that clash across namespaces and avoids shadowing globals', () => {
    const text = avroToTypeScript(
      record([
        { name: 'a', type: { type: 'enum', name: 'Kind', namespace: 'a.v1', symbols: ['X'] } },
        { name: 'b', type: { type: 'enum', name: 'Kind', namespace: 'b.v1', symbols: ['Y'] } },
        { name: 'r', type: { type: 'record', name: 'Record', fields: [{ name: 'buf', type: 'bytes' }] } },
      ]),
    );
    expect(fieldLine(text, 'a')).toBe('a: AV1Kind;');
    expect(fieldLine(text, 'b')).toBe('b: BV1Kind;');
    expect(fieldLine(text, 'r')).toBe('r: RecordType;');
    expect(typeCheck(new Map([['t.ts', text]]))).toEqual([]);
  });

  it('handles recursive records and top-level non-record schemas', () => {
    const text = avroToTypeScript(record([{ name: 'children', type: { type: 'array', items: 'Thing' } }]));
    expect(fieldLine(text, 'children')).toBe('children: Thing[];');
    expect(avroToTypeScript(['null', 'string'], new Map(), { rootName: 'maybe_name' })).toBe('export type MaybeName = string | null;\n');
    expect(typeCheck(new Map([['t.ts', text]]))).toEqual([]);
  });

  it('rejects unknown type names', () => {
    expect(() => avroToTypeScript(record([{ name: 'x', type: 'nope.Missing' }]))).toThrow('unknown type nope.Missing');
  });

  it('is deterministic', () => {
    const schema = record([{ name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'B'] } }]);
    expect(avroToTypeScript(schema)).toBe(avroToTypeScript(JSON.parse(JSON.stringify(schema))));
  });
});
