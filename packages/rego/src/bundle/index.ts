/** OPA bundles: build, read, sign, verify, publish (see each module's header for the format details). */
export {
  buildBundle,
  readBundle,
  parseBundleJson,
  stringifyManifest,
  writeBundleFiles,
  ARCHIVE,
  DEFAULT_LIMITS,
  type Bundle,
  type BuildBundleInput,
  type BundleLimits,
  type ReadBundleOptions,
  type BundleRegoFile,
  type WasmModule,
} from './bundle';
export {
  BundleError,
  BundleVerificationError,
  PackConfigError,
  type BundleErrorCode,
  type FileProblem,
  type ProblemLocation,
  type VerificationErrorCode,
} from './errors';
export { DATA_PATH, MANIFEST_PATH, SIGNATURES_PATH, WASM_PATH, rootPathsContain, rootPathsOverlap, type BundleManifest, type WasmResolver } from './manifest';
export { bundleInputFromPack, dataFromToml, loadPackConfig, type PackBundleOptions, type PackConfig, type PackModule } from './pack';
export {
  BUNDLE_NAME,
  publishBundles,
  uploadBundle,
  UploadError,
  type BundleServer,
  type PublishedBundle,
  type PublishOptions,
  type UploadOptions,
  type UploadResult,
} from './publish';
export {
  opaFileDigest,
  signBundle,
  signedFilesOf,
  verifyBundle,
  SIGNING_ALGORITHMS,
  type KeyMaterial,
  type SignedFile,
  type SigningAlgorithm,
  type SignOptions,
  type VerificationKey,
  type VerifyOptions,
  type VerifyResult,
} from './sign';
