/**
 * @dynamic-capital/contracts-rego: Rego (v1 syntax) to OPA-ABI WebAssembly.
 * Pipeline: parse -> check -> plan -> emit. This package currently provides PARSE.
 */
export type * from './ast';
export { RegoSyntaxError } from './errors';
export { parseModule, tryParseModule, isGround, type ParseResult } from './parser';
export { tokenize, KEYWORDS, type Token, type TokenKind } from './lexer';
