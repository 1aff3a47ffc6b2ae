import { analyzeAvro, avscError, type AvroAnalysis } from './avro';
import { closest, SourceText, type Diagnostic } from './diagnostics';
import { analyzeJsonSchema, SCHEMA_BASE_URI, type JsonSchemaAnalysis } from './json-schema';
import { parseJson, resolvePointer, type LocatedDocument } from './located';
import type { SchemaDocument, SchemaFormat, SchemaReference } from './model';

/** One schema file after parsing and analysis, before references are resolved. */
interface ParsedSchema {
  readonly file: string;
  readonly format: SchemaFormat;
  readonly document: LocatedDocument;
  readonly avro?: AvroAnalysis;
  readonly json?: JsonSchemaAnalysis;
}

export interface SchemaSet {
  /** Parsed schema files by root-relative path (files that did not parse are absent). */
  readonly documents: ReadonlyMap<string, SchemaDocument>;
  readonly avro: ReadonlyMap<string, AvroAnalysis>;
  readonly diagnostics: readonly Diagnostic[];
}

export function formatOfFile(file: string): SchemaFormat | undefined {
  if (file.endsWith('.avsc')) return 'avro';
  if (file.endsWith('.json')) return 'json';
  return undefined;
}

/**
 * Parse every schema file, resolve Avro named-type references (against schemas/shared/avro/)
 * and JSON Schema $refs (against every file's $id), detect reference cycles between files and
 * build Avro schemas with avsc. `texts` maps root-relative paths (under schemas/) to contents.
 */
