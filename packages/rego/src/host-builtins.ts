/**
 * Built-ins a compiled module calls through the host (the SDK's `customBuiltins`): values a Wasm
 * module cannot compute itself. Pass `hostBuiltins()` to `loadPolicy(wasm, undefined, ...)`.
 */
export type HostBuiltin = (...args: unknown[]) => unknown;

export interface HostBuiltinOptions {
  /** Epoch milliseconds (default Date.now); time.now_ns answers it in nanoseconds. */
  readonly clock?: () => number;
}

export function hostBuiltins(options: HostBuiltinOptions = {}): Record<string, HostBuiltin> {
  const clock = options.clock ?? Date.now;
  return {
    // nanoseconds as a double: exact to the microsecond at current epochs (documented in README)
    'time.now_ns': () => clock() * 1e6,
  };
}
