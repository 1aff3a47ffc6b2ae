import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AvroSchemaError,
  checkLevel,
  SchemaLoadError,
  LEVELS,
  prepare,
  type JsonPolicy,
  type Level,
  type PreparedSchema,
  type SchemaInput,
} from '@dynamic-capital/contracts-compat';
import {
  analyzeAvro,
  analyzeJsonSchema,
  findProjectRoot,
  loadProject,
  parseJson,
  RULES,
  SourceText,
  type ContractGraph,
  type Diagnostic,
} from '@dynamic-capital/contracts-model';
import { runGate } from '../compat/gate';
import { gitHistory, lockHistory, type HistorySource } from '../compat/history';
import { LockError, readLocks, type ContractLock } from '../compat/lock-store';
import { githubAnnotations, renderReport, type ReportFormat } from '../compat/reporters';
import { EXIT, UsageError, type CliIo, type ExitCode } from '../io';
import { registryHistory } from '../registry/history';
import { formatDiagnostics, summarize } from '../report';

/** Read the locks, turning a corrupted one into a usage/environment error (exit 2). */
export function readLocksOrFail(root: string): Map<string, ContractLock> {
  try {
    return readLocks(root);
  } catch (error) {
    if (error instanceof LockError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Load the project; when a file does not parse or a reference is broken, print the diagnostics and
 * return undefined (the caller exits 1). Lint findings are `validate`'s business, not the gate's.
 */
export function loadValidProject(io: CliIo, root: string, locks: ReadonlyMap<string, ContractLock>, what: string): ContractGraph | undefined {
  const { graph, diagnostics } = loadProject(root, { history: (c) => (locks.get(c)?.revisions ?? []).map((r) => r.schema) });
  const errors: Diagnostic[] = diagnostics.filter((d) => d.severity === 'error' && RULES[d.rule].category !== 'lint');
  if (errors.length === 0) return graph;
  io.stderr(formatDiagnostics(errors, root, io.color) + '\n');
  io.stderr(`${what}: the contracts do not validate (${summarize(errors)}); fix them first (contracts validate)\n`);
  return undefined;
}

export interface CompatCommandOptions {
  readonly root: string;
  readonly against: string;
  readonly format: ReportFormat;
  readonly output?: string;
}

export async function compat(io: CliIo, options: CompatCommandOptions): Promise<ExitCode> {
  const locks = readLocksOrFail(options.root);
  const isRegistry = options.against.startsWith('registry:') && options.against.length > 'registry:'.length;
  const isGit = options.against.startsWith('git:') && options.against.length > 'git:'.length;
  if (options.against !== 'lock' && !isGit && !isRegistry) throw new UsageError(`--against ${options.against}: expected lock, git:<ref> or registry:<url>`);
  const graph = loadValidProject(io, options.root, locks, 'compat');
  if (!graph) return EXIT.failed;
  let report;
  if (isRegistry) {
    const registry = await registryHistory(graph, options.against.slice('registry:'.length), io.env['CONTRACTS_REGISTRY_TOKEN']);
    report = await registry.confirm(runGate(graph, registry.source));
  } else {
    const history: HistorySource = isGit ? gitHistory(options.root, options.against.slice('git:'.length)) : lockHistory(locks);
    report = runGate(graph, history);
  }
  const rendered = renderReport(report, options.format, options.root, io.color && !options.output);
  if (options.output) {
    const target = path.resolve(io.cwd, options.output);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, rendered);
    io.stdout(
      `compat against ${report.against}: ${report.compatible ? 'compatible' : 'INCOMPATIBLE'}; ${options.format} report written to ${options.output}\n`,
    );
  } else {
    io.stdout(rendered);
  }
  if (io.env['GITHUB_ACTIONS'] === 'true') {
    const annotations = githubAnnotations(report);
    // Workflow commands are read from stdout and stderr; keep machine-readable stdout clean.
    if (options.format === 'text' || options.output) io.stdout(annotations);
    else io.stderr(annotations);
  }
  return report.compatible ? EXIT.ok : EXIT.failed;
}

export interface DiffOptions {
  readonly oldFile: string;
  readonly newFile: string;
  readonly level: string;
  readonly policy: string;
  readonly json: boolean;
}

function formatOf(file: string): 'avro' | 'json' {
  if (file.endsWith('.avsc')) return 'avro';
  if (file.endsWith('.json')) return 'json';
  throw new UsageError(`${file}: cannot tell the schema format; use .avsc for Avro or .json/.schema.json for JSON Schema`);
}

/** Parse a schema file given on the command line; anything invalid is a usage error naming file:line:col. */
function readSchemaFile(io: CliIo, file: string, format: 'avro' | 'json'): unknown {
  const absolute = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch {
    throw new UsageError(`${file}: no such file`);
  }
  const parsed = parseJson(new SourceText(file, text));
  if (!parsed.ok) throw new UsageError(`${file}:${parsed.diagnostic.line}:${parsed.diagnostic.column}: invalid schema: ${parsed.diagnostic.message}`);
  const problems = format === 'avro' ? analyzeAvro(parsed.document).diagnostics : analyzeJsonSchema(parsed.document, path.basename(file)).diagnostics;
  const first = problems.find((d) => d.severity === 'error');
  if (first) throw new UsageError(`${file}:${first.line}:${first.column}: invalid ${format === 'avro' ? 'Avro' : 'JSON'} schema: ${first.message}`);
  return parsed.document.value;
}

/** Named schemas of the enclosing project (shared types and contracts), so ad-hoc files can use references. */
function projectReferences(cwd: string, file: string): Map<string, unknown> {
  const root = findProjectRoot(path.dirname(path.resolve(cwd, file))) ?? findProjectRoot(cwd);
  const out = new Map<string, unknown>();
  if (!root) return out;
  const { graph } = loadProject(root);
  for (const doc of graph.shared.values()) out.set(doc.name, doc.document.value);
  for (const contract of graph.contracts.values()) if (contract.schema) out.set(contract.schema.name, contract.schema.document.value);
  return out;
}

export function compatDiff(io: CliIo, options: DiffOptions): ExitCode {
  const level = options.level.toUpperCase();
  if (!(LEVELS as readonly string[]).includes(level)) throw new UsageError(`--level ${options.level}: expected one of ${LEVELS.join(', ')}`);
  const policy = options.policy.toLowerCase();
  if (policy !== 'strict' && policy !== 'lenient') throw new UsageError(`--policy ${options.policy}: expected strict or lenient`);
  const format = formatOf(options.oldFile);
  if (formatOf(options.newFile) !== format) throw new UsageError(`${options.oldFile} and ${options.newFile} are not the same schema format`);
  const inputs: SchemaInput[] = [options.oldFile, options.newFile].map((file) => {
    const schema = readSchemaFile(io, file, format);
    const references = projectReferences(io.cwd, file);
    return { schema, references: new Map([...references].filter(([, value]) => value !== schema)) };
  });
  const [oldPrepared, newPrepared] = inputs.map((input, i): PreparedSchema => {
    const file = i === 0 ? options.oldFile : options.newFile;
    try {
      return prepare(format, input, i === 0 ? 'history' : 'candidate');
    } catch (error) {
      if (error instanceof AvroSchemaError) throw new UsageError(`${file}: invalid Avro schema at ${error.reference ?? ''}#${error.pointer}: ${error.message}`);
      throw error;
    }
  }) as [PreparedSchema, PreparedSchema];
  let result;
  try {
    result = checkLevel(newPrepared, [oldPrepared], level as Level, policy as JsonPolicy);
  } catch (error) {
    // JSON Schema documents are loaded lazily by the diff: an unresolvable $ref surfaces here.
    if (error instanceof SchemaLoadError) throw new UsageError(`${options.oldFile} or ${options.newFile}: invalid JSON Schema: ${error.message}`);
    throw error;
  }
  const incompatibilities = result.incompatibilities.map(({ rule, oldPath, newPath, message }) => ({ rule, oldPath, newPath, message }));
  if (options.json) {
    io.stdout(JSON.stringify({ compatible: result.compatible, level, incompatibilities }, null, 2) + '\n');
  } else {
    for (const i of incompatibilities) io.stdout(`${i.rule}: ${i.message} (old ${i.oldPath || '/'}, new ${i.newPath || '/'})\n`);
    io.stdout(`${result.compatible ? 'compatible' : 'INCOMPATIBLE'} (${level}${format === 'json' ? `, ${policy} policy` : ''})\n`);
  }
  return result.compatible ? EXIT.ok : EXIT.failed;
}
