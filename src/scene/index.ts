/** src/scene: camera moves through real HDR panoramas (sample clips, training crops). */
export { renderView, panPose, easeInOut, type CameraPose } from './panorama-camera.js';
export { exposureScale, medianLuminance, LightLevelMeter } from './exposure.js';
export { renderHdrClip, P3_D65_DISPLAY, type HdrClipSpec } from './render-clip.js';
