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
 * (`<name>Definition`) and typed producer/consumer factories. A policy-gated contract also gets a
 * guard per policy pack that gates it (pack.yaml `gates`), bound to the pack's decision entrypoint
 * (`<package>/decision`): the pack and entrypoint (`<name>GuardPack`, `<name>GuardEntrypoint`), the
 * input and decision types (`<Type>GuardInput`, `<Type>GuardDecision`), `create<Type>Guard(options)`
 * (a runtime PolicyGuard) and, on a topic of its own, `create<Type>GuardedProducer(options)`. Output
 * is deterministic: contracts and packages sorted by name, no timestamps.
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
import { referencedSchemas, type Contract, type ContractGraph, type PolicyPack } from '@dynamic-capital/contracts-model';
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

/** The guard of a policy-gated contract for one pack that gates it. */
interface SdkGuard {
  readonly pack: string;
  /** `<package>/decision`, as OPA names entrypoints. */
  readonly entrypoint: string;
  /** Between the contract's name and `Guard` in the exported names: '' for the only gating pack, else PascalCase(pack). */
  readonly infix: string;
}

function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The decision entrypoint of a pack: `<package>/decision` (or the only `.../decision` it lists). */
function decisionEntrypoint(contract: string, pack: PolicyPack): string {
  const preferred = pack.packageName === null ? undefined : `${pack.packageName.replace(/\./g, '/')}/decision`;
  if (preferred !== undefined && pack.entrypoints.includes(preferred)) return preferred;
  const decisions = pack.entrypoints.filter((e) => e.endsWith('/decision'));
  if (decisions.length === 1 && decisions[0] !== undefined) return decisions[0];
  throw new Error(
    `generateSdkPackages: ${contract} is gated by policy pack ${pack.name}, which lists no decision entrypoint ` +
      `(${preferred ?? '<package>/decision'} returning {allow, reasons}) in policies/${pack.name}/pack.yaml entrypoints`,
  );
}

/** The guards of a policy-gated contract: one per pack whose pack.yaml `gates` lists it, by pack name. */
function contractGuards(graph: ContractGraph, contract: Contract): SdkGuard[] {
  if (!contract.policyGated) return [];
  const packs = [...graph.policies.values()].filter((p) => p.gates.includes(contract.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (packs.length === 0) {
    throw new Error(
      `generateSdkPackages: ${contract.name} is policy_gated but no policy pack gates it; list it under gates in the pack.yaml of the pack that decides on it`,
    );
  }
  return packs.map((pack) => ({
    pack: pack.name,
    entrypoint: decisionEntrypoint(contract.name, pack),
    infix: packs.length === 1 ? '' : pascalCase(pack.name),
  }));
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
  /** Policy-gated: a guard per gating pack. */
  readonly guards: readonly SdkGuard[];
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
    guards: contractGuards(graph, contract),
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
  const anyGuard = contracts.some((c) => c.guards.length > 0);
  const anyGuardedProducer = contracts.some((c) => c.guards.length > 0 && c.onTopic);
  file.addStatements(
    `/**\n * ${sdkPackageName(domain)}: the typed SDK of the ${domain} domain's contracts.\n * Generated by \`contracts generate\` from schemas/: do not edit.\n */`,
  );
  const byName = (a: string, b: string): number => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);
  const valueImports = [
    ...(anyAvro ? ['avroIssues', 'buildAvroType'] : []),
    ...(anyJson ? ['compileJsonValidator'] : []),
    ...(anyOnTopic ? ['createConsumer', 'createProducer', 'defineContract'] : []),
    ...(anyGuard ? ['PolicyGuard', 'policyInputEncoder'] : []),
    ...(anyGuardedProducer ? ['createGuardedProducer'] : []),
  ].sort(byName);
  const typeImports = [
    ...(anyOnTopic ? ['ConsumerOptions', 'ContractConsumer', 'ContractDefinition', 'ContractProducer'] : []),
    'ContractSchema',
    ...(anyOnTopic ? ['ProducerOptions'] : []),
    'ValidationIssue',
    ...(anyGuard ? ['PolicyGuardOptions'] : []),
    ...(anyGuardedProducer ? ['GuardedProducer', 'GuardedProducerOptions'] : []),
  ].sort(byName);
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
    for (const guard of c.guards) addGuard(file, c, guard);
  }
  return file;
}

