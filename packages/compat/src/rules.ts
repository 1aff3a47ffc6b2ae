import { AVRO_RULES } from './avro/rules';
import { JSON_RULES } from './json/rules';
import type { CompatRule } from './types';

/** Every compatibility rule, Avro and JSON Schema, in one table: ID, format, doc, classification. */
export const COMPAT_RULES: readonly CompatRule[] = [...AVRO_RULES, ...JSON_RULES];

const byKey = new Map(COMPAT_RULES.map((r) => [`${r.format}:${r.id}`, r]));

export function compatRule(format: 'avro' | 'json', id: string): CompatRule | undefined {
  return byKey.get(`${format}:${id}`);
}
