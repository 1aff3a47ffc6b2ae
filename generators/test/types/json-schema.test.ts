// json-schema-to-typescript requires prettier's CommonJS entry, whose load-time dynamic import()
// Jest's sandbox rejects; formatting goes through prettier/standalone, so a stub is enough.
jest.mock('prettier', () => ({}));

import { jsonSchemaToTypeScript } from '@dynamic-capital/contracts-generators';
import { typeCheck } from './compile';

const DEFS_ID = 'https://example.test/shared/defs.schema.json';
const defs = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: DEFS_ID,
  $defs: {
    Uuid: { title: 'Unique identifier', type: 'string', description: 'A UUID.' },
    Millis: { title: 'Unique identifier', type: 'integer', description: 'Epoch milliseconds.' },
    Pair: { type: 'object', properties: { at: { $ref: '#/$defs/Millis' } }, required: ['at'], additionalProperties: false },
  },
};
const refs = new Map<string, unknown>([[DEFS_ID, defs]]);

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://example.test/x/event.thing.v1.schema.json',
  title: 'x.event.thing.v1',
  description: 'A thing.',
  type: 'object',
  properties,
  required: Object.keys(properties),
  ...extra,
});

/** Declarations without comments, whitespace collapsed: easy to compare. */
const code = (text: string): string =>
  text
    .replace(/\/\*\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .trim();

describe('jsonSchemaToTypeScript', () => {
  it('closes objects with additionalProperties false and opens them otherwise', async () => {
    const closed = await jsonSchemaToTypeScript(object({ a: { type: 'string' } }, { additionalProperties: false }), new Map(), { rootName: 'Closed' });
    expect(code(closed)).toBe('export interface Closed { a: string; }');
    const open = await jsonSchemaToTypeScript(object({ a: { type: 'string' } }, { additionalProperties: true }), new Map(), { rootName: 'Open' });
    expect(code(open)).toBe('export interface Open { a: string; [k: string]: unknown; }');
    const absent = await jsonSchemaToTypeScript(object({ a: { type: 'string' } }), new Map(), { rootName: 'Absent' });
    expect(code(absent)).toBe('export interface Absent { a: string; [k: string]: unknown; }');
    const map = await jsonSchemaToTypeScript(
      object({ m: { type: 'object', additionalProperties: { type: 'string' } } }, { additionalProperties: false }),
      new Map(),
      {
        rootName: 'WithMap',
      },
    );
    expect(code(map)).toBe('export interface WithMap { m: { [k: string]: string; }; }');
    // Typed additionalProperties beside declared properties would be TS2411: widened to unknown.
    const mixed = await jsonSchemaToTypeScript(object({ n: { type: 'number' } }, { additionalProperties: { type: 'string' } }), new Map(), {
      rootName: 'Mixed',
    });
    expect(code(mixed)).toBe('export interface Mixed { n: number; [k: string]: unknown; }');
  });

  it('resolves $refs from the references map, names them by definition key, keeps property docs', async () => {
    const text = await jsonSchemaToTypeScript(
      object(
        {
          id: { $ref: '../shared/defs.schema.json#/$defs/Uuid', description: 'Id of the thing.' },
          at: { $ref: '../shared/defs.schema.json#/$defs/Millis', minimum: 0, description: 'When.' },
          pair: { $ref: 'https://example.test/shared/defs.schema.json#/$defs/Pair', description: 'A pair.' },
          maybe: { oneOf: [{ $ref: '../shared/defs.schema.json#/$defs/Uuid' }, { type: 'null' }], description: 'Maybe an id.' },
        },
        { additionalProperties: false },
      ),
      refs,
      { rootName: 'Thing' },
    );
    expect(code(text)).toBe(
      'export interface Thing { id: Uuid; at: Millis; pair: Pair; maybe: Uuid | null; } export type Uuid = string; export type Millis = number; export interface Pair { at: Millis; }',
    );
    // The referencing property's description documents the property; the definition's its type.
    expect(text).toContain('/**\n   * Id of the thing.\n   */\n  id: Uuid;');
    expect(text).toContain('/**\n * A UUID.\n */\nexport type Uuid = string;');
    // Both definitions carry the same title: no `UniqueIdentifier`/`UniqueIdentifier1` types.
    expect(text).not.toContain('UniqueIdentifier');
    expect(typeCheck(new Map([['t.ts', text]]))).toEqual([]);
  });

  it('fails on a $ref it cannot resolve instead of fetching it', async () => {
    await expect(jsonSchemaToTypeScript(object({ id: { $ref: 'https://elsewhere.test/x.json#/$defs/A' } }), new Map(), { rootName: 'T' })).rejects.toThrow(
      'no document with that $id',
    );
    await expect(jsonSchemaToTypeScript(object({ id: { $ref: '#/$defs/Missing' } }), new Map(), { rootName: 'T' })).rejects.toThrow('does not resolve');
  });

  it('turns a discriminated oneOf into a union of complete branch types', async () => {
    const schema = object(
      {
        kind: { type: 'string', enum: ['A', 'B'], description: 'Discriminator.' },
        common: { type: 'string', description: 'Common.' },
        a_only: { type: 'integer', description: 'A only.' },
        b_only: { type: 'boolean', description: 'B only.' },
      },
      {
        required: ['kind', 'common'],
        additionalProperties: false,
        oneOf: [
          {
            title: 'Alpha',
            description: 'Variant A.',
            properties: { kind: { const: 'A' }, a_only: { description: 'Required with A.' }, b_only: { not: {} } },
            required: ['kind', 'a_only'],
            additionalProperties: true,
          },
          {
            properties: { kind: { const: 'B' }, b_only: {}, a_only: { not: {} } },
            required: ['kind', 'b_only'],
            additionalProperties: true,
          },
        ],
      },
    );
    const text = await jsonSchemaToTypeScript(schema, new Map(), { rootName: 'Cmd' });
    expect(code(text)).toBe(
      'export type Cmd = CmdAlpha | CmdB; ' +
        "export interface CmdAlpha { kind: 'A'; common: string; a_only: number; b_only?: never; } " +
        "export interface CmdB { kind: 'B'; common: string; a_only?: never; b_only: boolean; }",
    );
    expect(text).toContain('/**\n * A thing.\n */\nexport type Cmd = CmdAlpha | CmdB;');
    expect(text).toContain('/**\n   * A only.\n   */\n  a_only: number;'); // the root's description, not the branch's
    const diagnostics = typeCheck(
      new Map([
        ['cmd.ts', text],
        [
          'use.ts',
          [
            "import type { Cmd } from './cmd';",
            "export const ok: Cmd[] = [{ kind: 'A', common: 'c', a_only: 1 }, { kind: 'B', common: 'c', b_only: true }];",
            "export function narrow(c: Cmd): number { return c.kind === 'A' ? c.a_only : 0; }",
            "export const wrongMix: Cmd = { kind: 'A', common: 'c', a_only: 1, b_only: true };",
            "export const unknownField: Cmd = { kind: 'B', common: 'c', b_only: true, extra: 1 };",
          ].join('\n'),
        ],
      ]),
    );
    expect(diagnostics.map((d) => d.code)).toEqual([2322, 2353]);
  });

  it('drops if/then/else fragments instead of opening the object', async () => {
    const schema = object(
      { scope: { type: 'string', enum: ['X', 'Y'] }, target: { type: ['string', 'null'] } },
      {
        additionalProperties: false,
        allOf: [
          {
            if: { properties: { scope: { const: 'X' } }, required: ['scope'], additionalProperties: true },
            then: { properties: { target: { type: 'null' } }, additionalProperties: true },
            additionalProperties: true,
            description: 'X has no target.',
          },
        ],
      },
    );
    const text = await jsonSchemaToTypeScript(schema, new Map(), { rootName: 'Halt' });
    expect(code(text)).toBe("export interface Halt { scope: 'X' | 'Y'; target: string | null; }");
  });

  it('names nested titled schemas uniquely and documents them', async () => {
    const schema = object(
      {
        first: {
          title: 'Part',
          type: 'object',
          description: 'First part.',
          properties: { p: { type: 'string' } },
          required: ['p'],
          additionalProperties: false,
        },
        second: { title: 'Part', type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false },
        list: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
      },
      { additionalProperties: false },
    );
    const text = await jsonSchemaToTypeScript(schema, new Map(), { rootName: 'Whole' });
    expect(code(text)).toBe(
      'export interface Whole { first: Part; second: WholePart; list: string[]; } export interface Part { p: string; } export interface WholePart { q: string; }',
    );
  });

  it('is deterministic', async () => {
    const schema = object({ id: { $ref: '../shared/defs.schema.json#/$defs/Uuid' } }, { additionalProperties: false });
    const a = await jsonSchemaToTypeScript(schema, refs, { rootName: 'T' });
    await jsonSchemaToTypeScript(object({ other: { type: 'string' } }), new Map(), { rootName: 'Other' });
    const b = await jsonSchemaToTypeScript(JSON.parse(JSON.stringify(schema)), new Map(refs), { rootName: 'T' });
    expect(b).toBe(a);
    expect(schema).toEqual(object({ id: { $ref: '../shared/defs.schema.json#/$defs/Uuid' } }, { additionalProperties: false })); // input untouched
  });
});
