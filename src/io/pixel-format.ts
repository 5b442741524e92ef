/**
 * The planar pixel formats frames cross the pipes in. Frames are always planar: one typed array
 * per plane, samples little-endian (the host's order), no padding between rows.
 */

export type PlanarFormat =
  | 'yuv420p' | 'yuv422p' | 'yuv444p'
  | 'yuv420p10le' | 'yuv422p10le' | 'yuv444p10le'
  | 'yuv420p12le' | 'yuv422p12le' | 'yuv444p12le'
  | 'gbrp' | 'gbrp10le' | 'gbrp12le' | 'gbrp16le'
  | 'gbrpf32le'
  | 'gray' | 'gray10le' | 'gray12le' | 'grayf32le';

export type Subsampling = '420' | '422' | '444' | '400';
export type SampleType = 'uint8' | 'uint16' | 'float32';

export type PlanarFormatInfo = {
  name: PlanarFormat;
  /** Significant bits per sample (32 for float). */
  bitDepth: number;
  sampleType: SampleType;
  bytesPerSample: 1 | 2 | 4;
  subsampling: Subsampling;
  /** 'yuv' planes are Y, Cb, Cr; 'rgb' planes are G, B, R (ffmpeg's gbrp order); 'gray' is one plane. */
  family: 'yuv' | 'rgb' | 'gray';
  planeCount: 1 | 3;
};

const TABLE: Record<PlanarFormat, Omit<PlanarFormatInfo, 'name'>> = {
  yuv420p: { bitDepth: 8, sampleType: 'uint8', bytesPerSample: 1, subsampling: '420', family: 'yuv', planeCount: 3 },
  yuv422p: { bitDepth: 8, sampleType: 'uint8', bytesPerSample: 1, subsampling: '422', family: 'yuv', planeCount: 3 },
  yuv444p: { bitDepth: 8, sampleType: 'uint8', bytesPerSample: 1, subsampling: '444', family: 'yuv', planeCount: 3 },
  yuv420p10le: { bitDepth: 10, sampleType: 'uint16', bytesPerSample: 2, subsampling: '420', family: 'yuv', planeCount: 3 },
  yuv422p10le: { bitDepth: 10, sampleType: 'uint16', bytesPerSample: 2, subsampling: '422', family: 'yuv', planeCount: 3 },
  yuv444p10le: { bitDepth: 10, sampleType: 'uint16', bytesPerSample: 2, subsampling: '444', family: 'yuv', planeCount: 3 },
  yuv420p12le: { bitDepth: 12, sampleType: 'uint16', bytesPerSample: 2, subsampling: '420', family: 'yuv', planeCount: 3 },
  yuv422p12le: { bitDepth: 12, sampleType: 'uint16', bytesPerSample: 2, subsampling: '422', family: 'yuv', planeCount: 3 },
  yuv444p12le: { bitDepth: 12, sampleType: 'uint16', bytesPerSample: 2, subsampling: '444', family: 'yuv', planeCount: 3 },
  gbrp: { bitDepth: 8, sampleType: 'uint8', bytesPerSample: 1, subsampling: '444', family: 'rgb', planeCount: 3 },
  gbrp10le: { bitDepth: 10, sampleType: 'uint16', bytesPerSample: 2, subsampling: '444', family: 'rgb', planeCount: 3 },
  gbrp12le: { bitDepth: 12, sampleType: 'uint16', bytesPerSample: 2, subsampling: '444', family: 'rgb', planeCount: 3 },
  gbrp16le: { bitDepth: 16, sampleType: 'uint16', bytesPerSample: 2, subsampling: '444', family: 'rgb', planeCount: 3 },
  gbrpf32le: { bitDepth: 32, sampleType: 'float32', bytesPerSample: 4, subsampling: '444', family: 'rgb', planeCount: 3 },
  gray: { bitDepth: 8, sampleType: 'uint8', bytesPerSample: 1, subsampling: '400', family: 'gray', planeCount: 1 },
  gray10le: { bitDepth: 10, sampleType: 'uint16', bytesPerSample: 2, subsampling: '400', family: 'gray', planeCount: 1 },
  gray12le: { bitDepth: 12, sampleType: 'uint16', bytesPerSample: 2, subsampling: '400', family: 'gray', planeCount: 1 },
  grayf32le: { bitDepth: 32, sampleType: 'float32', bytesPerSample: 4, subsampling: '400', family: 'gray', planeCount: 1 },
};

