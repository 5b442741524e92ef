/** src/image: still images in and out (EXR, Radiance .hdr, PNG with cICP/iTXt, JPEG with XMP, AVIF where ffmpeg has it). The folder's only door. */
export * from './image-io.js';
export * from './frames.js';
export { encodePng, readPngInfo, CICP, type Cicp, type PngInfo, type PngImage } from './png.js';
export { readJpegInfo, insertJpegXmp, manifestFromXmp, xmpWithManifest, type JpegInfo } from './jpeg.js';
export { decodeRgbe, encodeRgbe } from './rgbe.js';
export { encodeGrayJpeg } from './jpeg-gray.js';
export { applyGainMap, assembleUltraHdr, computeGainMap, splitUltraHdr, type GainMapMeta } from './ultrahdr.js';
