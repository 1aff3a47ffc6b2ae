/**
 * Confluent Schema Registry's JSON Schema difference types (io.confluent...json.diff.Difference.Type) with their
 * classification. `compatible` is the STRICT (default) policy; LENIENT accepts JSON_LENIENT_EXTRA_COMPATIBLE too.
 */
import type { CompatRule } from '../types';
import type { JsonPolicy } from './types';

type Entry = readonly [id: string, compatible: boolean, doc: string];

// Order follows Confluent's enum. Entries marked "(inferred)" are newer types whose classification is not in the
// sources we could read; they follow the analogous additionalProperties/additionalItems rule.
const ENTRIES: readonly Entry[] = [
  ['ID_CHANGED', true, 'The schema $id changed (draft-07 and older; 2020-12 ids are not compared).'],
  ['DESCRIPTION_CHANGED', true, 'The description changed.'],
  ['TITLE_CHANGED', true, 'The title changed.'],
  ['DEFAULT_CHANGED', true, 'The default value changed.'],
  ['SCHEMA_ADDED', false, 'A subschema (e.g. items) was added where there was none.'],
  ['SCHEMA_REMOVED', true, 'A subschema (e.g. items) was removed.'],
  ['TYPE_EXTENDED', true, 'integer became number.'],
  ['TYPE_NARROWED', false, 'number became integer.'],
  ['TYPE_CHANGED', false, 'The kind of schema changed (e.g. string to object).'],

  ['MAX_LENGTH_ADDED', false, 'maxLength was added.'],
  ['MAX_LENGTH_REMOVED', true, 'maxLength was removed.'],
  ['MAX_LENGTH_INCREASED', true, 'maxLength increased.'],
  ['MAX_LENGTH_DECREASED', false, 'maxLength decreased.'],
  ['MIN_LENGTH_ADDED', false, 'minLength was added.'],
  ['MIN_LENGTH_REMOVED', true, 'minLength was removed.'],
  ['MIN_LENGTH_INCREASED', false, 'minLength increased.'],
  ['MIN_LENGTH_DECREASED', true, 'minLength decreased.'],
  ['PATTERN_ADDED', false, 'pattern was added.'],
  ['PATTERN_REMOVED', true, 'pattern was removed.'],
  ['PATTERN_CHANGED', false, 'pattern changed.'],

  ['MAXIMUM_ADDED', false, 'maximum was added.'],
  ['MAXIMUM_REMOVED', true, 'maximum was removed.'],
  ['MAXIMUM_INCREASED', true, 'maximum increased.'],
  ['MAXIMUM_DECREASED', false, 'maximum decreased.'],
  ['MINIMUM_ADDED', false, 'minimum was added.'],
  ['MINIMUM_REMOVED', true, 'minimum was removed.'],
  ['MINIMUM_INCREASED', false, 'minimum increased.'],
  ['MINIMUM_DECREASED', true, 'minimum decreased.'],
  ['EXCLUSIVE_MAXIMUM_ADDED', false, 'exclusiveMaximum was added.'],
  ['EXCLUSIVE_MAXIMUM_REMOVED', true, 'exclusiveMaximum was removed.'],
  ['EXCLUSIVE_MAXIMUM_INCREASED', true, 'exclusiveMaximum increased.'],
  ['EXCLUSIVE_MAXIMUM_DECREASED', false, 'exclusiveMaximum decreased.'],
  ['EXCLUSIVE_MINIMUM_ADDED', false, 'exclusiveMinimum was added.'],
  ['EXCLUSIVE_MINIMUM_REMOVED', true, 'exclusiveMinimum was removed.'],
  ['EXCLUSIVE_MINIMUM_INCREASED', false, 'exclusiveMinimum increased.'],
  ['EXCLUSIVE_MINIMUM_DECREASED', true, 'exclusiveMinimum decreased.'],
  ['MULTIPLE_OF_ADDED', false, 'multipleOf was added.'],
  ['MULTIPLE_OF_REMOVED', true, 'multipleOf was removed.'],
  ['MULTIPLE_OF_EXPANDED', false, 'multipleOf became a multiple of its old value.'],
  ['MULTIPLE_OF_REDUCED', true, 'multipleOf became a divisor of its old value.'],
  ['MULTIPLE_OF_CHANGED', false, 'multipleOf changed to an unrelated value.'],

  ['REQUIRED_ATTRIBUTE_ADDED', false, 'An existing property became required.'],
  ['REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED', true, 'An existing property with a default became required.'],
  ['REQUIRED_ATTRIBUTE_REMOVED', true, 'A property is no longer required.'],
  ['MAX_PROPERTIES_ADDED', false, 'maxProperties was added.'],
  ['MAX_PROPERTIES_REMOVED', true, 'maxProperties was removed.'],
  ['MAX_PROPERTIES_INCREASED', true, 'maxProperties increased.'],
  ['MAX_PROPERTIES_DECREASED', false, 'maxProperties decreased.'],
  ['MIN_PROPERTIES_ADDED', false, 'minProperties was added.'],
  ['MIN_PROPERTIES_REMOVED', true, 'minProperties was removed.'],
  ['MIN_PROPERTIES_INCREASED', false, 'minProperties increased.'],
  ['MIN_PROPERTIES_DECREASED', true, 'minProperties decreased.'],
  ['ADDITIONAL_PROPERTIES_ADDED', true, 'additionalProperties went from false to allowed.'],
  ['ADDITIONAL_PROPERTIES_REMOVED', false, 'additionalProperties became false (compatible under LENIENT).'],
  ['ADDITIONAL_PROPERTIES_EXTENDED', true, 'The additionalProperties schema was dropped, allowing anything.'],
  ['ADDITIONAL_PROPERTIES_NARROWED', false, 'An additionalProperties schema was added (compatible under LENIENT).'],
  ['DEPENDENCY_ARRAY_ADDED', false, 'A property dependency (dependencies/dependentRequired array) was added.'],
  ['DEPENDENCY_ARRAY_REMOVED', true, 'A property dependency was removed.'],
  ['DEPENDENCY_ARRAY_EXTENDED', false, 'A property dependency lists more properties.'],
  ['DEPENDENCY_ARRAY_NARROWED', true, 'A property dependency lists fewer properties.'],
  ['DEPENDENCY_ARRAY_CHANGED', false, 'A property dependency lists different properties.'],
  ['DEPENDENCY_SCHEMA_ADDED', false, 'A schema dependency (dependencies/dependentSchemas) was added.'],
  ['DEPENDENCY_SCHEMA_REMOVED', true, 'A schema dependency was removed.'],
  ['PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', false, 'Deprecated by Confluent (split into OPTIONAL_/REQUIRED_...); never produced.'],
  ['REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', false, 'A required property was added to an open content model.'],
  [
    'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL',
    false,
    'A required property with a default was added to an open content model (compatible under LENIENT, inferred).',
  ],
  ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', false, 'An optional property was added to an open content model (compatible under LENIENT).'],
  ['PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', true, 'A property with an empty (true) schema was added to an open content model.'],
  ['REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', false, 'A required property was added to a closed or partially open content model.'],
  [
    'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL',
    true,
    'A required property with a default was added to a closed or partially open content model.',
  ],
  ['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', true, 'An optional property was added to a closed or partially open content model.'],
  ['PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', true, 'A property was removed and the new content model is open.'],
  ['PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', true, 'A property whose schema was false was removed from a closed content model.'],
  ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', false, 'A property was removed from a closed content model.'],
  [
    'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    true,
    'A removed property is still accepted by patternProperties/additionalProperties/unevaluatedProperties.',
  ],
  [
    'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    false,
    'A removed property is not accepted by the partially open content model (compatible under LENIENT).',
  ],
  [
    'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    true,
    'An added property was already accepted by the old patternProperties/additionalProperties/unevaluatedProperties.',
  ],
  [
    'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    false,
    'An added property narrows what the old partially open content model accepted (compatible under LENIENT).',
  ],
  ['RESERVED_PROPERTY_REMOVED', false, 'A reserved property was removed from registry metadata (needs metadata; never produced here).'],
  [
    'RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY',
    false,
    'A property conflicts with a reserved property in registry metadata (needs metadata; never produced here).',
  ],
  ['UNEVALUATED_PROPERTIES_ADDED', true, 'unevaluatedProperties went from false to allowed (inferred).'],
  ['UNEVALUATED_PROPERTIES_REMOVED', false, 'unevaluatedProperties became false (compatible under LENIENT, inferred).'],
  ['UNEVALUATED_PROPERTIES_EXTENDED', true, 'The unevaluatedProperties schema was dropped or became true (inferred).'],
  ['UNEVALUATED_PROPERTIES_NARROWED', false, 'An unevaluatedProperties schema was added (compatible under LENIENT, inferred).'],

  ['MAX_ITEMS_ADDED', false, 'maxItems was added.'],
  ['MAX_ITEMS_REMOVED', true, 'maxItems was removed.'],
  ['MAX_ITEMS_INCREASED', true, 'maxItems increased.'],
  ['MAX_ITEMS_DECREASED', false, 'maxItems decreased.'],
  ['MIN_ITEMS_ADDED', false, 'minItems was added.'],
  ['MIN_ITEMS_REMOVED', true, 'minItems was removed.'],
  ['MIN_ITEMS_INCREASED', false, 'minItems increased.'],
  ['MIN_ITEMS_DECREASED', true, 'minItems decreased.'],
  ['MAX_CONTAINS_ADDED', false, 'maxContains was added.'],
  ['MAX_CONTAINS_REMOVED', true, 'maxContains was removed (inferred).'],
  ['MAX_CONTAINS_INCREASED', true, 'maxContains increased (inferred).'],
  ['MAX_CONTAINS_DECREASED', false, 'maxContains decreased.'],
  ['MIN_CONTAINS_ADDED', false, 'minContains was added.'],
  ['MIN_CONTAINS_REMOVED', true, 'minContains was removed (inferred).'],
  ['MIN_CONTAINS_INCREASED', false, 'minContains increased.'],
  ['MIN_CONTAINS_DECREASED', true, 'minContains decreased.'],
  ['UNIQUE_ITEMS_ADDED', false, 'uniqueItems became true.'],
  ['UNIQUE_ITEMS_REMOVED', true, 'uniqueItems is no longer true.'],
  ['ADDITIONAL_ITEMS_ADDED', true, 'Additional items went from false to allowed (additionalItems, or items after prefixItems).'],
  ['ADDITIONAL_ITEMS_REMOVED', false, 'Additional items became false.'],
  ['ADDITIONAL_ITEMS_EXTENDED', true, 'The schema for additional items was dropped, allowing anything.'],
  ['ADDITIONAL_ITEMS_NARROWED', false, 'A schema for additional items was added.'],
  ['UNEVALUATED_ITEMS_ADDED', true, 'unevaluatedItems went from false to allowed (inferred).'],
  ['UNEVALUATED_ITEMS_REMOVED', false, 'unevaluatedItems became false.'],
  ['UNEVALUATED_ITEMS_EXTENDED', true, 'The unevaluatedItems schema was dropped or became true (inferred).'],
  ['UNEVALUATED_ITEMS_NARROWED', false, 'An unevaluatedItems schema was added.'],
  ['ITEM_ADDED_TO_OPEN_CONTENT_MODEL', false, 'A tuple item was added to an open array content model.'],
  ['ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', true, 'A tuple item with an empty (true) schema was added to an open content model.'],
  ['ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', true, 'A tuple item was added to a closed array content model.'],
  ['ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', true, 'A tuple item was removed and the new array content model is open.'],
  ['ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', true, 'A tuple item whose schema was false was removed from a closed content model.'],
  ['ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL', false, 'A tuple item was removed from a closed array content model.'],
  ['ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', true, 'A removed tuple item is still accepted by the additional-items schema.'],
  ['ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', false, 'A removed tuple item is not accepted by the additional-items schema.'],
  ['ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', true, 'An added tuple item was already accepted by the old additional-items schema.'],
  ['ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', false, 'An added tuple item narrows what the old additional-items schema accepted.'],

  ['ENUM_ARRAY_EXTENDED', true, 'enum gained values.'],
  ['ENUM_ARRAY_NARROWED', false, 'enum lost values.'],
  ['ENUM_ARRAY_CHANGED', false, 'enum values (or const) changed.'],

  ['COMBINED_TYPE_EXTENDED', true, 'The combination criterion was relaxed (e.g. oneOf to anyOf, or a singleton changed criterion).'],
  ['COMBINED_TYPE_CHANGED', false, 'The combination criterion changed incompatibly (e.g. anyOf to allOf).'],
  ['PRODUCT_TYPE_EXTENDED', false, 'allOf gained subschemas.'],
  ['PRODUCT_TYPE_NARROWED', true, 'allOf lost subschemas (or a constraint was dropped from an implicit allOf).'],
  ['SUM_TYPE_EXTENDED', true, 'oneOf/anyOf gained subschemas (or a schema became one branch of a union).'],
  ['SUM_TYPE_NARROWED', false, 'oneOf/anyOf lost subschemas.'],
  ['COMBINED_TYPE_SUBSCHEMAS_CHANGED', false, 'No compatible one-to-one match exists between the old and new subschemas.'],
  ['NOT_TYPE_EXTENDED', false, 'The not-schema now excludes more.'],
  ['NOT_TYPE_NARROWED', true, 'The not-schema now excludes less.'],
];

