// Regular expressions for regex.match (AssemblyScript): an RE2 subset, matched by an NFA
// simulation (Thompson/Pike: linear in text length x program size, no backtracking).
//
// Supported: literals; escaped punctuation; \a \f \t \n \r \v \xhh \x{h..}; . (not \n
// unless (?s)); classes [..] [^..] with ranges, escapes and [:posix:] / [:^posix:] names;
// \d \D \w \W \s \S (ASCII, as RE2); anchors ^ $ (line anchors with (?m)), \A \z, \b \B
// (ASCII word boundary); groups ( ), (?: ), (?P<name> ), (?<name> ); flags (?i) (?m)
// (?s) (?U) and (?flags: ); alternation |; quantifiers * + ? {n} {n,} {n,m} (n, m <= 1000),
// greedy or lazy (the same for a yes/no match).
//
// Not supported (compile returns null, so regex.match is undefined; src/emit/asc.ts
// regexSupported refuses constant patterns): \p{..} \P{..} Unicode classes, \Q..\E, \C,
// octal escapes and backreferences (\0-\9), patterns compiling to more than MAX_PROG
// instructions. Invalid patterns are refused the same way (OPA: an error, i.e. undefined).
// (?i) folds case per code point with AssemblyScript's lower/upper case mapping (Go uses
// Unicode simple folding: a few characters such as the Kelvin sign differ).

import { cpAt, cpUnits } from "./value";

// @ts-ignore: decorator
@inline const MAX_PROG: i32 = 10000;
// @ts-ignore: decorator
@inline const MAX_REPEAT: i32 = 1000;

// node kinds
// @ts-ignore: decorator
@inline const N_LIT: i32 = 0;
// @ts-ignore: decorator
@inline const N_ANY: i32 = 1;
// @ts-ignore: decorator
@inline const N_CLASS: i32 = 2;
// @ts-ignore: decorator
@inline const N_ASSERT: i32 = 3;
// @ts-ignore: decorator
@inline const N_CAT: i32 = 4;
// @ts-ignore: decorator
@inline const N_ALT: i32 = 5;
// @ts-ignore: decorator
@inline const N_REP: i32 = 6;

// assertion kinds
// @ts-ignore: decorator
@inline const A_BOL: i32 = 0; // ^ without m: start of text
// @ts-ignore: decorator
@inline const A_EOL: i32 = 1; // $ without m: end of text
// @ts-ignore: decorator
@inline const A_BOLM: i32 = 2; // ^ with m
// @ts-ignore: decorator
@inline const A_EOLM: i32 = 3; // $ with m
// @ts-ignore: decorator
@inline const A_WORDB: i32 = 4;
// @ts-ignore: decorator
@inline const A_NWORDB: i32 = 5;

// instructions
// @ts-ignore: decorator
@inline const I_CHAR: i32 = 0; // a: code point, b: alternative (case folded) or -1
// @ts-ignore: decorator
@inline const I_ANY: i32 = 1; // a: 1 = also \n
// @ts-ignore: decorator
@inline const I_CLASS: i32 = 2; // a: class index
// @ts-ignore: decorator
@inline const I_SPLIT: i32 = 3; // a, b: targets
// @ts-ignore: decorator
@inline const I_JMP: i32 = 4; // a: target
// @ts-ignore: decorator
@inline const I_ASSERT: i32 = 5; // a: assertion kind
// @ts-ignore: decorator
@inline const I_MATCH: i32 = 6;

class Node {
  kind: i32;
  a: i32 = 0; // literal code point, class index, assertion kind, repeat min
  b: i32 = 0; // literal alternative (case folded) or -1, repeat max (-1 unbounded), any: dotall
  kids: Array<Node> | null = null;
  size: i32 = 1;
  constructor(kind: i32) {
    this.kind = kind;
  }
}

class CharClass {
  ranges: Array<u32> = new Array<u32>(); // lo, hi pairs
  negate: bool = false;
  fold: bool = false;
}

