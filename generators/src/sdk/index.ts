/**
 * The SDK generator: a pure function from the contract graph to the files of one npm package per
 * domain under `packages/sdk-<domain>/` (package.json and README.md from the handlebars templates
 * in `templates/sdk/`, `src/index.ts` built with ts-morph, `tsconfig.json`), every file formatted
 * with prettier so the committed packages pass `prettier --check`. Writing, diffing and `--check`
 * are the CLI's business (`contracts generate`).
 *
 * Per contract `src/index.ts` exports: its types (`contractTypes`; declarations two contracts of a
 * domain share are emitted once), the schema with its references (`<name>Schema`, a runtime
 * `ContractSchema`), the fingerprint of its canonical form (`<name>Fingerprint`, as recorded in
 * the compatibility lock), a validator (`validate<Type>`, `is<Type>`) and — for contracts carried
 * as the value of a topic of their own — the topic (`<name>Topic`), the runtime definition
 * (`<name>Definition`) and typed producer/consumer factories. Output is deterministic: contracts
 * and packages sorted by name, no timestamps.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import * as babel from 'prettier/plugins/babel';
import * as estree from 'prettier/plugins/estree';
import * as markdown from 'prettier/plugins/markdown';
import * as typescript from 'prettier/plugins/typescript';
import type { Options } from 'prettier';
import { format } from 'prettier/standalone';
import { IndentationText, Project, QuoteKind, VariableDeclarationKind, type SourceFile } from 'ts-morph';
import { fingerprint } from '@dynamic-capital/contracts-compat';
import { referencedSchemas, type Contract, type ContractGraph } from '@dynamic-capital/contracts-model';
import { contractTypeName, contractTypes } from '../types';

/** One file a generator produces: path relative to the repository root (forward slashes) and its text. */
export interface GeneratedFile {
  readonly path: string;
  readonly contents: string;
}

/** Version of every generated package and of the runtime it depends on. */
export const SDK_VERSION = '0.1.0';
export const RUNTIME_PACKAGE = '@dynamic-capital/contracts-runtime';
export const RUNTIME_VERSION = '0.1.0';

/** npm name of a domain's SDK package. */
export function sdkPackageName(domain: string): string {
  return `@dynamic-capital/contracts-sdk-${domain}`;
}

/** Directory (relative to the repository root) of a domain's SDK package. */
export function sdkPackageDir(domain: string): string {
  return `packages/sdk-${domain}`;
}

/**
 * The repository's prettier options (.prettierrc), fixed here so the generator stays pure.
 * Through `prettier/standalone` (no dynamic import, so it also runs under Jest; see json-schema.ts).
 */
const PRETTIER_OPTIONS: Options = { printWidth: 160, singleQuote: true, trailingComma: 'all', plugins: [babel, estree, markdown, typescript] };

const TEMPLATES_DIR = path.resolve(__dirname, '../../../templates/sdk');

let templates: { packageJson: HandlebarsTemplateDelegate; readme: HandlebarsTemplateDelegate } | undefined;
function loadTemplates(): NonNullable<typeof templates> {
  if (!templates) {
    const hb = Handlebars.create();
    const compile = (name: string): HandlebarsTemplateDelegate =>
      hb.compile(fs.readFileSync(path.join(TEMPLATES_DIR, name), 'utf8'), { noEscape: true, strict: true });
    templates = { packageJson: compile('package.json.hbs'), readme: compile('README.md.hbs') };
  }
  return templates;
}

