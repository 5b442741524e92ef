// The classical (BT.2390 EETF on maxRGB) tone model and its EETF. The folder's door.
export { Bt2390Eetf, EetfLut, eetf, inverseEetf, type EetfParams } from './bt2390-eetf.js';
export {
  ClassicalToneModel, type ClassicalToneModelOptions, type ResolvedClassicalOptions,
} from './classical-model.js';
