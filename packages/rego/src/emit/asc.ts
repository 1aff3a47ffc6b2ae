/**
 * EMIT (second half): the generated `policy.ts` + the runtime written once in AssemblyScript
 * (packages/rego/runtime/*.ts) -> an OPA-ABI Wasm module, compiled in memory by asc.
 *
 * assemblyscript is ESM-only and this package is CommonJS, so asc runs in a worker thread
 * (asc-worker.mjs next to this file's source) that stays warm across compiles: started on
 * first use, unref'd while idle so it never keeps the process alive, stopped by
 * closeAssemblyScript(). The worker and the runtime sources are found from the package root,
 * so this works from src/ (jest, tsx) and from dist/ (after tsc -b) alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface AscOptions {
  /** Binaryen optimization level (default 3). */
  readonly optimizeLevel?: 0 | 1 | 2 | 3;
  /** Binaryen shrink level (default 0). */
  readonly shrinkLevel?: 0 | 1 | 2;
  /** Keep debug names in the binary (default false). */
  readonly debug?: boolean;
  /** Extra AssemblyScript files compiled alongside policy.ts, by file name (e.g. 'helpers.ts'). */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * asc flags of every compile (plus -O<level>, --shrinkLevel and the file names):
 * - --runtime ./rt: the bump allocator of runtime/rt.ts is the only allocator;
 * - --importMemory --noExportMemory: the host creates env.memory (opa-wasm: 5 pages);
 * - --stackSize ' -1': a custom runtime otherwise gets asc's shadow stack (32 KiB, sized for
 *   the incremental GC); a negative size disables it (the leading space gets the value past
 *   asc's option parser, which takes "-1" for a flag);
 * - --use abort=abi/asAbort: AssemblyScript's runtime errors end in opa_abort, so the module
 *   imports nothing but env.memory, opa_abort, opa_println and opa_builtin0..4;
 * - --noAssert: assertions compiled out (the runtime does its own checks);
 * - --noColors: plain diagnostics text in errors.
 */
export const ASC_FLAGS: readonly string[] = [
  '--runtime',
  './rt',
  '--importMemory',
  '--noExportMemory',
  '--stackSize',
  ' -1',
  '--use',
  'abort=abi/asAbort',
  '--noAssert',
  '--noColors',
];

function findPackageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const name: unknown = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
      if (name === '@dynamic-capital/contracts-rego') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`@dynamic-capital/contracts-rego: package root not found from ${__dirname}`);
    dir = parent;
  }
}

let packageRoot: string | undefined;

/** Directory of the AssemblyScript runtime sources (rt.ts, value.ts, json.ts, builtins.ts, abi.ts, index.ts, ...). */
export function runtimeDir(): string {
  packageRoot ??= findPackageRoot();
  return join(packageRoot, 'runtime');
}

function workerPath(): string {
  packageRoot ??= findPackageRoot();
  return join(packageRoot, 'src', 'emit', 'asc-worker.mjs');
}

interface Pending {
  resolve(wasm: Uint8Array): void;
  reject(err: Error): void;
}

interface WorkerReply {
  id: number;
  wasm?: Uint8Array;
  error?: string;
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function failAll(err: Error): void {
  for (const p of pending.values()) p.reject(err);
  pending.clear();
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(workerPath(), { workerData: { runtimeDir: runtimeDir() } });
  w.unref();
  w.on('message', (reply: WorkerReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (pending.size === 0) w.unref();
    if (reply.error !== undefined) p.reject(new Error(`AssemblyScript compilation failed:\n${reply.error}`));
    else if (reply.wasm) p.resolve(reply.wasm);
    else p.reject(new Error('AssemblyScript compilation failed: no output'));
  });
  w.on('error', (err) => {
    if (worker === w) worker = undefined;
    failAll(err);
  });
  w.on('exit', (code) => {
    if (worker === w) worker = undefined;
    if (pending.size > 0) failAll(new Error(`AssemblyScript compiler worker exited (code ${code})`));
  });
  worker = w;
  return w;
}

/** asc arguments for one compile (entry index.ts, output policy.wasm). */
export function ascArguments(options: AscOptions = {}): string[] {
  const args = ['index.ts', '--outFile', 'policy.wasm', ...ASC_FLAGS];
  args.push('--optimizeLevel', String(options.optimizeLevel ?? 3), '--shrinkLevel', String(options.shrinkLevel ?? 0));
  if (options.debug) args.push('--debug');
  return args;
}

/**
 * Compiles the runtime + `policySource` (the generated policy.ts) into a Wasm module.
 * Rejects with an Error carrying asc's diagnostics when the source does not compile.
 */
export function compileAssemblyScript(policySource: string, options: AscOptions = {}): Promise<Uint8Array> {
  const w = getWorker();
  const id = nextId++;
  return new Promise<Uint8Array>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ id, policy: policySource, files: options.files ?? {}, args: ascArguments(options) });
  });
}

