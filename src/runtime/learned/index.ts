// src/runtime/learned: the learned tone model on TF.js and the frame helpers it shares with
// encode --adapt. A door of its own: importing it loads TF.js (~0.5 s), which the classical path never needs.
export { LearnedToneModel, areaResizePlanes, areaThumbnail, areaThumbnailPlanes, hdrPlanes, quantizeIncrements } from './learned-model.js';
