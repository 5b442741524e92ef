import { z } from 'zod';
import { InputError } from '../io/index.js';

/** The restoration manifest: everything restore needs, carried inside the SDR file. */

export const MANIFEST_FORMAT = 'duhdr-manifest';
export const MANIFEST_VERSION = 1;
/** Upper bound on a manifest's serialized size: an untrusted file cannot make us parse more. */
export const MANIFEST_MAX_BYTES = 16 * 1024 * 1024;
const MAX_FRAMES = 10_000_000;
const MAX_SIDE_FIELDS = 64;
/** Adapted forward weights: the shipped F has ~20k parameters (~54 kB as float16 in base64); 4 MB leaves room for larger models. */
const MAX_ADAPTED_BASE64 = 4 * 1024 * 1024;

const chromaticity = z.strictObject({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) });
const masteringDisplay = z.strictObject({
  red: chromaticity,
  green: chromaticity,
  blue: chromaticity,
  whitePoint: chromaticity,
  minLuminance: z.number().min(0).max(10_000),
  maxLuminance: z.number().positive().max(10_000),
});
const contentLightLevel = z.strictObject({ maxCll: z.number().int().min(0).max(65_535), maxFall: z.number().int().min(0).max(65_535) });
const dimension = z.number().int().min(2).max(16_384);
const tag = z.string().max(32).regex(/^[a-z0-9-]+$/).nullable();

export const manifestSchema = z
  .strictObject({
    format: z.literal(MANIFEST_FORMAT),
    version: z.literal(MANIFEST_VERSION),
    createdBy: z.string().max(200),
    source: z.strictObject({
      file: z.string().max(1024),
      width: dimension,
      height: dimension,
      frameRate: z.strictObject({ num: z.number().int().positive().max(1_000_000), den: z.number().int().positive().max(1_000_000) }),
      frameCount: z.number().int().min(1).max(MAX_FRAMES),
      transfer: z.enum(['pq', 'hlg']),
      primaries: tag,
      matrix: tag,
      range: z.enum(['limited', 'full']).nullable(),
      hdr10: z.strictObject({ masteringDisplay: masteringDisplay.nullable(), contentLightLevel: contentLightLevel.nullable() }),
    }),
    sdr: z.strictObject({ width: dimension, height: dimension, pixelFormat: z.literal('yuv420p'), codec: z.string().max(32) }),
    model: z.strictObject({
      id: z.string().min(1).max(100).regex(/^[a-z0-9][a-z0-9.-]*$/),
      hash: z.string().regex(/^[0-9a-f]{64}$/),
      /** `encode --adapt`: the forward network fine-tuned on this clip, replacing the model's F at restore. */
      adaptedForward: z
        .strictObject({
          /** Float16 little-endian weights of F in the model's parameter-table order, base64. */
          weights: z.string().max(MAX_ADAPTED_BASE64).regex(/^[A-Za-z0-9+/]*={0,2}$/),
          /** sha256 of the decoded weight bytes. */
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
          steps: z.number().int().min(1),
          seconds: z.number().min(0),
          /** Guided-restore PU21-PSNR (dB) on frames held out from the tuning, before and after. */
          heldOutBefore: z.number().finite(),
          heldOutAfter: z.number().finite(),
        })
        .optional(),
    }),
    sideInfo: z.strictObject({
      fields: z.array(z.string().min(1).max(64).regex(/^[A-Za-z0-9_]+$/)).max(MAX_SIDE_FIELDS),
      frames: z.array(z.array(z.number().finite())).max(MAX_FRAMES),
    }),
    /**
     * Present when the source was a still image: its container, and the cd/m² one unit of a
     * scene-referred source (EXR, .hdr) was taken as, so restore can write the same units back
     * (null for display-referred sources: PQ/HLG PNG, AVIF).
     */
    image: z
      .strictObject({ container: z.enum(['exr', 'hdr', 'png', 'avif']), nitsPerUnit: z.number().positive().max(1e9).nullable() })
      .optional(),
  })
  .superRefine((m, ctx) => {
    if (m.sideInfo.frames.length !== m.source.frameCount) {
      ctx.addIssue({ code: 'custom', path: ['sideInfo', 'frames'], message: `has ${m.sideInfo.frames.length} entries for ${m.source.frameCount} frames` });
    }
    const width = m.sideInfo.fields.length;
    const bad = m.sideInfo.frames.findIndex((f) => f.length !== width);
    if (bad >= 0) ctx.addIssue({ code: 'custom', path: ['sideInfo', 'frames', bad], message: `has ${m.sideInfo.frames[bad]!.length} values, expected ${width}` });
  });

export type Manifest = z.infer<typeof manifestSchema>;

/** Serialize compactly (side info dominates the size). */
export function serializeManifest(m: Manifest): string {
  return JSON.stringify(m);
}

/**
 * Parse and validate an untrusted manifest: bounded size, strict schema (unknown fields are
 * rejected), side info consistent with the frame count. Errors name the file and the field.
 */
export function parseManifest(text: string, file: string): Manifest {
  if (Buffer.byteLength(text, 'utf8') > MANIFEST_MAX_BYTES) {
    throw new InputError(file, `manifest is larger than ${MANIFEST_MAX_BYTES} bytes — refusing to parse it`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, `manifest is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : 'manifest';
    throw new InputError(file, `manifest is invalid: ${where} ${issue.message}`);
  }
  return result.data;
}
