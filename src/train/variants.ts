// The training variants on their own, without TF.js: the CLI lists them in --help.

/**
 * What a run trains (the ablation of issue #4; `full` is the shipped recipe):
 * - `forward-only`: F alone on the paired blind loss; R stays at its initial identity curve.
 * - `no-attention`: the attention heads stay at their initial zero output, so both gains are
 *   exactly 1 everywhere (the same as removing the module).
 * - `no-cycle`: no unpaired R(F(SDR)) ≈ SDR term, so real SDR footage is not used.
 */
export const TRAIN_VARIANTS = ['full', 'forward-only', 'no-attention', 'no-cycle'] as const;
export type TrainVariant = (typeof TRAIN_VARIANTS)[number];