/** Stops the compiler worker (tests); the next compile starts a new one. */
export async function closeAssemblyScript(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (!w) return;
  failAll(new Error('AssemblyScript compiler worker closed'));
  await w.terminate();
}

// ---------------------------------------------------------------------------------------------
// Regular expressions: the syntax runtime/regex.ts implements (an RE2 subset), checked at
// compile time for constant patterns. Keep in step with the parser in runtime/regex.ts.

/** Largest number of NFA instructions a pattern may compile to (runtime/regex.ts: MAX_PROG). */
const REGEX_MAX_PROG = 10000;
const REGEX_MAX_REPEAT = 1000;
const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);

class RegexSyntax {
  private i = 0;
  private readonly cps: number[];

  constructor(pattern: string) {
    this.cps = Array.from(pattern, (ch) => ch.codePointAt(0) ?? 0);
  }

  private peek(k = 0): number {
    return this.i + k < this.cps.length ? (this.cps[this.i + k] ?? -1) : -1;
  }

  /** Program size of the whole pattern, or -1 when unsupported or invalid. */
  parse(): number {
    const size = this.alt(0);
    if (size < 0 || size + 1 > REGEX_MAX_PROG || this.i !== this.cps.length) return -1; // + the final match instruction
    return size;
  }

  private alt(depth: number): number {
    if (depth > 1000) return -1;
    let total = 0;
    let branches = 0;
    for (;;) {
      const s = this.concat(depth);
      if (s < 0) return -1;
      total += s;
      branches++;
      if (this.peek() !== 0x7c) break; // |
      this.i++;
    }
    return total + 2 * (branches - 1);
  }

  private concat(depth: number): number {
    let total = 0;
    for (;;) {
      const c = this.peek();
      if (c === -1 || c === 0x7c || c === 0x29) return total; // end | )
      const s = this.repeat(depth);
      if (s < 0) return -1;
      total += s;
      if (total > REGEX_MAX_PROG) return -1;
    }
  }

  /** {n}, {n,}, {n,m} at i: [min, max(-1 = unbounded), length], or null when not a repetition. */
  private braces(): [number, number, number] | null {
    let j = this.i + 1;
    const num = (): number => {
      let n = -1;
      while (j < this.cps.length) {
        const d = this.cps[j] ?? 0;
        if (d < 0x30 || d > 0x39) break;
        n = (n < 0 ? 0 : n) * 10 + (d - 0x30);
        if (n > 100000) n = 100000;
        j++;
      }
      return n;
    };
    const min = num();
    if (min < 0) return null;
    let max = min;
    if (this.cps[j] === 0x2c) {
      j++;
      max = num(); // -1: unbounded
    }
    if (this.cps[j] !== 0x7d) return null;
    return [min, max, j + 1 - this.i];
  }

  private isQuantifier(): boolean {
    const c = this.peek();
    return c === 0x2a || c === 0x2b || c === 0x3f || (c === 0x7b && this.braces() !== null);
  }

  private repeat(depth: number): number {
    if (this.isQuantifier()) return -1; // missing argument to repetition operator
    const s = this.atom(depth);
    if (s < 0) return -1;
    if (!this.isQuantifier()) return s;
    const c = this.peek();
    let min = 0;
    let max = -1;
    if (c === 0x2a) this.i++;
    else if (c === 0x2b) {
      min = 1;
      this.i++;
    } else if (c === 0x3f) {
      max = 1;
      this.i++;
    } else {
      const b = this.braces();
      if (!b) return -1;
      [min, max] = b;
      this.i += b[2];
      if (min > REGEX_MAX_REPEAT || max > REGEX_MAX_REPEAT || (max >= 0 && max < min)) return -1;
    }
    if (this.peek() === 0x3f) this.i++; // lazy
    if (this.isQuantifier()) return -1; // invalid nested repetition operator
    const size = max < 0 ? min * s + s + 2 : min * s + (max - min) * (s + 1);
    return size > REGEX_MAX_PROG ? -1 : size;
  }

  private flags(): boolean {
    // (?flags) or (?flags:  -- at i: after "(?"
    let any = false;
    let neg = false;
    for (;;) {
      const c = this.peek();
      if (c === 0x69 || c === 0x6d || c === 0x73 || c === 0x55) {
        any = true;
        this.i++;
      } else if (c === 0x2d && !neg) {
        neg = true;
        any = false;
        this.i++;
      } else {
        return any;
      }
    }
  }

