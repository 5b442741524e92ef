import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InputError, OptionError, crfProblem, maxCrf, speedPresetProblem, validateEncoderSettings, type EncoderSettings } from '../io/index.js';

/** The presets folder shipped with the package. */
export const PRESETS_DIR = fileURLToPath(new URL('../../presets/', import.meta.url));

const encoderSchema = z.strictObject({
  codec: z.enum(['libx264', 'libx265', 'libaom-av1', 'libsvtav1', 'ffv1']),
  pixelFormat: z.enum(['yuv420p', 'yuv420p10le']),
  preset: z.string().max(32).optional(),
  crf: z.number().optional(),
  bitrate: z.number().optional(),
  lossless: z.boolean().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

const presetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sdr'), description: z.string(), encoder: encoderSchema }),
  z.strictObject({ kind: z.literal('hdr'), description: z.string(), transfer: z.enum(['pq', 'hlg']), encoder: encoderSchema }),
]);

export type Preset = z.infer<typeof presetSchema> & { name: string };
export type SdrPreset = Extract<Preset, { kind: 'sdr' }>;
export type HdrPreset = Extract<Preset, { kind: 'hdr' }>;

/**
 * Load a preset by name (a file in presets/) or by path to a JSON file, checking it is of the
 * kind the command needs. @example await loadPreset('x264-crf', 'sdr')
 */
export async function loadPreset(nameOrPath: string, kind: 'sdr'): Promise<SdrPreset>;
export async function loadPreset(nameOrPath: string, kind: 'hdr'): Promise<HdrPreset>;
export async function loadPreset(nameOrPath: string, kind: 'sdr' | 'hdr'): Promise<Preset> {
  const isPath = nameOrPath.endsWith('.json') || nameOrPath.includes('/');
  const file = isPath ? nameOrPath : join(PRESETS_DIR, `${nameOrPath}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    const names = await listPresets(kind);
    throw new OptionError(`unknown preset "${nameOrPath}"; ${kind} presets: ${names.join(', ')}`);
  }
  let parsed: z.infer<typeof presetSchema>;
  try {
    parsed = presetSchema.parse(JSON.parse(text));
    validateEncoderSettings(parsed.encoder as EncoderSettings, 'encoder');
  } catch (err) {
    const msg = err instanceof z.ZodError ? `${err.issues[0]!.path.join('.')} ${err.issues[0]!.message}` : (err as Error).message;
    throw new InputError(file, `is not a valid preset: ${msg}`, { cause: err });
  }
  if (parsed.kind !== kind) {
    throw new OptionError(`preset "${nameOrPath}" makes ${parsed.kind.toUpperCase()} video; this command needs an ${kind.toUpperCase()} preset (${(await listPresets(kind)).join(', ')})`);
  }
  return { ...parsed, name: basename(file, '.json') };
}

/** What a job may change in its preset's encoder from the command line. */
export type EncoderOverrides = {
  /** Constant quality in place of the preset's rate control (`--crf`). */
  crf?: number | undefined;
  /** The encoder's speed preset in place of the preset's (`--encoder-preset`: x264/x265 names, AV1 numbers). */
  encoderPreset?: string | undefined;
};

/** The flag of the first override given, for a message refusing it where it means nothing; null when none is. */
export function givenOverride(overrides: EncoderOverrides): '--crf' | '--encoder-preset' | null {
  return overrides.crf !== undefined ? '--crf' : overrides.encoderPreset !== undefined ? '--encoder-preset' : null;
}

/**
 * `preset` with `overrides` applied. A CRF replaces a bitrate, as ffmpeg's own -crf would; a
 * lossless preset has no quality to set, and FFV1 no speed presets.
 */
export function withEncoderOverrides<P extends Preset>(preset: P, overrides: EncoderOverrides): P {
  const { crf, encoderPreset } = overrides;
  let encoder = preset.encoder;
  const { codec } = encoder;
  if (encoderPreset !== undefined) {
    const problem = speedPresetProblem(codec, encoderPreset);
    if (problem) throw new OptionError(`--encoder-preset ${encoderPreset}: ${problem}`);
    encoder = { ...encoder, preset: encoderPreset };
  }
  if (crf !== undefined) {
    if (maxCrf(codec) === undefined || encoder.lossless) {
      throw new OptionError(`--crf: preset "${preset.name}" is lossless (${codec}), so it has no quality to set — pick a lossy preset`);
    }
    const problem = crfProblem(codec, crf);
    if (problem) throw new OptionError(`--crf ${crf}: ${problem}`);
    const { bitrate: _bitrate, ...rest } = encoder;
    encoder = { ...rest, crf };
  }
  return encoder === preset.encoder ? preset : { ...preset, encoder };
}

/** Names of the shipped presets of a kind. */
export async function listPresets(kind: 'sdr' | 'hdr'): Promise<string[]> {
  const names: string[] = [];
  for (const f of (await readdir(PRESETS_DIR)).filter((f) => f.endsWith('.json')).sort()) {
    const json = JSON.parse(await readFile(join(PRESETS_DIR, f), 'utf8')) as { kind?: string };
    if (json.kind === kind) names.push(basename(f, '.json'));
  }
  return names;
}
