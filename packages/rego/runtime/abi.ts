// OPA Wasm ABI 1.2 (AssemblyScript), as @open-policy-agent/opa-wasm loads it.
//
// Imports (env only): memory, opa_abort, opa_println, opa_builtin0..4.
// Exports (through index.ts): opa_wasm_abi_version, opa_wasm_abi_minor_version, builtins,
// entrypoints, opa_malloc, opa_free, opa_json_parse, opa_json_dump, opa_value_dump,
// opa_value_parse, opa_heap_ptr_get, opa_heap_ptr_set, opa_eval (fast path) and the
// context path (opa_eval_ctx_new, _set_input, _set_data, _set_entrypoint, eval,
// opa_eval_ctx_get_result).
//
// Helpers for generated code: abortWith, printLine, callHost0..4, resetCaches.
//
// Value addresses handed to the host are the addresses of Value objects; the host only
// passes them back (to opa_json_dump, opa_eval, opa_eval_ctx_set_*).

import { Value, Arr } from "./value";
import { parseJSON, parseJSONString, dumpJSON } from "./json";
import { ENTRYPOINTS_JSON, BUILTINS_JSON, evalEntrypoint } from "./policy";
import { resetBuiltinCaches } from "./builtins";

// @ts-ignore: decorator
@external("env", "opa_abort")
declare function opa_abort(addr: usize): void;

// @ts-ignore: decorator
@external("env", "opa_println")
declare function opa_println(addr: usize): void;

// @ts-ignore: decorator
@external("env", "opa_builtin0")
declare function opa_builtin0(id: i32, ctx: usize): usize;

// @ts-ignore: decorator
@external("env", "opa_builtin1")
declare function opa_builtin1(id: i32, ctx: usize, a: usize): usize;

// @ts-ignore: decorator
@external("env", "opa_builtin2")
declare function opa_builtin2(id: i32, ctx: usize, a: usize, b: usize): usize;

// @ts-ignore: decorator
@external("env", "opa_builtin3")
declare function opa_builtin3(id: i32, ctx: usize, a: usize, b: usize, c: usize): usize;

// @ts-ignore: decorator
@external("env", "opa_builtin4")
declare function opa_builtin4(id: i32, ctx: usize, a: usize, b: usize, c: usize, d: usize): usize;

export const opa_wasm_abi_version: i32 = 1;
export const opa_wasm_abi_minor_version: i32 = 2;

// ---------------------------------------------------------------------------------------
// Helpers for generated code

/** NUL-terminated ASCII copy of s in heap memory (other characters become '?'). */
function asciiz(s: string): usize {
  let n = s.length;
  let p = __alloc(<usize>n + 1);
  for (let i = 0; i < n; i++) {
    let c = <u32>s.charCodeAt(i);
    store<u8>(p + <usize>i, <u8>(c >= 32 && c < 127 ? c : c == 10 || c == 9 ? c : 63));
  }
  store<u8>(p + <usize>n, 0);
  return p;
}

/** Aborts evaluation: the host throws message (e.g. "eval_conflict_error: ..."). */
export function abortWith(message: string): void {
  opa_abort(asciiz(message));
  unreachable();
}

/** Prints a line through the host (print built-in). */
export function printLine(message: string): void {
  let b = String.UTF8.encode(message, true);
  opa_println(changetype<usize>(b));
}

// @ts-ignore: decorator
@inline function hostResult(r: usize): Value | null {
  return r == 0 ? null : changetype<Value>(r);
}

/** Calls host built-in id (ids from BUILTINS_JSON); null when the result is undefined. */
export function callHost0(id: i32): Value | null {
  return hostResult(opa_builtin0(id, 0));
}

export function callHost1(id: i32, a: Value): Value | null {
  return hostResult(opa_builtin1(id, 0, changetype<usize>(a)));
}

export function callHost2(id: i32, a: Value, b: Value): Value | null {
  return hostResult(opa_builtin2(id, 0, changetype<usize>(a), changetype<usize>(b)));
}

export function callHost3(id: i32, a: Value, b: Value, c: Value): Value | null {
  return hostResult(opa_builtin3(id, 0, changetype<usize>(a), changetype<usize>(b), changetype<usize>(c)));
}