function camelCase(pascal: string): string {
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/** A contract as the SDK exposes it. */
interface SdkContract {
  readonly contract: Contract;
  readonly typeName: string;
  readonly prefix: string;
  readonly fingerprint: string;
  readonly schema: unknown;
  readonly references: ReadonlyMap<string, unknown>;
  readonly types: string;
  /** Carried as the value of a topic of its own: gets a definition and producer/consumer factories. */
  readonly onTopic: boolean;
}

async function sdkContract(graph: ContractGraph, contract: Contract): Promise<SdkContract> {
  const schema = contract.schema;
  if (!schema) throw new Error(`generateSdkPackages: ${contract.name} has no parsed schema`);
  const references = referencedSchemas(graph, schema);
  const typeName = contractTypeName(contract.name);
  return {
    contract,
    typeName,
    prefix: camelCase(typeName),
    fingerprint: fingerprint(contract.format, { schema: schema.document.value, references }),
    schema: schema.document.value,
    references,
    types: await contractTypes(graph, contract),
    onTopic: contract.topic !== null && contract.carrier === 'value',
  };
}

/** The declarations of every contract's types, each name once (identical duplicates merged; a conflict throws). */
function mergedTypes(contracts: readonly SdkContract[], project: Project): string[] {
  const byName = new Map<string, { text: string; contract: string }>();
  const out: string[] = [];
  for (const c of contracts) {
    const file = project.createSourceFile(`types-${c.contract.name}.ts`, c.types, { overwrite: true });
    for (const statement of file.getStatements()) {
      const text = statement.getFullText().trim();
      const name = 'getName' in statement && typeof statement.getName === 'function' ? String(statement.getName()) : text;
      const seen = byName.get(name);
      if (seen) {
        if (seen.text !== text) throw new Error(`generateSdkPackages: ${c.contract.name} and ${seen.contract} both declare ${name}, differently`);
        continue;
      }
      byName.set(name, { text, contract: c.contract.name });
      out.push(text);
    }
    project.removeSourceFile(file);
  }
  return out;
}

function literal(value: unknown): string {
  return JSON.stringify(value);
}

function buildIndex(project: Project, domain: string, contracts: readonly SdkContract[]): SourceFile {
  const file = project.createSourceFile('index.ts', '', { overwrite: true });
  const anyOnTopic = contracts.some((c) => c.onTopic);
  const anyAvro = contracts.some((c) => c.contract.format === 'avro');
  const anyJson = contracts.some((c) => c.contract.format === 'json');
  file.addStatements(
    `/**\n * ${sdkPackageName(domain)}: the typed SDK of the ${domain} domain's contracts.\n * Generated by \`contracts generate\` from schemas/: do not edit.\n */`,
  );
  const valueImports = [
    ...(anyAvro ? ['avroIssues', 'buildAvroType'] : []),
    ...(anyJson ? ['compileJsonValidator'] : []),
    ...(anyOnTopic ? ['createConsumer', 'createProducer', 'defineContract'] : []),
  ];
  const typeImports = [
    ...(anyOnTopic ? ['ConsumerOptions', 'ContractConsumer', 'ContractDefinition', 'ContractProducer'] : []),
    'ContractSchema',
    ...(anyOnTopic ? ['ProducerOptions'] : []),
    'ValidationIssue',
  ];
  file.addImportDeclaration({
    moduleSpecifier: RUNTIME_PACKAGE,
    namedImports: [...valueImports.map((name) => ({ name })), ...typeImports.map((name) => ({ name, isTypeOnly: true }))],
  });
  file.addStatements(mergedTypes(contracts, project).join('\n\n'));

  for (const c of contracts) {
    const { typeName, prefix, contract } = c;
    file.addStatements(`\n// ${'-'.repeat(60)}\n// ${contract.name}`);
    if (c.onTopic) {
      file.addVariableStatement({
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        docs: [`Kafka topic of ${contract.name}.`],
        declarations: [{ name: `${prefix}Topic`, initializer: literal(contract.topic) }],
      });
    }
    file.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`\`sha256:<hex>\` of the canonical form of ${contract.name}'s schema with its references (as the compatibility lock records it).`],
      declarations: [{ name: `${prefix}Fingerprint`, initializer: literal(c.fingerprint) }],
    });
    const refs = [...c.references].map(([name, schema]) => `[${literal(name)}, ${literal(schema)}]`);
    file.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`The schema of ${contract.name} (${contract.file}) with every schema it references, by the name it is referenced with.`],
      declarations: [
        {
          name: `${prefix}Schema`,
          type: 'ContractSchema',
          initializer: `{ format: ${literal(contract.format === 'avro' ? 'AVRO' : 'JSON')}, schema: ${literal(c.schema)}, references: new Map<string, unknown>([${refs.join(', ')}]) }`,
        },
      ],
    });
    if (c.onTopic) {
      file.addVariableStatement({
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        docs: [`Runtime definition of ${contract.name}: topic, DLQ topic, subject, key field, policy gating.`],
        declarations: [
          {
            name: `${prefix}Definition`,
            type: 'ContractDefinition',
            initializer: `defineContract({ name: ${literal(contract.name)}, topic: ${prefix}Topic, schema: ${prefix}Schema, keyField: ${literal(contract.key)}, policyGated: ${literal(contract.policyGated)} })`,
          },
        ],
      });
    }
    file.addVariableStatement({
      declarationKind: VariableDeclarationKind.Let,
      declarations: [{ name: `${prefix}Validator`, type: '((value: unknown) => ValidationIssue[]) | undefined' }],
    });
    const compile =
      contract.format === 'avro'
        ? `{ const type = buildAvroType(${prefix}Schema.schema, ${prefix}Schema.references); ${prefix}Validator = (v) => avroIssues(type, v); }`
        : `${prefix}Validator = compileJsonValidator(${prefix}Schema.schema, ${prefix}Schema.references);`;
    file.addFunction({
      isExported: true,
      name: `validate${typeName}`,
      docs: [`Every failing path of \`value\` against ${contract.name}; empty when it is a valid {@link ${typeName}}. Compiled on first use.`],
      parameters: [{ name: 'value', type: 'unknown' }],
      returnType: 'readonly ValidationIssue[]',
      statements: [`if (${prefix}Validator === undefined) ${compile}`, `return ${prefix}Validator(value);`],
    });
    file.addFunction({
      isExported: true,
      name: `is${typeName}`,
      docs: [`True when \`value\` is a valid {@link ${typeName}} (${contract.name}).`],
      parameters: [{ name: 'value', type: 'unknown' }],
      returnType: `value is ${typeName}`,
      statements: [`return validate${typeName}(value).length === 0;`],
    });
    if (c.onTopic) {
      file.addFunction({
        isExported: true,
        name: `create${typeName}Producer`,
        docs: [`A producer of ${contract.name}: \`send\` takes a {@link ${typeName}}, validates it and sends it with the envelope headers.`],
        parameters: [{ name: 'options', type: 'ProducerOptions' }],
        returnType: `ContractProducer<${typeName}>`,
        statements: [`return createProducer<${typeName}>(${prefix}Definition, options);`],
      });
      file.addFunction({
        isExported: true,
        name: `create${typeName}Consumer`,
        docs: [`A consumer of ${contract.name}: the handler receives validated {@link ${typeName}} values.`],
        parameters: [{ name: 'options', type: `ConsumerOptions<${typeName}>` }],
        returnType: 'ContractConsumer',
        statements: [`return createConsumer<${typeName}>(${prefix}Definition, options);`],
      });
    }
  }
  return file;
}