  private atom(depth: number): number {
    const c = this.peek();
    switch (c) {
      case 0x28: {
        // (
        this.i++;
        if (this.peek() === 0x3f) {
          this.i++;
          const d = this.peek();
          if (d === 0x3a) this.i++;
          else if (d === 0x50 || d === 0x3c) {
            // (?P<name> or (?<name>
            if (d === 0x50) this.i++;
            if (this.peek() !== 0x3c) return -1;
            this.i++;
            let n = 0;
            while (this.peek() !== 0x3e) {
              const ch = this.peek();
              const ok = ch === 0x5f || (ch >= 0x30 && ch <= 0x39) || ((ch | 0x20) >= 0x61 && (ch | 0x20) <= 0x7a);
              if (!ok) return -1;
              this.i++;
              n++;
            }
            if (n === 0) return -1;
            this.i++;
          } else {
            if (!this.flags()) return -1;
            if (this.peek() === 0x29) {
              this.i++;
              return this.isQuantifier() ? -1 : 0; // nothing to repeat
            }
            if (this.peek() !== 0x3a) return -1;
            this.i++;
          }
        }
        const s = this.alt(depth + 1);
        if (s < 0 || this.peek() !== 0x29) return -1;
        this.i++;
        return s;
      }
      case 0x5b: // [
        return this.cls() ? 1 : -1;
      case 0x5c: // backslash
        return this.escape(false) >= -1 ? 1 : -1;
      case 0x29: // )
        return -1;
      default:
        this.i++;
        return 1; // literal, . ^ $ and a { that does not start a repetition
    }
  }

  /**
   * Escape at i (a backslash). Returns the code point of a literal escape, -1 for a class or
   * assertion escape, -2 when unsupported or invalid.
   */
  private escape(inClass: boolean): number {
    this.i++;
    const c = this.peek();
    if (c === -1) return -2;
    this.i++;
    switch (c) {
      case 0x64: // d D w W s S
      case 0x44:
      case 0x77:
      case 0x57:
      case 0x73:
      case 0x53:
        return -1;
      case 0x62: // b B A z: assertions, not inside classes
      case 0x42:
      case 0x41:
      case 0x7a:
        return inClass ? -2 : -1;
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
        // \xhh or \x{h...}
        const hex = (d: number): number => {
          if (d >= 0x30 && d <= 0x39) return d - 0x30;
          const l = d | 0x20;
          return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
        };
        if (this.peek() === 0x7b) {
          this.i++;
          let v = 0;
          let n = 0;
          while (this.peek() !== 0x7d) {
            const h = hex(this.peek());
            if (h < 0) return -2;
            v = v * 16 + h;
            if (v > 0x10ffff) return -2;
            this.i++;
            n++;
          }
          this.i++;
          return n > 0 ? v : -2;
        }
        const h1 = hex(this.peek());
        const h2 = hex(this.peek(1));
        if (h1 < 0 || h2 < 0) return -2;
        this.i += 2;
        return h1 * 16 + h2;
      }
    }
    // escaped ASCII punctuation is a literal; letters, digits (octal, backreferences), \p, \Q, \C: unsupported
    if (c < 0x80 && !((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a)) && c !== 0x5f) return c;
    return -2;
  }

  private cls(): boolean {
    this.i++; // [
    if (this.peek() === 0x5e) this.i++;
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === -1) return false;
      if (c === 0x5d && !first) {
        this.i++;
        return true;
      }
      first = false;
      // [:name:]
      if (c === 0x5b && this.peek(1) === 0x3a) {
        const close = this.cps.indexOf(0x5d, this.i);
        if (close > 0 && this.cps[close - 1] === 0x3a) {
          let name = String.fromCodePoint(...this.cps.slice(this.i + 2, close - 1));
          if (name.startsWith('^')) name = name.slice(1);
          if (!POSIX_CLASSES.has(name)) return false;
          this.i = close + 1;
          continue;
        }
      }
      let lo: number;
      if (c === 0x5c) {
        lo = this.escape(true);
        if (lo === -2) return false;
        if (lo === -1) {
          if (this.peek() === 0x2d && this.peek(1) !== 0x5d) return false; // class escape as range start
          continue;
        }
      } else {
        lo = c;
        this.i++;
      }
      if (this.peek() === 0x2d && this.peek(1) !== 0x5d && this.peek(1) !== -1) {
        this.i++;
        let hi: number;
        if (this.peek() === 0x5c) {
          hi = this.escape(true);
          if (hi < 0) return false;
        } else {
          hi = this.peek();
          this.i++;
        }
        if (hi < lo) return false;
      }
    }
  }
}

/**
 * Whether runtime/regex.ts supports `pattern`: RE2 syntax without Unicode classes (\p, \P),
 * \Q...\E, \C, octal escapes and backreferences; repetition counts up to 1000. Invalid
 * patterns are not supported either.
 */
export function regexSupported(pattern: string): boolean {
  return new RegexSyntax(pattern).parse() >= 0;
}