export function callHost4(id: i32, a: Value, b: Value, c: Value, d: Value): Value | null {
  return hostResult(opa_builtin4(id, 0, changetype<usize>(a), changetype<usize>(b), changetype<usize>(c), changetype<usize>(d)));
}

/** Drops per-evaluation caches (they live in the heap, which the host rewinds). */
export function resetCaches(): void {
  resetBuiltinCaches();
}

/** Target of AssemblyScript's abort (asc --use abort=abi/asAbort): runtime errors. */
export function asAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let m = "internal_error: " + (message !== null ? message : "abort");
  if (fileName !== null) m += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  abortWith(m);
}

// ---------------------------------------------------------------------------------------
// ABI exports

export function builtins(): usize {
  let v = parseJSONString(BUILTINS_JSON);
  if (v === null) abortWith("internal_error: invalid BUILTINS_JSON");
  return changetype<usize>(v);
}

export function entrypoints(): usize {
  let v = parseJSONString(ENTRYPOINTS_JSON);
  if (v === null) abortWith("internal_error: invalid ENTRYPOINTS_JSON");
  return changetype<usize>(v);
}

export function opa_malloc(size: usize): usize {
  return __alloc(size);
}

export function opa_free(ptr: usize): void {
  // bump allocator: memory is reclaimed by rewinding the heap pointer
}

export function opa_json_parse(addr: usize, len: usize): usize {
  let v = parseJSON(addr, <i32>len);
  return v === null ? 0 : changetype<usize>(v);
}

export function opa_value_parse(addr: usize, len: usize): usize {
  return opa_json_parse(addr, len);
}

export function opa_json_dump(addr: usize): usize {
  return dumpJSON(changetype<Value>(addr));
}

export function opa_value_dump(addr: usize): usize {
  return dumpJSON(changetype<Value>(addr));
}

export function opa_heap_ptr_get(): usize {
  return __rt_heap_get();
}

export function opa_heap_ptr_set(ptr: usize): void {
  __rt_heap_set(ptr);
  resetCaches();
}

/**
 * Fast path (ABI 1.2): rewinds the heap to heapPtr, parses the input bytes (inputLen 0:
 * no input), evaluates and returns the address of the NUL-terminated result set JSON.
 */
export function opa_eval(reserved: usize, entrypoint: i32, dataAddr: usize, inputAddr: usize, inputLen: usize, heapPtr: usize, format: i32): usize {
  __rt_heap_set(heapPtr);
  resetCaches();
  let input: Value | null = null;
  if (inputLen > 0) {
    input = parseJSON(inputAddr, <i32>inputLen);
    if (input === null) abortWith("internal_error: invalid input JSON");
  }
  let data = dataAddr != 0 ? changetype<Value>(dataAddr) : parseJSONString("{}");
  let rs = evalEntrypoint(entrypoint, input, changetype<Value>(data));
  return dumpJSON(rs);
}

// Evaluation context (ABI 1.0 path)
@final class EvalCtx {
  input: Value | null = null;
  data: Value | null = null;
  entrypoint: i32 = 0;
  result: Arr | null = null;
}

export function opa_eval_ctx_new(): usize {
  return changetype<usize>(new EvalCtx());
}

export function opa_eval_ctx_set_input(ctx: usize, input: usize): void {
  changetype<EvalCtx>(ctx).input = input == 0 ? null : changetype<Value>(input);
}

export function opa_eval_ctx_set_data(ctx: usize, data: usize): void {
  changetype<EvalCtx>(ctx).data = data == 0 ? null : changetype<Value>(data);
}

export function opa_eval_ctx_set_entrypoint(ctx: usize, entrypoint: i32): void {
  changetype<EvalCtx>(ctx).entrypoint = entrypoint;
}

export function opa_eval_ctx_get_result(ctx: usize): usize {
  let r = changetype<EvalCtx>(ctx).result;
  return r === null ? 0 : changetype<usize>(r);
}

export function eval(ctx: usize): i32 {
  resetCaches();
  let c = changetype<EvalCtx>(ctx);
  let data = c.data;
  if (data === null) data = parseJSONString("{}");
  c.result = changetype<Arr>(evalEntrypoint(c.entrypoint, c.input, changetype<Value>(data)));
  return 0;
}