export function isPlanarFormat(name: string): name is PlanarFormat {
  return Object.hasOwn(TABLE, name);
}

/** Facts about a planar format. @example planarFormat('yuv420p10le').bitDepth === 10 */
export function planarFormat(name: PlanarFormat): PlanarFormatInfo {
  const info = TABLE[name];
  if (!info) throw new RangeError(`pixel format must be one of ${Object.keys(TABLE).join(', ')}, got ${String(name)}`);
  return { name, ...info };
}

/** The planar format for a family, bit depth and subsampling. @example formatFor('yuv', 10, '420') === 'yuv420p10le' */
export function formatFor(family: 'yuv', bitDepth: 8 | 10 | 12, subsampling: '420' | '422' | '444'): PlanarFormat {
  const suffix = bitDepth === 8 ? 'p' : `p${bitDepth}le`;
  return `yuv${subsampling}${suffix}` as PlanarFormat;
}

export type PlaneShape = { width: number; height: number; byteOffset: number; byteLength: number };

/** Width, height and byte offset of each plane of one frame, in ffmpeg's rawvideo layout. */
export function planeShapes(format: PlanarFormat, width: number, height: number): PlaneShape[] {
  const info = planarFormat(format);
  const cw = info.subsampling === '420' || info.subsampling === '422' ? Math.ceil(width / 2) : width;
  const ch = info.subsampling === '420' ? Math.ceil(height / 2) : height;
  const dims = info.planeCount === 1 ? [[width, height]] : [[width, height], [cw, ch], [cw, ch]];
  let offset = 0;
  return dims.map(([w, h]) => {
    const byteLength = w! * h! * info.bytesPerSample;
    const shape = { width: w!, height: h!, byteOffset: offset, byteLength };
    offset += byteLength;
    return shape;
  });
}

/** Bytes of one frame. @example frameByteLength('yuv420p10le', 1920, 1080) === 6220800 */
export function frameByteLength(format: PlanarFormat, width: number, height: number): number {
  return planeShapes(format, width, height).reduce((sum, p) => sum + p.byteLength, 0);
}

export type Plane = Uint8Array | Uint16Array | Float32Array;

/** Typed-array views of each plane over one frame buffer (no copy). The buffer must be aligned to 4 bytes. */
export function planeViews(format: PlanarFormat, width: number, height: number, data: Uint8Array): Plane[] {
  const info = planarFormat(format);
  return planeShapes(format, width, height).map((p) => {
    const offset = data.byteOffset + p.byteOffset;
    const samples = p.byteLength / info.bytesPerSample;
    if (info.sampleType === 'uint8') return new Uint8Array(data.buffer, offset, samples);
    if (info.sampleType === 'uint16') return new Uint16Array(data.buffer, offset, samples);
    return new Float32Array(data.buffer, offset, samples);
  });
}

export type SourceLayout = { bitDepth: number | null; subsampling: Subsampling | null; family: 'yuv' | 'rgb' | 'gray' | null };

/** One entry of `ffprobe -show_pixel_formats`. */
export type FfprobePixelFormat = {
  name: string;
  nb_components: number;
  log2_chroma_w?: number;
  log2_chroma_h?: number;
  flags: { rgb: number };
  components?: { bit_depth: number }[];
};

/** Bit depth, subsampling and family of any ffmpeg pixel format, from ffprobe's own table. */
export function describePixelFormat(entry: FfprobePixelFormat | undefined): SourceLayout {
  if (!entry) return { bitDepth: null, subsampling: null, family: null };
  const bitDepth = entry.components?.[0]?.bit_depth ?? null;
  const gray = entry.nb_components <= 2 && !entry.flags.rgb;
  const w = entry.log2_chroma_w ?? 0;
  const h = entry.log2_chroma_h ?? 0;
  const subsampling: Subsampling | null = gray
    ? '400'
    : w === 1 && h === 1 ? '420' : w === 1 && h === 0 ? '422' : w === 0 && h === 0 ? '444' : null;
  return { bitDepth, subsampling, family: gray ? 'gray' : entry.flags.rgb ? 'rgb' : 'yuv' };
}
