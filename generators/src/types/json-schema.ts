/**
 * JSON Schema -> TypeScript declarations, through json-schema-to-typescript's `compile` after our
 * normalisation (`json-schema-normalize.ts`: bundled references named by definition key, closed
 * objects kept closed, discriminated `oneOf`s as unions of complete branch types).
 *
 * - `additionalProperties: false` -> no index signature; `true` or absent -> `[k: string]: unknown`;
 *   a schema -> `[k: string]: T` (or `unknown` beside declared properties, see the normaliser).
 * - `description` -> TSDoc on types and properties; `required` -> required properties, others `?`.
 * - `enum`/`const` -> literal unions; `["string", "null"]` / `oneOf [X, null]` -> `X | null`.
 * - `minItems`/`maxItems` are ignored (arrays are `T[]`, like Avro arrays).
 * - No network or file access: `$ref`s resolve only to the root and to `references` (by `$id`).
 * Output: the root type, then the definitions it uses in order of first use, formatted with
 * prettier in the repository's style. Deterministic: same input, byte-identical output.
 *
 * Under Jest: json-schema-to-typescript requires prettier's CommonJS entry, which runs a dynamic
 * `import()` on load that Jest's sandbox rejects (without --experimental-vm-modules). Test files
 * that call `jsonSchemaToTypeScript` stub it with `jest.mock('prettier', () => ({}))`; formatting
 * here goes through `prettier/standalone`, which has no dynamic import, so output is identical.
 */
import type * as Jstt from 'json-schema-to-typescript';
import * as estree from 'prettier/plugins/estree';
import * as typescript from 'prettier/plugins/typescript';
import { format } from 'prettier/standalone';
import { normalizeJsonSchema } from './json-schema-normalize';

export interface JsonSchemaToTypeScriptOptions {
  /** Name of the exported root type, e.g. `ControlIntent` (see `contractTypeName`). */
  readonly rootName: string;
}

/** The library's options: no banner, no formatting (done below), no $ref resolution left to do. */
const COMPILE_OPTIONS: Partial<Jstt.Options> = {
  bannerComment: '',
  additionalProperties: true,
  declareExternallyReferenced: true,
  unreachableDefinitions: false,
  ignoreMinAndMaxItems: true,
  strictIndexSignatures: false,
  unknownAny: true,
  enableConstEnums: false,
  inferStringEnumKeysFromValues: false,
  format: false,
  cwd: '/',
  // Every $ref was bundled away; refuse anything that would still reach for a file or URL.
  $refOptions: { resolve: { external: false, file: false, http: false } },
};

/** TypeScript declarations for a JSON Schema and the definitions it uses from `references` (keyed by absolute `$id`). */
export async function jsonSchemaToTypeScript(
  schema: unknown,
  references: ReadonlyMap<string, unknown>,
  options: JsonSchemaToTypeScriptOptions,
): Promise<string> {
  const { schema: root, definitions } = normalizeJsonSchema(schema, references, options.rootName);
  const { compile } = await import('json-schema-to-typescript');
  const parts: string[] = [];
  for (const [name, body] of [[options.rootName, root] as const, ...definitions]) {
    parts.push(await compile(body as Jstt.JSONSchema, name, COMPILE_OPTIONS));
  }
  const text = await format(parts.join('\n'), {
    parser: 'typescript',
    plugins: [estree, typescript],
    printWidth: 160,
    singleQuote: true,
    trailingComma: 'all',
  });
  // Every `tsType` name must be the name the library declared (it appends counters on clashes).
  for (const name of [options.rootName, ...definitions.map(([n]) => n)]) {
    if (!new RegExp(`^export (type|interface) ${name}\\b`, 'm').test(text)) {
      throw new Error(`jsonSchemaToTypeScript: json-schema-to-typescript did not declare ${name} under that name`);
    }
  }
  return text;
}
