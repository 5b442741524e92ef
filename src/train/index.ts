/** src/train: dual learning of the camera networks (`duhdr train`). */
export { TRAIN_VARIANTS, type TrainVariant } from './variants.js';
export { train, validate, type TrainOptions, type TrainResult, type TrainEvent, type LossRecord, type ValidationRecord } from './trainer.js';
export { DEFAULT_LOSS_WEIGHTS, PQ_1000, dualLoss, quantize8, type LossTerms, type LossWeights, type TrainBatch } from './losses.js';
export { readCheckpointState, writeTrainingReport, type TrainingReportInput } from './report.js';
export { HdrImageSet, LdrImageSet, createRng, simulateCamera, type PairedSample, type RgbImage, type Rng } from './data/index.js';
export { adaptForward, type AdaptFrame, type AdaptOptions, type AdaptResult } from './adapt.js';