export class Regex {
  op: Array<i32> = new Array<i32>();
  a: Array<i32> = new Array<i32>();
  b: Array<i32> = new Array<i32>();
  classes: Array<CharClass> = new Array<CharClass>();
}

// ---------------------------------------------------------------------------------------
// Case mapping of single code points

export function lowerCp(c: u32): u32 {
  if (c < 0x80) return c - 65 < 26 ? c | 32 : c;
  let s = String.fromCodePoint(<i32>c).toLowerCase();
  let l = cpAt(s, 0);
  return s.length == cpUnits(l) ? l : c;
}

export function upperCp(c: u32): u32 {
  if (c < 0x80) return c - 97 < 26 ? c & ~32 : c;
  let s = String.fromCodePoint(<i32>c).toUpperCase();
  let u = cpAt(s, 0);
  return s.length == cpUnits(u) ? u : c;
}

// ---------------------------------------------------------------------------------------
// Parser

class Parser {
  cps: Array<u32>;
  i: i32 = 0;
  fold: bool = false;
  multi: bool = false;
  dotall: bool = false;
  bad: bool = false;
  re: Regex;

  constructor(cps: Array<u32>, re: Regex) {
    this.cps = cps;
    this.re = re;
  }

  peek(k: i32 = 0): i32 {
    let j = this.i + k;
    return j < this.cps.length ? <i32>unchecked(this.cps[j]) : -1;
  }

  fail(): Node | null {
    this.bad = true;
    return null;
  }

  alt(depth: i32): Node | null {
    if (depth > 1000) return this.fail();
    // flags set inside a group end with the group
    let saveFold = this.fold;
    let saveMulti = this.multi;
    let saveDot = this.dotall;
    let branches = new Array<Node>();
    let total = 0;
    while (true) {
      let c = this.concat(depth);
      if (c === null) return null;
      branches.push(c);
      total += c.size;
      if (this.peek() != 0x7c) break;
      this.i++;
    }
    this.fold = saveFold;
    this.multi = saveMulti;
    this.dotall = saveDot;
    if (branches.length == 1) return branches[0];
    let n = new Node(N_ALT);
    n.kids = branches;
    n.size = total + 2 * (branches.length - 1);
    return n;
  }

  concat(depth: i32): Node | null {
    let kids = new Array<Node>();
    let total = 0;
    while (true) {
      let c = this.peek();
      if (c == -1 || c == 0x7c || c == 0x29) break;
      let r = this.repeat(depth);
      if (r === null) {
        if (this.bad) return null;
        continue; // a flags group: no node
      }
      kids.push(r);
      total += r.size;
      if (total > MAX_PROG) return this.fail();
    }
    let n = new Node(N_CAT);
    n.kids = kids;
    n.size = total;
    return n;
  }

  /** {n}, {n,}, {n,m} at i: sets bMin/bMax/bLen and returns true. */
  bMin: i32 = 0;
  bMax: i32 = 0;
  bLen: i32 = 0;
  braces(): bool {
    let j = this.i + 1;
    let n = this.cps.length;
    let min = -1;
    while (j < n) {
      let d = <i32>unchecked(this.cps[j]);
      if (d < 0x30 || d > 0x39) break;
      min = (min < 0 ? 0 : min) * 10 + (d - 0x30);
      if (min > 100000) min = 100000;
      j++;
    }
    if (min < 0) return false;
    let max = min;
    if (j < n && unchecked(this.cps[j]) == 0x2c) {
      j++;
      max = -1;
      while (j < n) {
        let d = <i32>unchecked(this.cps[j]);
        if (d < 0x30 || d > 0x39) break;
        max = (max < 0 ? 0 : max) * 10 + (d - 0x30);
        if (max > 100000) max = 100000;
        j++;
      }
    }
    if (j >= n || unchecked(this.cps[j]) != 0x7d) return false;
    this.bMin = min;
    this.bMax = max;
    this.bLen = j + 1 - this.i;
    return true;
  }

  isQuantifier(): bool {
    let c = this.peek();
    return c == 0x2a || c == 0x2b || c == 0x3f || (c == 0x7b && this.braces());
  }

