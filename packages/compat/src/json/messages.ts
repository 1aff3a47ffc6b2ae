/** One readable sentence per incompatible difference, in reader (new schema) / writer (old schema) terms. */

const KEYWORDS: Readonly<Record<string, string>> = {
  MAX_LENGTH: 'maxLength',
  MIN_LENGTH: 'minLength',
  PATTERN: 'pattern',
  MAXIMUM: 'maximum',
  MINIMUM: 'minimum',
  EXCLUSIVE_MAXIMUM: 'exclusiveMaximum',
  EXCLUSIVE_MINIMUM: 'exclusiveMinimum',
  MULTIPLE_OF: 'multipleOf',
  MAX_PROPERTIES: 'maxProperties',
  MIN_PROPERTIES: 'minProperties',
  MAX_ITEMS: 'maxItems',
  MIN_ITEMS: 'minItems',
  MAX_CONTAINS: 'maxContains',
  MIN_CONTAINS: 'minContains',
  UNIQUE_ITEMS: 'uniqueItems',
};

const SPECIFIC: Readonly<Record<string, (p: string) => string>> = {
  SCHEMA_ADDED: (p) => `The reader schema adds a subschema at '${p}' where the writer schema had none.`,
  TYPE_CHANGED: (p) => `The type at '${p}' differs between the writer and the reader schema.`,
  TYPE_NARROWED: (p) => `The reader schema narrows number to integer at '${p}'.`,
  PATTERN_CHANGED: (p) => `The pattern at '${p}' differs between the writer and the reader schema.`,
  MULTIPLE_OF_EXPANDED: (p) => `The reader schema's multipleOf at '${p}' is a multiple of the writer's, so it rejects values the writer allows.`,
  MULTIPLE_OF_CHANGED: (p) => `The multipleOf at '${p}' changed to a value unrelated to the writer schema's.`,
  REQUIRED_ATTRIBUTE_ADDED: (p) => `The reader schema makes the property at '${p}' required, but the writer schema does not.`,
  ADDITIONAL_PROPERTIES_REMOVED: (p) => `The reader schema forbids additional properties at '${p}', which the writer schema allows.`,
  ADDITIONAL_PROPERTIES_NARROWED: (p) => `The reader schema constrains additional properties at '${p}', which the writer schema leaves unconstrained.`,
  UNEVALUATED_PROPERTIES_REMOVED: (p) => `The reader schema forbids unevaluated properties at '${p}', which the writer schema allows.`,
  UNEVALUATED_PROPERTIES_NARROWED: (p) => `The reader schema constrains unevaluated properties at '${p}', which the writer schema leaves unconstrained.`,
  ADDITIONAL_ITEMS_REMOVED: (p) => `The reader schema forbids additional array items at '${p}', which the writer schema allows.`,
  ADDITIONAL_ITEMS_NARROWED: (p) => `The reader schema constrains additional array items at '${p}', which the writer schema leaves unconstrained.`,
  UNEVALUATED_ITEMS_REMOVED: (p) => `The reader schema forbids unevaluated array items at '${p}', which the writer schema allows.`,
  UNEVALUATED_ITEMS_NARROWED: (p) => `The reader schema constrains unevaluated array items at '${p}', which the writer schema leaves unconstrained.`,
  DEPENDENCY_ARRAY_ADDED: (p) => `The reader schema adds the property dependency at '${p}'.`,
  DEPENDENCY_ARRAY_EXTENDED: (p) => `The reader schema's property dependency at '${p}' requires more properties than the writer's.`,
  DEPENDENCY_ARRAY_CHANGED: (p) => `The property dependency at '${p}' requires different properties than the writer's.`,
  DEPENDENCY_SCHEMA_ADDED: (p) => `The reader schema adds the schema dependency at '${p}'.`,
  PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: (p) => `The reader schema constrains '${p}', which the writer schema's open content model allowed with any value.`,
  OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: (p) =>
    `The reader schema constrains '${p}', which the writer schema's open content model allowed with any value.`,
  REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: (p) =>
    `The reader schema adds required property '${p}', which the writer schema's open content model neither requires nor constrains.`,
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL: (p) =>
    `The reader schema constrains '${p}', which the writer schema's open content model allowed with any value.`,
  REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: (p) => `The reader schema adds required property '${p}', which data from the writer schema does not have.`,
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: (p) => `The reader schema drops '${p}' and its closed content model rejects writer data that has it.`,
  PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (p) =>
    `The reader schema drops '${p}' and its partially open content model does not accept the writer's values for it.`,
  PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (p) =>
    `The reader schema adds '${p}' with a schema narrower than what the writer schema's partially open content model allowed.`,
  ITEM_ADDED_TO_OPEN_CONTENT_MODEL: (p) => `The reader schema constrains tuple item '${p}', which the writer schema's open array allowed with any value.`,
  ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: (p) => `The reader schema drops tuple item '${p}' and its closed array rejects writer data that has it.`,
  ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (p) =>
    `The reader schema drops tuple item '${p}' and its schema for additional items does not accept the writer's values.`,
  ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: (p) =>
    `The reader schema adds tuple item '${p}' with a schema narrower than the writer schema's schema for additional items.`,
  ENUM_ARRAY_NARROWED: (p) => `The reader schema's enum at '${p}' drops values the writer schema allows.`,
  ENUM_ARRAY_CHANGED: (p) => `The enum or const at '${p}' allows different values than the writer schema.`,
  COMBINED_TYPE_CHANGED: (p) => `The combination keyword at '${p}' changed incompatibly (e.g. anyOf to allOf).`,
  PRODUCT_TYPE_EXTENDED: (p) => `The reader schema's allOf at '${p}' adds subschemas that writer data need not satisfy.`,
  SUM_TYPE_NARROWED: (p) => `The reader schema's oneOf/anyOf at '${p}' drops alternatives the writer schema allows.`,
  COMBINED_TYPE_SUBSCHEMAS_CHANGED: (p) => `The subschemas at '${p}' cannot be matched one to one with compatible writer subschemas.`,
  NOT_TYPE_EXTENDED: (p) => `The reader schema's not at '${p}' excludes values the writer schema allows.`,
};

export function describeIncompatibility(type: string, jsonPath: string): string {
  const specific = SPECIFIC[type];
  if (specific !== undefined) return specific(jsonPath);
  const limit = /^(.*)_(ADDED|REMOVED|INCREASED|DECREASED)$/.exec(type);
  const keyword = limit?.[1] === undefined ? undefined : KEYWORDS[limit[1]];
  if (limit !== null && keyword !== undefined) {
    if (limit[2] === 'ADDED') return `The reader schema adds ${keyword} at '${jsonPath}', a constraint the writer schema does not have.`;
    if (limit[2] === 'INCREASED') return `The reader schema raises ${keyword} at '${jsonPath}' above the writer schema's value.`;
    if (limit[2] === 'DECREASED') return `The reader schema lowers ${keyword} at '${jsonPath}' below the writer schema's value.`;
  }
  return `${type} at '${jsonPath}' makes the reader schema unable to read all data of the writer schema.`;
}
