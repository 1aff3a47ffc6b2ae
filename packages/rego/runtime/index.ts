// Entry file of a policy module (AssemblyScript): exactly the exports the OPA SDK uses.
// Compiled with the generated policy.ts next to it and rt.ts as the runtime.
export {
  opa_wasm_abi_version,
  opa_wasm_abi_minor_version,
  builtins,
  entrypoints,
  opa_malloc,
  opa_free,
  opa_json_parse,
  opa_json_dump,
  opa_value_parse,
  opa_value_dump,
  opa_heap_ptr_get,
  opa_heap_ptr_set,
  opa_eval,
  opa_eval_ctx_new,
  opa_eval_ctx_set_input,
  opa_eval_ctx_set_data,
  opa_eval_ctx_set_entrypoint,
  opa_eval_ctx_get_result,
  eval,
} from "./abi";