export const JSON_RULES: readonly CompatRule[] = ENTRIES.map(([id, compatible, doc]) => ({ id, format: 'json', compatible, doc }));

/** Difference types compatible under STRICT (Confluent's default policy). */
export const JSON_STRICT_COMPATIBLE: ReadonlySet<string> = new Set(ENTRIES.filter((e) => e[1]).map((e) => e[0]));

/** Types that only the LENIENT policy accepts: content-model changes that break exhaustive readers only. */
export const JSON_LENIENT_EXTRA_COMPATIBLE: ReadonlySet<string> = new Set([
  'ADDITIONAL_PROPERTIES_NARROWED',
  'ADDITIONAL_PROPERTIES_REMOVED',
  'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
  'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
  'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL',
  'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'UNEVALUATED_PROPERTIES_NARROWED',
  'UNEVALUATED_PROPERTIES_REMOVED',
]);

const LENIENT_COMPATIBLE: ReadonlySet<string> = new Set([...JSON_STRICT_COMPATIBLE, ...JSON_LENIENT_EXTRA_COMPATIBLE]);

/** The set of compatible difference types under a policy. */
export function compatibleChanges(policy: JsonPolicy = 'strict'): ReadonlySet<string> {
  return policy === 'lenient' ? LENIENT_COMPATIBLE : JSON_STRICT_COMPATIBLE;
}