export function loadSchemaFiles(texts: ReadonlyMap<string, string>): SchemaSet {
  const diagnostics: Diagnostic[] = [];
  const parsed = new Map<string, ParsedSchema>();
  for (const [file, text] of texts) {
    const format = formatOfFile(file);
    if (!format) continue;
    const result = parseJson(new SourceText(file, text));
    if (!result.ok) {
      diagnostics.push(result.diagnostic);
      continue;
    }
    const document = result.document;
    if (format === 'avro') {
      const avro = analyzeAvro(document);
      diagnostics.push(...avro.diagnostics);
      parsed.set(file, { file, format, document, avro });
    } else {
      const json = analyzeJsonSchema(document, file.replace(/^schemas\//, ''));
      diagnostics.push(...json.diagnostics);
      parsed.set(file, { file, format, document, json });
    }
  }

  // Where each Avro full name and each JSON Schema document URI is defined.
  const avroNames = new Map<string, string>();
  const jsonIds = new Map<string, string>();
  for (const p of parsed.values()) {
    for (const named of p.avro?.named ?? []) if (!avroNames.has(named.fullname)) avroNames.set(named.fullname, p.file);
    if (p.json) {
      jsonIds.set(stripHash(p.json.id), p.file);
      jsonIds.set(SCHEMA_BASE_URI + p.file.replace(/^schemas\//, ''), p.file);
    }
  }

  const edges = new Map<string, { file: string; name: string; pointer: string }[]>();
  for (const p of parsed.values()) {
    const out: { file: string; name: string; pointer: string }[] = [];
    const src = p.document.source;
    if (p.avro) {
      const local = new Set(p.avro.named.map((n) => n.fullname));
      for (const ref of p.avro.typeRefs) {
        if (local.has(ref.fullname)) continue;
        const target = avroNames.get(ref.fullname);
        if (target && target.startsWith('schemas/shared/')) {
          out.push({ file: target, name: ref.fullname, pointer: ref.pointer });
        } else {
          const guess = closest(ref.fullname, [...local, ...[...avroNames.keys()].filter((n) => avroNames.get(n)?.startsWith('schemas/shared/'))]);
          diagnostics.push(
            src.diagnostic(
              p.document.offsetOf(ref.pointer),
              'avro-unknown-type',
              `unknown Avro type "${ref.written}"${ref.written !== ref.fullname ? ` (resolved as "${ref.fullname}")` : ''}`,
              guess
                ? `Did you mean "${guess}"? Named types come from this file or schemas/shared/avro/<fullname>.avsc.`
                : `Use a primitive type, or define it in this file or in schemas/shared/avro/${ref.fullname}.avsc.`,
            ),
          );
        }
      }
    }
    if (p.json) {
      for (const ref of p.json.refs) {
        const base = stripHash(ref.target);
        const fragment = ref.target.includes('#') ? decodeURIComponent(ref.target.slice(ref.target.indexOf('#') + 1)) : '';
        const targetFile = base === stripHash(p.json.id) ? p.file : jsonIds.get(base);
        const target = targetFile ? parsed.get(targetFile) : undefined;
        if (!target || !target.json) {
          const guess = closest(base, jsonIds.keys());
          diagnostics.push(
            src.diagnostic(
              p.document.offsetOf(ref.pointer),
              'json-ref-dangling',
              `"$ref": "${ref.ref}" points to ${base}, which is no schema file`,
              guess
                ? `Did you mean ${relativeHint(guess)}? Refs resolve against this file's $id.`
                : "Point it at a file under schemas/ (relative to this file's $id).",
            ),
          );
          continue;
        }
        const found =
          fragment === '' ? true : fragment.startsWith('/') ? resolvePointer(target.document.value, fragment) !== undefined : target.json.anchors.has(fragment);
        if (!found) {
          diagnostics.push(
            src.diagnostic(
              p.document.offsetOf(ref.pointer),
              'json-ref-dangling',
              `"$ref": "${ref.ref}": "#${fragment}" does not exist in ${target.file}`,
              `Point it at an existing definition in ${target.file}.`,
            ),
          );
          continue;
        }
        if (target.file !== p.file) out.push({ file: target.file, name: target.json.id, pointer: ref.pointer });
      }
    }
    edges.set(p.file, out);
  }

  // A cycle between files cannot be registered (each reference must exist first).
  const cyclic = findCycleEdges(edges);
  for (const { from, edge } of cyclic) {
    const p = parsed.get(from);
    if (!p) continue;
    diagnostics.push(
      p.document.source.diagnostic(
        p.document.offsetOf(edge.pointer),
        'reference-cycle',
        `reference to ${edge.file} closes a cycle of schema references`,
        'Move the shared part into its own file that neither side references back.',
      ),
    );
  }

  const documents = new Map<string, SchemaDocument>();
  const avro = new Map<string, AvroAnalysis>();
  const broken = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  for (const p of parsed.values()) {
    const refs = edges.get(p.file) ?? [];
    const byFile = new Map<string, SchemaReference>();
    for (const r of refs) if (!byFile.has(r.file)) byFile.set(r.file, { name: r.name, file: r.file });
    const references = [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    if (p.avro) {
      avro.set(p.file, p.avro);
      if (!broken.has(p.file) && cyclic.length === 0) {
        const deps = dependencyOrder(p.file, edges).filter((f) => f !== p.file);
        if (!deps.some((f) => broken.has(f))) {
          const message = avscError(
            p.document.value,
            deps.map((f) => parsed.get(f)?.document.value),
          );
          if (message)
            diagnostics.push(
              p.document.source.diagnostic(
                0,
                'avro-schema',
                `invalid Avro schema: ${message}`,
                'Fix the schema so Avro can parse it (check defaults against their field types).',
              ),
            );
        }
      }
    }
    documents.set(p.file, {
      file: p.file,
      format: p.format,
      document: p.document,
      name: p.avro?.topName ?? p.json?.id ?? p.file,
      references,
      ...(p.json?.dialect ? { dialect: p.json.dialect } : {}),
    });
  }
  return { documents, avro, diagnostics };
}

function stripHash(uri: string): string {
  const i = uri.indexOf('#');
  return i < 0 ? uri : uri.slice(0, i);
}

function relativeHint(uri: string): string {
  return uri.startsWith(SCHEMA_BASE_URI) ? `schemas/${uri.slice(SCHEMA_BASE_URI.length)}` : uri;
}

/** Transitive dependencies of `file`, dependencies first (post-order). */
export function dependencyOrder(file: string, edges: ReadonlyMap<string, readonly { file: string }[]>): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const e of edges.get(f) ?? []) visit(e.file);
    order.push(f);
  };
  visit(file);
  return order;
}

/** Edges that close a cycle (back edges of a depth-first search), each reported once. */
function findCycleEdges<E extends { file: string }>(edges: ReadonlyMap<string, readonly E[]>): { from: string; edge: E }[] {
  const state = new Map<string, 'active' | 'done'>();
  const out: { from: string; edge: E }[] = [];
  const visit = (f: string): void => {
    state.set(f, 'active');
    for (const e of edges.get(f) ?? []) {
      const s = state.get(e.file);
      if (s === 'active') out.push({ from: f, edge: e });
      else if (s === undefined) visit(e.file);
    }
    state.set(f, 'done');
  };
  for (const f of [...edges.keys()].sort()) if (!state.has(f)) visit(f);
  return out;
}
