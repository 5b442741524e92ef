// Colour science for duhdr: transfer functions, primaries, Y'CbCr, chroma resampling and
// ICtCp, all planar over Float32Array. Other folders import from here only.

export type {
  BitDepth, IntPlane, Mat3, Matrix, Primaries, Range, Subsampling, Transfer, YcbcrSpec,
} from './types.js';

export { PQ_MAX_NITS, pqDecode, pqDecodePlane, pqEncode, pqEncodePlane } from './pq.js';

export {
  hlgDecodePlanes, hlgEncodePlanes, hlgInverseOetf, hlgInverseOetfPlane, hlgInverseOotf,
  hlgInverseOotfPlanes, hlgOetf, hlgOetfPlane, hlgOotf, hlgOotfPlanes, hlgSystemGamma,
} from './hlg.js';

export {
  bt1886Eotf, bt1886EotfPlane, bt1886InverseEotf, bt1886InverseEotfPlane, bt709InverseOetf,
  bt709InverseOetfPlane, bt709Oetf, bt709OetfPlane, srgbDecode, srgbDecodePlane, srgbEncode,
  srgbEncodePlane,
} from './gamma.js';

export type { Chromaticities } from './primaries.js';
export {
  BT2020_TO_BT709, BT2020_TO_XYZ, BT709_TO_BT2020, BT709_TO_XYZ, CHROMATICITIES, XYZ_TO_BT2020,
  XYZ_TO_BT709, applyMatrix3, applyMatrix3Scalar, invertMat3, multiplyMat3, primariesMatrix,
  rgbToXyzMatrix,
} from './primaries.js';

export type { CodeRange, LumaCoefficients, YcbcrComponent } from './ycbcr.js';
export {
  codeRange, dequantizeYcbcrPlane, lumaCoefficients, quantizeYcbcrPlane, rgbToYcbcr,
  rgbToYcbcrFloat, rgbToYcbcrPlanes, ycbcrFloatToRgb, ycbcrToRgb, ycbcrToRgbPlanes,
} from './ycbcr.js';

export { chromaSize, downsampleChroma, upsampleChroma } from './chroma.js';

export {
  BT2020_TO_LMS, LMS_PQ_TO_ICTCP, ictcpToRgb2020, ictcpToRgb2020Planes, rgb2020ToIctcp,
  rgb2020ToIctcpPlanes,
} from './ictcp.js';

export { HDR_LAYOUT, SDR_LAYOUT, YuvFrameConverter, type RgbPlanes, type YuvLayout } from './yuv-frame.js';

export { applyFloatLut, buildFloatLut, type FloatLut } from './float-lut.js';
