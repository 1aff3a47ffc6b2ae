import { CONTRACT_KINDS } from './model';

/** `<domain>.<kind>.<name>.v<MAJOR>` */
export const CONTRACT_NAME = new RegExp(`^([a-z][a-z0-9_]*)\\.(${CONTRACT_KINDS.join('|')})\\.([a-z][a-z0-9_]*)\\.v([1-9][0-9]*)$`);
export const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
export const UPPER_SNAKE_CASE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

export interface ContractNameParts {
  readonly domain: string;
  readonly kind: string;
  readonly name: string;
  readonly major: number;
}

/**
 * Split a contract name into its parts. Names that break the convention (allowed with a
 * `contract-name` opt-out) still split on dots: domain first, major last.
 */
export function splitContractName(contract: string): ContractNameParts {
  const strict = CONTRACT_NAME.exec(contract);
  if (strict) return { domain: strict[1] ?? '', kind: strict[2] ?? '', name: strict[3] ?? '', major: Number(strict[4]) };
  const parts = contract.split('.');
  const last = parts[parts.length - 1] ?? '';
  const major = /^v\d+$/.test(last) ? Number(last.slice(1)) : 0;
  const middle = parts.slice(1, major ? -1 : undefined);
  return { domain: parts[0] ?? '', kind: middle[0] ?? '', name: middle.slice(1).join('.'), major };
}

export function pascalCase(snake: string): string {
  return snake
    .split(/[_.-]/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');
}

/** The file a contract lives in, relative to schemas/. */
export function expectedContractFile(contract: string, format: 'avro' | 'json'): string {
  const { domain } = splitContractName(contract);
  const rest = contract.slice(domain.length + 1);
  return `${domain}/${rest}${format === 'avro' ? '.avsc' : '.schema.json'}`;
}

/** Avro full name of a contract's top-level record: dynamic_capital.<domain>.v<major>.<Name><Kind>. */
export function expectedAvroName(contract: string): string {
  const { domain, kind, name, major } = splitContractName(contract);
  return `dynamic_capital.${domain}.v${major}.${pascalCase(name)}${pascalCase(kind)}`;
}
