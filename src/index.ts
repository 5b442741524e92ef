/**
 * duhdr's library API. The CLI is a thin layer over it.
 *
 * @example
 * import { probe } from 'duhdr';
 * const info = await probe('clip.mkv');
 * console.log(info.video?.dynamicRange); // 'pq' | 'hlg' | 'sdr' | 'unknown'
 */
export * from './io/index.js';
export * as color from './color/index.js';
export * as scene from './scene/index.js';
