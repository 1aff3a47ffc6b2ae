/**
 * Rego scanner. Mirrors OPA's scanner (v1/ast/internal/scanner): identifiers are
 * `[A-Za-z_][A-Za-z0-9_]*`, numbers are `digits[.digits][(e|E)[+-]digits]`,
 * strings are JSON-style double-quoted (single line) or backtick raw strings
 * (may span lines), `#` starts a line comment.
 *
 * Whitespace is not a token, but each token records whether whitespace/comments
 * (`spaceBefore`) or a newline (`nlBefore`) precede it: Rego is whitespace
 * sensitive for refs/calls (`f(x)` vs `f (x)`) and uses newlines as statement
 * separators.
 *
 * Lexical errors do not throw here: they become an `illegal` token carrying the
 * message, so the parser reports them in source order.
 */

import type { Comment } from './ast';

export const KEYWORDS = [
  'as',
  'contains',
  'default',
  'else',
  'every',
  'false',
  'if',
  'import',
  'in',
  'not',
  'null',
  'package',
  'some',
  'true',
  'with',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

export const PUNCTUATION = [
  ':=',
  '==',
  '!=',
  '<=',
  '>=',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '|',
  '&',
  '.',
  ',',
  ';',
  ':',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
] as const;
export type Punctuation = (typeof PUNCTUATION)[number];

export type TokenKind = 'ident' | 'number' | 'string' | 'eof' | 'illegal' | Keyword | Punctuation;

export interface Token {
  kind: TokenKind;
  /** Source text of the token. */
  text: string;
  /** Decoded value for strings; the error message for `illegal`; otherwise = text. */
  value: string;
  raw: boolean;
  line: number;
  column: number;
  offset: number;
  end: number;
  /** Whitespace or a comment separates this token from the previous one. */
  spaceBefore: boolean;
  /** A newline separates this token from the previous one. */
  nlBefore: boolean;
}

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
}

export function tokenize(src: string, file: string): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  let pos = 0;
  let line = 1;
  let column = 1;

  // Skip a leading byte-order mark, as OPA does.
  if (src.charCodeAt(0) === 0xfeff) pos = 1;

  /** Advance one UTF-16 code unit, keeping line/column (code points) up to date. */
  const advance = (): void => {
    const code = src.charCodeAt(pos);
    pos++;
    if (code === 10) {
      line++;
      column = 1;
    } else if (code < 0xdc00 || code > 0xdfff) {
      // low surrogates do not start a new code point
      column++;
    }
  };

  let spaceBefore = false;
  let nlBefore = false;

  while (true) {
    // whitespace and comments
    while (pos < src.length) {
      const c = src[pos];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
        if (c === '\n') nlBefore = true;
        spaceBefore = true;
        advance();
      } else if (c === '#') {
        const cl = line;
        const cc = column;
        const start = pos;
        while (pos < src.length && src[pos] !== '\n') advance();
        let text = src.slice(start + 1, pos);
        if (text.endsWith('\r')) text = text.slice(0, -1);
        comments.push({ type: 'Comment', text, location: { file, line: cl, column: cc } });
        spaceBefore = true;
      } else {
        break;
      }
    }

    const startLine = line;
    const startColumn = column;
    const start = pos;
    const push = (kind: TokenKind, value?: string, raw = false): void => {
      const text = src.slice(start, pos);
      tokens.push({
        kind,
        text,
        value: value ?? text,
        raw,
        line: startLine,
        column: startColumn,
        offset: start,
        end: pos,
        spaceBefore,
        nlBefore,
      });
      spaceBefore = false;
      nlBefore = false;
    };

    if (pos >= src.length) {
      push('eof');
      return { tokens, comments };
    }

    const c = src[pos] ?? '';

    if (isLetter(c)) {
      while (pos < src.length && (isLetter(src[pos] ?? '') || isDigit(src[pos] ?? ''))) advance();
      const word = src.slice(start, pos);
      push(KEYWORD_SET.has(word) ? (word as Keyword) : 'ident');
      continue;
    }

    if (isDigit(c)) {
      let error: string | null = null;
      while (isDigit(src[pos] ?? '')) advance();
      if (src[pos] === '.') {
        advance();
        if (!isDigit(src[pos] ?? '')) error = 'expected fraction digits after "." in number';
        while (isDigit(src[pos] ?? '')) advance();
      }
      if (src[pos] === 'e' || src[pos] === 'E') {
        advance();
        if (src[pos] === '+' || src[pos] === '-') advance();
        if (!isDigit(src[pos] ?? '')) error ??= 'expected exponent digits in number';
        while (isDigit(src[pos] ?? '')) advance();
      }
      if (isLetter(src[pos] ?? '')) {
        error ??= 'illegal number format';
        while (isLetter(src[pos] ?? '') || isDigit(src[pos] ?? '')) advance();
      }
      if (error !== null) push('illegal', error);
      else push('number');
      continue;
    }

    if (c === '"') {
      advance();
      let value = '';
      let error: string | null = null;
      let closed = false;
      while (pos < src.length) {
        const ch = src[pos] ?? '';
        if (ch === '\n') break;
        if (ch === '"') {
          advance();
          closed = true;
          break;
        }
        if (ch === '\\') {
          advance();
          const e = src[pos] ?? '';
          const simple = SIMPLE_ESCAPES[e];
          if (simple !== undefined) {
            value += simple;
            advance();
          } else if (e === 'u') {
            advance();
            const hex = src.slice(pos, pos + 4);
            if (/^[0-9a-fA-F]{4}$/.test(hex)) {
              value += String.fromCharCode(parseInt(hex, 16));
              for (let i = 0; i < 4; i++) advance();
            } else {
              error ??= 'illegal escape sequence: expected 4 hex digits after \\u';
            }
          } else {
            error ??= `illegal escape sequence "\\${e}"`;
          }
          continue;
        }
        value += ch;
        advance();
      }
      if (!closed) push('illegal', 'non-terminated string: expected closing "\\"" before end of line');
      else if (error !== null) push('illegal', error);
      else push('string', value);
      continue;
    }

    if (c === '`') {
      advance();
      while (pos < src.length && src[pos] !== '`') advance();
      if (pos >= src.length) {
        push('illegal', 'non-terminated raw string: expected closing "`"');
        continue;
      }
      advance();
      push('string', src.slice(start + 1, pos - 1), true);
      continue;
    }

    const two = src.slice(pos, pos + 2);
    if (two === ':=' || two === '==' || two === '!=' || two === '<=' || two === '>=') {
      advance();
      advance();
      push(two);
      continue;
    }
    if ('=<>+-*/%|&.,;:()[]{}'.includes(c)) {
      advance();
      push(c as Punctuation);
      continue;
    }

    advance();
    if (c === '!') push('illegal', 'illegal "!" character (did you mean "!=" or "not"?)');
    else if (c === '$') push('illegal', 'template strings ($"...") are not supported');
    else {
      // consume a whole surrogate pair so the token text is a full code point
      if (pos < src.length && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdbff) advance();
      push('illegal', `illegal character ${JSON.stringify(src.slice(start, pos))}`);
    }
  }
}