  repeat(depth: i32): Node | null {
    if (this.isQuantifier()) return this.fail();
    let atom = this.atom(depth);
    if (atom === null) return null;
    if (!this.isQuantifier()) return atom;
    let c = this.peek();
    let min = 0;
    let max = -1;
    if (c == 0x2a) {
      this.i++;
    } else if (c == 0x2b) {
      min = 1;
      this.i++;
    } else if (c == 0x3f) {
      max = 1;
      this.i++;
    } else {
      this.braces();
      min = this.bMin;
      max = this.bMax;
      this.i += this.bLen;
      if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) return this.fail();
    }
    if (this.peek() == 0x3f) this.i++; // lazy: same answer for a yes/no match
    if (this.isQuantifier()) return this.fail();
    let s = atom.size;
    let size = max < 0 ? min * s + s + 2 : min * s + (max - min) * (s + 1);
    if (size > MAX_PROG) return this.fail();
    let n = new Node(N_REP);
    n.kids = [atom];
    n.a = min;
    n.b = max;
    n.size = size;
    return n;
  }

  /** Flags after "(?": applies them; false when empty or malformed. */
  flags(): bool {
    let any = false;
    let neg = false;
    while (true) {
      let c = this.peek();
      if (c == 0x69 || c == 0x6d || c == 0x73 || c == 0x55) {
        if (c == 0x69) this.fold = !neg;
        else if (c == 0x6d) this.multi = !neg;
        else if (c == 0x73) this.dotall = !neg;
        any = true;
        this.i++;
      } else if (c == 0x2d && !neg) {
        neg = true;
        any = false;
        this.i++;
      } else {
        return any;
      }
    }
  }

  lit(c: u32): Node {
    let n = new Node(N_LIT);
    if (this.fold) {
      let l = lowerCp(c);
      let u = upperCp(c);
      n.a = <i32>l;
      n.b = l != u ? <i32>u : -1;
      if (c != l && c != u) n.b = <i32>c; // keep the literal itself matching
    } else {
      n.a = <i32>c;
      n.b = -1;
    }
    return n;
  }

  assert(kind: i32): Node {
    let n = new Node(N_ASSERT);
    n.a = kind;
    return n;
  }

  atom(depth: i32): Node | null {
    let c = this.peek();
    switch (c) {
      case 0x28: {
        // (
        this.i++;
        if (this.peek() == 0x3f) {
          this.i++;
          let d = this.peek();
          if (d == 0x3a) {
            this.i++;
          } else if (d == 0x50 || d == 0x3c) {
            if (d == 0x50) this.i++;
            if (this.peek() != 0x3c) return this.fail();
            this.i++;
            let n = 0;
            while (this.peek() != 0x3e) {
              let ch = this.peek();
              let lc = ch | 0x20;
              let ok = ch == 0x5f || (ch >= 0x30 && ch <= 0x39) || (lc >= 0x61 && lc <= 0x7a);
              if (!ok) return this.fail();
              this.i++;
              n++;
            }
            if (n == 0) return this.fail();
            this.i++;
          } else {
            // (?flags) applies to the rest of the enclosing group; (?flags:re) to re only
            let saveFold = this.fold;
            let saveMulti = this.multi;
            let saveDot = this.dotall;
            if (!this.flags()) return this.fail();
            if (this.peek() == 0x29) {
              this.i++;
              if (this.isQuantifier()) return this.fail();
              return null; // no node
            }
            if (this.peek() != 0x3a) return this.fail();
            this.i++;
            let inner = this.alt(depth + 1);
            this.fold = saveFold;
            this.multi = saveMulti;
            this.dotall = saveDot;
            if (inner === null || this.peek() != 0x29) return this.fail();
            this.i++;
            return inner;
          }
        }
        let inner = this.alt(depth + 1);
        if (inner === null || this.peek() != 0x29) return this.fail();
        this.i++;
        return inner;
      }
      case 0x5b: // [
        return this.cls();
      case 0x5c: // backslash
        return this.escapeAtom();
      case 0x29: // )
        return this.fail();
      case 0x2e: {
        // .
        this.i++;
        let n = new Node(N_ANY);
        n.b = this.dotall ? 1 : 0;
        return n;
      }
      case 0x5e:
        this.i++;
        return this.assert(this.multi ? A_BOLM : A_BOL);
      case 0x24:
        this.i++;
        return this.assert(this.multi ? A_EOLM : A_EOL);
    }
    this.i++;
    return this.lit(<u32>c);
  }

  // escape results: >= 0 a literal code point; -1 a class (escClass set); -3 an assertion
  // (escAssert set); -2 unsupported or invalid
  escClass: i32 = 0; // the letter: d D w W s S
  escAssert: i32 = 0;

  escape(inClass: bool): i32 {
    this.i++;
    let c = this.peek();
    if (c == -1) return -2;
    this.i++;
    switch (c) {
      case 0x64:
      case 0x44:
      case 0x77:
      case 0x57:
      case 0x73:
      case 0x53:
        this.escClass = c;
        return -1;
      case 0x62:
        if (inClass) return -2;
        this.escAssert = A_WORDB;
        return -3;
      case 0x42:
        if (inClass) return -2;
        this.escAssert = A_NWORDB;
        return -3;
      case 0x41:
        if (inClass) return -2;
        this.escAssert = A_BOL;
        return -3;
      case 0x7a:
        if (inClass) return -2;
        this.escAssert = A_EOL;
        return -3;
      case 0x61:
        return 7;
      case 0x66:
        return 12;
      case 0x74:
        return 9;
      case 0x6e:
        return 10;
      case 0x72:
        return 13;
      case 0x76:
        return 11;
      case 0x78: {
        if (this.peek() == 0x7b) {
          this.i++;
          let v = 0;
          let n = 0;
          while (this.peek() != 0x7d) {
            let h = hexVal(this.peek());
            if (h < 0) return -2;
            v = v * 16 + h;
            if (v > 0x10ffff) return -2;
            this.i++;
            n++;
          }
          this.i++;
          return n > 0 ? v : -2;
        }
        let h1 = hexVal(this.peek());
        let h2 = hexVal(this.peek(1));
        if (h1 < 0 || h2 < 0) return -2;
        this.i += 2;
        return h1 * 16 + h2;
      }
    }
    let lc = c | 0x20;
    if (c < 0x80 && !(c >= 0x30 && c <= 0x39) && !(lc >= 0x61 && lc <= 0x7a) && c != 0x5f) return c;
    return -2;
  }

  escapeAtom(): Node | null {
    let r = this.escape(false);
    if (r == -2) return this.fail();
    if (r == -3) return this.assert(this.escAssert);
    if (r == -1) {
      let cc = new CharClass();
      addEscClass(cc.ranges, this.escClass);
      return this.classNode(cc);
    }
    return this.lit(<u32>r);
  }

  classNode(cc: CharClass): Node {
    cc.fold = this.fold;
    let n = new Node(N_CLASS);
    n.a = this.re.classes.length;
    this.re.classes.push(cc);
    return n;
  }

  cls(): Node | null {
    this.i++; // [
    let cc = new CharClass();
    if (this.peek() == 0x5e) {
      cc.negate = true;
      this.i++;
    }
    let first = true;
    let r = cc.ranges;
    while (true) {
      let c = this.peek();
      if (c == -1) return this.fail();
      if (c == 0x5d && !first) {
        this.i++;
        return this.classNode(cc);
      }
      first = false;
      if (c == 0x5b && this.peek(1) == 0x3a) {
        // [:name:] / [:^name:]
        let close = -1;
        for (let j = this.i + 2; j < this.cps.length; j++) {
          if (unchecked(this.cps[j]) == 0x5d) {
            close = j;
            break;
          }
        }
        if (close > 0 && unchecked(this.cps[close - 1]) == 0x3a) {
          let start = this.i + 2;
          let neg = false;
          if (start < close - 1 && unchecked(this.cps[start]) == 0x5e) {
            neg = true;
            start++;
          }
          let name = "";
          for (let j = start; j < close - 1; j++) name += String.fromCodePoint(<i32>unchecked(this.cps[j]));
          let tmp = new Array<u32>();
          if (!posixClass(tmp, name)) return this.fail();
          if (neg) negateRanges(tmp, r);
          else for (let j = 0; j < tmp.length; j++) r.push(tmp[j]);
          this.i = close + 1;
          continue;
        }
      }
      let lo: i32;
      if (c == 0x5c) {
        lo = this.escape(true);
        if (lo == -2 || lo == -3) return this.fail();
        if (lo == -1) {
          if (this.peek() == 0x2d && this.peek(1) != 0x5d) return this.fail();
          addEscClass(r, this.escClass);
          continue;
        }
      } else {
        lo = c;
        this.i++;
      }
      let hi = lo;
      if (this.peek() == 0x2d && this.peek(1) != 0x5d && this.peek(1) != -1) {
        this.i++;
        if (this.peek() == 0x5c) {
          hi = this.escape(true);
          if (hi < 0) return this.fail();
        } else {
          hi = this.peek();
          this.i++;
        }
        if (hi < lo) return this.fail();
      }
      r.push(<u32>lo);
      r.push(<u32>hi);
    }
  }
}