/** The guard exports of one policy-gated contract and one pack that gates it. */
function addGuard(file: SourceFile, c: SdkContract, guard: SdkGuard): void {
  const { typeName, prefix, contract } = c;
  const name = `${typeName}${guard.infix}Guard`;
  const constPrefix = `${prefix}${guard.infix}Guard`;
  const input = `${name}Input`;
  const decision = `${name}Decision`;
  const options = `${name}Options`;
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`Policy pack that gates ${contract.name} (its pack.yaml lists the contract under \`gates\`).`],
    declarations: [{ name: `${constPrefix}Pack`, initializer: literal(guard.pack) }],
  });
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`Entrypoint the ${guard.pack} guard of ${contract.name} evaluates: the pack's decision, \`{allow, reasons}\`.`],
    declarations: [{ name: `${constPrefix}Entrypoint`, initializer: literal(guard.entrypoint) }],
  });
  file.addTypeAlias({
    isExported: true,
    name: input,
    docs: [
      `Input of the ${guard.pack} guard of ${contract.name}: the candidate {@link ${typeName}} as \`intent\`, plus whatever else the pack reads ` +
        `(see policies/${guard.pack}; pack.yaml does not declare the input's shape, so only \`intent\` is typed). ` +
        `Avro decimals of \`intent\` (exact strings in {@link ${typeName}}) reach the policy as JSON numbers.`,
    ],
    type: `{ readonly intent: ${typeName} } & Readonly<Record<string, unknown>>`,
  });
  file.addInterface({
    isExported: true,
    name: decision,
    docs: [
      `Decision of ${guard.entrypoint}: \`allow\` is true only when \`reasons\` is empty; reasons are \`"CODE: detail"\` (branch on the code). ` +
        `A guard that cannot decide denies with a GUARD_* reason instead.`,
    ],
    properties: [
      { name: 'allow', type: 'boolean' },
      { name: 'reasons', type: 'string[]' },
    ],
  });
  file.addTypeAlias({
    isExported: true,
    name: options,
    docs: [`Options of {@link create${name}}: those of PolicyGuard.start, with the pack, the entrypoint and the input encoding fixed.`],
    type: `Omit<PolicyGuardOptions<${input}, ${decision}>, 'pack' | 'entrypoint' | 'encodeInput'>`,
  });
  file.addFunction({
    isExported: true,
    name: `create${name}`,
    docs: [
      `The guard of ${contract.name}: ${guard.entrypoint} evaluated on the signed bundles of \`options.source\` (verified with \`options.verification\`; ` +
        `a new revision is picked up without restart, a bad one rejected). Fails closed: denies on any error, timeout or malformed decision, ` +
        `and with GUARD_NO_POLICY until a verified bundle is active (see \`ready()\`). Every decision carries the deciding bundle's \`policyHash\`.`,
    ],
    parameters: [{ name: 'options', type: options }],
    returnType: `Promise<PolicyGuard<${input}, ${decision}>>`,
    statements: [
      `return PolicyGuard.start<${input}, ${decision}>({ ...options, pack: ${constPrefix}Pack, entrypoint: ${constPrefix}Entrypoint, encodeInput: policyInputEncoder({ intent: ${prefix}Schema }) });`,
    ],
  });
  if (!c.onTopic) return;
  file.addFunction({
    isExported: true,
    name: `create${typeName}${guard.infix}GuardedProducer`,
    docs: [
      `A producer of ${contract.name} that sends only what its ${guard.pack} guard allows: \`send(value, { policyInput, signature })\` throws ` +
        `PolicyDeniedError (nothing sent) on a deny, and sends an allowed value with the deciding bundle's hash as the envelope's policy_hash.`,
    ],
    typeParameters: ['Context'],
    parameters: [{ name: 'options', type: `GuardedProducerOptions<${typeName}, ${input}, ${decision}, Context>` }],
    returnType: `GuardedProducer<${typeName}, ${decision}, Context>`,
    statements: [`return createGuardedProducer(${prefix}Definition, options);`],
  });
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
    const guardRows = contracts.flatMap((c) =>
      c.guards.map((g) => ({
        contract: c.contract.name,
        pack: g.pack,
        entrypoint: g.entrypoint,
        create: `create${c.typeName}${g.infix}Guard`,
        producer: c.onTopic ? `create${c.typeName}${g.infix}GuardedProducer` : null,
        typeName: c.typeName,
      })),
    );
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
      guards: guardRows,
      guardExample: guardRows.find((g) => g.producer !== null) ?? null,
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