function tsconfigText(): string {
  return JSON.stringify({
    extends: '../../tsconfig.base.json',
    compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
    include: ['src'],
    references: [{ path: '../runtime' }],
  });
}

/** Every file of every domain's SDK package, sorted by path. */
export async function generateSdkPackages(graph: ContractGraph): Promise<GeneratedFile[]> {
  const byDomain = new Map<string, Contract[]>();
  for (const contract of graph.contracts.values()) {
    if (!contract.schema) continue;
    const list = byDomain.get(contract.domain) ?? [];
    list.push(contract);
    byDomain.set(contract.domain, list);
  }
  const { packageJson, readme } = loadTemplates();
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single },
  });
  const files: GeneratedFile[] = [];
  for (const domain of [...byDomain.keys()].sort()) {
    const contracts: SdkContract[] = [];
    for (const contract of (byDomain.get(domain) ?? []).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
      contracts.push(await sdkContract(graph, contract));
    const dir = sdkPackageDir(domain);
    const packageName = sdkPackageName(domain);
    const firstOnTopic = contracts.find((c) => c.onTopic);
    const view = {
      packageName,
      domain,
      version: SDK_VERSION,
      runtimeVersion: RUNTIME_VERSION,
      contractList: contracts.map((c) => c.contract.name).join(', '),
      contracts: contracts.map((c) => ({
        name: c.contract.name,
        format: c.contract.format === 'avro' ? 'Avro' : 'JSON Schema',
        topic: c.onTopic ? c.contract.topic : null,
        typeName: c.typeName,
        fingerprint: c.fingerprint,
      })),
      example: firstOnTopic ? { create: `create${firstOnTopic.typeName}`, typeName: firstOnTopic.typeName } : null,
    };
    const index = buildIndex(project, domain, contracts);
    const indexText = index.getFullText();
    project.removeSourceFile(index);
    files.push(
      { path: `${dir}/README.md`, contents: await format(readme(view), { ...PRETTIER_OPTIONS, parser: 'markdown' }) },
      { path: `${dir}/package.json`, contents: await format(packageJson(view), { ...PRETTIER_OPTIONS, parser: 'json-stringify' }) },
      { path: `${dir}/src/index.ts`, contents: await format(indexText, { ...PRETTIER_OPTIONS, parser: 'typescript' }) },
      { path: `${dir}/tsconfig.json`, contents: await format(tsconfigText(), { ...PRETTIER_OPTIONS, parser: 'json' }) },
    );
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
