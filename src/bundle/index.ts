/** src/bundle: a duhdr bundle (manifest, SDR video, models, checksums in a stored zip). The folder's only door. */
export {
  MANIFEST_ENTRY,
  CHECKSUMS_ENTRY,
  MODELS_DIR,
  VIDEO_EXTENSIONS,
  MAX_MANIFEST_BYTES,
  MAX_MODEL_BYTES,
  MAX_CHECKSUMS_BYTES,
  MAX_ENTRIES,
  MAX_MODEL_NAME_LENGTH,
  MODEL_NAME_PATTERN,
  type BundleEntry,
  type EntryKind,
  type VideoEntryName,
  type VideoExtension,
} from './layout.js';
export {
  createBundle,
  type BundleModel,
  type BundleProgress,
  type CreateBundleOptions,
  type CreatedBundle,
} from './create-bundle.js';
export { openBundle, type Bundle, type EntryStreamOptions, type OpenBundleOptions } from './open-bundle.js';
export { unpackBundle, type UnpackOptions } from './unpack-bundle.js';