function hexVal(d: i32): i32 {
  if (d >= 0x30 && d <= 0x39) return d - 0x30;
  let l = d | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

function pushRange(r: Array<u32>, lo: u32, hi: u32): void {
  r.push(lo);
  r.push(hi);
}

/** Appends the complement (within 0..0x10FFFF) of the ranges in src to out. */
function negateRanges(src: Array<u32>, out: Array<u32>): void {
  // sort pairs by lo (small lists: insertion sort)
  let n = src.length >> 1;
  for (let i = 1; i < n; i++) {
    let lo = src[2 * i];
    let hi = src[2 * i + 1];
    let j = i - 1;
    while (j >= 0 && src[2 * j] > lo) {
      src[2 * j + 2] = src[2 * j];
      src[2 * j + 3] = src[2 * j + 1];
      j--;
    }
    src[2 * j + 2] = lo;
    src[2 * j + 3] = hi;
  }
  let next: u32 = 0;
  for (let i = 0; i < n; i++) {
    let lo = src[2 * i];
    let hi = src[2 * i + 1];
    if (lo > next) pushRange(out, next, lo - 1);
    if (hi + 1 > next) next = hi + 1;
  }
  if (next <= 0x10ffff) pushRange(out, next, 0x10ffff);
}

function addEscClass(r: Array<u32>, letter: i32): void {
  let tmp = new Array<u32>();
  let l = letter | 0x20;
  if (l == 0x64) {
    pushRange(tmp, 48, 57);
  } else if (l == 0x77) {
    pushRange(tmp, 48, 57);
    pushRange(tmp, 65, 90);
    pushRange(tmp, 95, 95);
    pushRange(tmp, 97, 122);
  } else {
    // \s: [\t\n\f\r ]
    pushRange(tmp, 9, 10);
    pushRange(tmp, 12, 13);
    pushRange(tmp, 32, 32);
  }
  if (letter != l) negateRanges(tmp, r);
  else for (let i = 0; i < tmp.length; i++) r.push(tmp[i]);
}

function posixClass(r: Array<u32>, name: string): bool {
  if (name == "alnum") {
    pushRange(r, 48, 57);
    pushRange(r, 65, 90);
    pushRange(r, 97, 122);
  } else if (name == "alpha") {
    pushRange(r, 65, 90);
    pushRange(r, 97, 122);
  } else if (name == "ascii") {
    pushRange(r, 0, 127);
  } else if (name == "blank") {
    pushRange(r, 9, 9);
    pushRange(r, 32, 32);
  } else if (name == "cntrl") {
    pushRange(r, 0, 31);
    pushRange(r, 127, 127);
  } else if (name == "digit") {
    pushRange(r, 48, 57);
  } else if (name == "graph") {
    pushRange(r, 33, 126);
  } else if (name == "lower") {
    pushRange(r, 97, 122);
  } else if (name == "print") {
    pushRange(r, 32, 126);
  } else if (name == "punct") {
    pushRange(r, 33, 47);
    pushRange(r, 58, 64);
    pushRange(r, 91, 96);
    pushRange(r, 123, 126);
  } else if (name == "space") {
    pushRange(r, 9, 13);
    pushRange(r, 32, 32);
  } else if (name == "upper") {
    pushRange(r, 65, 90);
  } else if (name == "word") {
    pushRange(r, 48, 57);
    pushRange(r, 65, 90);
    pushRange(r, 95, 95);
    pushRange(r, 97, 122);
  } else if (name == "xdigit") {
    pushRange(r, 48, 57);
    pushRange(r, 65, 70);
    pushRange(r, 97, 102);
  } else {
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Code generation

function emit(re: Regex, op: i32, a: i32, b: i32): i32 {
  let pc = re.op.length;
  re.op.push(op);
  re.a.push(a);
  re.b.push(b);
  return pc;
}

function gen(re: Regex, n: Node): void {
  switch (n.kind) {
    case N_LIT:
      emit(re, I_CHAR, n.a, n.b);
      break;
    case N_ANY:
      emit(re, I_ANY, n.b, 0);
      break;
    case N_CLASS:
      emit(re, I_CLASS, n.a, 0);
      break;
    case N_ASSERT:
      emit(re, I_ASSERT, n.a, 0);
      break;
    case N_CAT: {
      let kids = n.kids!;
      for (let i = 0; i < kids.length; i++) gen(re, kids[i]);
      break;
    }
    case N_ALT: {
      let kids = n.kids!;
      let jumps = new Array<i32>();
      for (let i = 0; i < kids.length; i++) {
        if (i < kids.length - 1) {
          let split = emit(re, I_SPLIT, 0, 0);
          re.a[split] = split + 1;
          gen(re, kids[i]);
          jumps.push(emit(re, I_JMP, 0, 0));
          re.b[split] = re.op.length;
        } else {
          gen(re, kids[i]);
        }
      }
      let end = re.op.length;
      for (let i = 0; i < jumps.length; i++) re.a[jumps[i]] = end;
      break;
    }
    case N_REP: {
      let x = n.kids![0];
      let min = n.a;
      let max = n.b;
      for (let i = 0; i < min; i++) gen(re, x);
      if (max < 0) {
        let split = emit(re, I_SPLIT, 0, 0);
        re.a[split] = split + 1;
        gen(re, x);
        emit(re, I_JMP, split, 0);
        re.b[split] = re.op.length;
      } else {
        let splits = new Array<i32>();
        for (let i = min; i < max; i++) {
          let split = emit(re, I_SPLIT, 0, 0);
          re.a[split] = split + 1;
          splits.push(split);
          gen(re, x);
        }
        let end = re.op.length;
        for (let i = 0; i < splits.length; i++) re.b[splits[i]] = end;
      }
      break;
    }
  }
}

/** Compiles pattern; null when unsupported or invalid. */
export function compileRegex(pattern: string): Regex | null {
  let cps = new Array<u32>();
  let i = 0;
  let n = pattern.length;
  while (i < n) {
    let cp = cpAt(pattern, i);
    cps.push(cp);
    i += cpUnits(cp);
  }
  let re = new Regex();
  let p = new Parser(cps, re);
  let root = p.alt(0);
  if (root === null || p.bad || p.i != cps.length) return null;
  if (root.size + 1 > MAX_PROG) return null;
  gen(re, root);
  emit(re, I_MATCH, 0, 0);
  return re;
}

// ---------------------------------------------------------------------------------------
// Matching

function isWordCp(c: i32): bool {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95;
}

function inRanges(r: Array<u32>, c: u32): bool {
  for (let i = 0, n = r.length; i < n; i += 2) {
    if (c >= unchecked(r[i]) && c <= unchecked(r[i + 1])) return true;
  }
  return false;
}

function classMatches(cc: CharClass, c: u32): bool {
  let m = inRanges(cc.ranges, c);
  if (!m && cc.fold) {
    let l = lowerCp(c);
    let u = upperCp(c);
    m = (l != c && inRanges(cc.ranges, l)) || (u != c && inRanges(cc.ranges, u));
  }
  return m != cc.negate;
}

// thread lists: dense arrays of pcs + marks (generation numbers) per pc
class ThreadList {
  pcs: Array<i32>;
  n: i32 = 0;
  constructor(size: i32) {
    this.pcs = new Array<i32>(size);
  }
}

let marks: Array<i32> = new Array<i32>(0); // generation per pc
let gen_: i32 = 0;
let stack: Array<i32> = new Array<i32>(0);
let matched: bool = false;

function addThread(re: Regex, list: ThreadList, pc0: i32, prev: i32, next: i32): void {
  let sp = 0;
  unchecked((stack[sp++] = pc0));
  while (sp > 0) {
    let pc = unchecked(stack[--sp]);
    if (unchecked(marks[pc]) == gen_) continue;
    unchecked((marks[pc] = gen_));
    let op = unchecked(re.op[pc]);
    switch (op) {
      case I_JMP:
        unchecked((stack[sp++] = re.a[pc]));
        break;
      case I_SPLIT:
        // push b first so a is explored first (order is irrelevant for a yes/no answer)
        unchecked((stack[sp++] = re.b[pc]));
        unchecked((stack[sp++] = re.a[pc]));
        break;
      case I_ASSERT: {
        let ok = false;
        switch (unchecked(re.a[pc])) {
          case A_BOL:
            ok = prev < 0;
            break;
          case A_EOL:
            ok = next < 0;
            break;
          case A_BOLM:
            ok = prev < 0 || prev == 10;
            break;
          case A_EOLM:
            ok = next < 0 || next == 10;
            break;
          case A_WORDB:
            ok = isWordCp(prev) != isWordCp(next);
            break;
          case A_NWORDB:
            ok = isWordCp(prev) == isWordCp(next);
            break;
        }
        if (ok) unchecked((stack[sp++] = pc + 1));
        break;
      }
      case I_MATCH:
        matched = true;
        break;
      default:
        unchecked((list.pcs[list.n++] = pc));
    }
  }
}

/** Whether re matches anywhere in s. */
export function regexMatch(re: Regex, s: string): bool {
  let size = re.op.length;
  // fresh per call: module state must not point into heap memory of an earlier evaluation
  marks = new Array<i32>(size);
  stack = new Array<i32>(size * 2 + 2);
  matched = false;
  let clist = new ThreadList(size);
  let nlist = new ThreadList(size);
  let n = s.length;
  let c: i32 = n > 0 ? <i32>cpAt(s, 0) : -1;
  gen_ = 1;
  addThread(re, clist, 0, -1, c);
  let i = 0;
  while (true) {
    if (matched) return true;
    if (c < 0) return false;
    let next = i + cpUnits(<u32>c);
    let c2: i32 = next < n ? <i32>cpAt(s, next) : -1;
    gen_++;
    nlist.n = 0;
    for (let t = 0; t < clist.n; t++) {
      let pc = unchecked(clist.pcs[t]);
      let ok = false;
      switch (unchecked(re.op[pc])) {
        case I_CHAR: {
          let a = unchecked(re.a[pc]);
          let b = unchecked(re.b[pc]);
          if (c == a || c == b) ok = true;
          else if (b >= 0) ok = <i32>lowerCp(<u32>c) == a || <i32>upperCp(<u32>c) == b;
          break;
        }
        case I_ANY:
          ok = c != 10 || unchecked(re.a[pc]) == 1;
          break;
        case I_CLASS:
          ok = classMatches(unchecked(re.classes[unchecked(re.a[pc])]), <u32>c);
          break;
      }
      if (ok) addThread(re, nlist, pc + 1, c, c2);
    }
    // a new thread starts at every position (unanchored search)
    addThread(re, nlist, 0, c, c2);
    let tmp = clist;
    clist = nlist;
    nlist = tmp;
    i = next;
    c = c2;
  }
  return false;
}
