import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import {
  FrameReader, FrameWriter, InputError, SDR_BT709, binaries, readExr, runToCompletion, writeExr, type EncoderSettings,
} from '../io/index.js';
import { medianLuminance, renderHdrClip, renderView, type CameraPose, type HdrClipSpec } from '../scene/index.js';
import { runAction } from './run-action.js';

type HdrSample = { kind: 'hdr'; file: string; exr: string; spec: HdrClipSpec; sideStreams: boolean };
type SdrSample = { kind: 'sdr'; file: string; video: string; width: number; height: number; frames: number };
/** A still: one perspective view, scene-linear BT.709, median at 0.18, stored as half-float EXR. */
type ExrSample = { kind: 'exr'; file: string; exr: string; width: number; height: number; pose: CameraPose };

const HDR_ENCODER: EncoderSettings = { codec: 'libx265', pixelFormat: 'yuv420p10le', crf: 16, preset: 'medium' };

/** The committed samples; `duhdr samples` renders them again from ../shared/data. */
export const SAMPLE_LIST: (HdrSample | SdrSample | ExrSample)[] = [
  {
    kind: 'hdr', file: 'city-pq.mkv', exr: 'hdr/blender_city.exr', sideStreams: true,
    spec: { width: 640, height: 360, fps: 24, frames: 72, transfer: 'pq', keyNits: 40, peakNits: 1000,
      from: { yaw: -30, pitch: 14, fov: 75 }, to: { yaw: 30, pitch: 26, fov: 70 } },
  },
  {
    kind: 'hdr', file: 'forest-pq-720p.mkv', exr: 'hdr/blender_forest.exr', sideStreams: false,
    spec: { width: 1280, height: 720, fps: 24, frames: 48, transfer: 'pq', keyNits: 30, peakNits: 1000,
      from: { yaw: 0, pitch: 8, fov: 75 }, to: { yaw: 45, pitch: 14, fov: 70 } },
  },
  {
    kind: 'hdr', file: 'interior-pq.mp4', exr: 'hdr/blender_interior.exr', sideStreams: false,
    spec: { width: 640, height: 360, fps: 25, frames: 50, transfer: 'pq', keyNits: 40, peakNits: 1000,
      from: { yaw: -70, pitch: 12, fov: 75 }, to: { yaw: -20, pitch: 22, fov: 75 } },
  },
  {
    kind: 'hdr', file: 'sunset-hlg.mkv', exr: 'hdr/blender_sunset.exr', sideStreams: true,
    spec: { width: 640, height: 360, fps: 25, frames: 50, transfer: 'hlg', keyNits: 30, peakNits: 1000,
      from: { yaw: -15, pitch: 6, fov: 70 }, to: { yaw: 40, pitch: 4, fov: 65 } },
  },
  { kind: 'sdr', file: 'city-sdr.mkv', video: 'video/kivy_cityCC0.mpg', width: 640, height: 360, frames: 50 },
  { kind: 'exr', file: 'city-sun.exr', exr: 'hdr/blender_city.exr', width: 192, height: 108, pose: { yaw: 30, pitch: 30, fov: 70 } },
];

/** A short side file with stereo audio, a subtitle and two chapters, so samples exercise stream copying. */
async function makeSideStreams(dir: string, seconds: number, signal: AbortSignal): Promise<string> {
  const srt = join(dir, 'subs.srt');
  writeFileSync(srt, `1\n00:00:00,200 --> 00:00:01,200\nduhdr sample\n\n2\n00:00:01,400 --> 00:00:${String(Math.floor(seconds)).padStart(2, '0')},000\nHDR10 through SDR and back\n`);
  const meta = join(dir, 'chapters.txt');
  const half = Math.round((seconds * 1000) / 2);
  writeFileSync(meta, `;FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=${half}\ntitle=Opening\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=${half}\nEND=${seconds * 1000}\ntitle=Pan\n`);
  const side = join(dir, `side-${seconds}.mkv`);
  await runToCompletion(binaries().ffmpeg.path, [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    // Two tones, one per channel: a real stereo track whose survival tests can check.
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}:sample_rate=48000`,
    '-f', 'lavfi', '-i', `sine=frequency=660:duration=${seconds}:sample_rate=48000`,
    '-i', srt, '-i', meta,
    '-filter_complex', '[0:a][1:a]amerge=inputs=2[a]', '-map', '[a]', '-map', '2:s',
    '-map_metadata', '3', '-map_chapters', '3', '-c:a', 'aac', '-b:a', '96k', '-c:s', 'srt',
    '-metadata:s:a:0', 'language=eng', '-metadata:s:s:0', 'language=eng', side,
  ], { label: 'making sample side streams', signal });
  return side;
}

async function renderSample(s: HdrSample | SdrSample | ExrSample, data: string, out: string, work: string, signal: AbortSignal): Promise<number> {
  const output = join(out, s.file);
  if (s.kind === 'exr') {
    const pano = await readExr(join(data, s.exr));
    const n = s.width * s.height;
    const img = { width: s.width, height: s.height, r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
    renderView(pano, s.pose, s.width, s.height, img);
    const k = 0.18 / medianLuminance(img);
    for (const p of [img.r, img.g, img.b]) for (let i = 0; i < n; i++) p[i]! *= k;
    await writeExr(output, img, { pixelType: 'half' });
    return statSync(output).size;
  }
  if (s.kind === 'hdr') {
    const pano = await readExr(join(data, s.exr));
    const side = s.sideStreams ? await makeSideStreams(work, s.spec.frames / s.spec.fps, signal) : undefined;
    const { bytes } = await renderHdrClip(pano, s.spec, {
      output, encoder: HDR_ENCODER, signal, ...(side ? { copyStreamsFrom: side } : {}),
    });
    return bytes;
  }
  const reader = await FrameReader.open(join(data, s.video), {
    format: 'yuv420p', width: s.width, height: s.height, maxFrames: s.frames, signal,
  });
  const side = await makeSideStreams(work, s.frames / reader.frameRate, signal);
  const writer = await FrameWriter.open({
    output, width: s.width, height: s.height, format: 'yuv420p', frameRate: reader.frameRate, signal,
    encoder: { codec: 'libx264', pixelFormat: 'yuv420p', crf: 20, preset: 'slow' }, color: SDR_BT709, copyStreamsFrom: side,
  });
  try {
    for await (const f of reader) await writer.write(f.data);
    return (await writer.finish()).bytes;
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

export function samplesCommand(): Command {
  return new Command('samples')
    .description('Render the sample clips (HDR10 pans through CC0 panoramas, one HLG, one SDR) from ../shared/data')
    .option('--data <dir>', 'the shared data folder (hdr/, video/)', '../shared/data')
    .option('--out <dir>', 'where to write the clips', 'samples')
    .option('--only <file>', 'render just this sample (e.g. city-pq.mkv)')
    .option('-v, --verbose', 'print ffmpeg command lines and their output')
    .action(async (opts: { data: string; out: string; only?: string; verbose?: boolean }) => {
      await runAction(async ({ signal }) => {
        const data = resolve(opts.data);
        if (!existsSync(join(data, 'hdr'))) throw new InputError(opts.data, 'has no hdr/ folder — point --data at the shared data folder');
        const list = SAMPLE_LIST.filter((s) => !opts.only || s.file === opts.only);
        if (!list.length) throw new InputError(opts.only ?? '', `is not a sample; choose one of ${SAMPLE_LIST.map((s) => s.file).join(', ')}`);
        const work = mkdtempSync(join(tmpdir(), 'duhdr-samples-'));
        try {
          for (const s of list) {
            const started = performance.now();
            process.stderr.write(`rendering ${s.file} ... `);
            const bytes = await renderSample(s, data, opts.out, work, signal);
            process.stderr.write(`${(bytes / 1e6).toFixed(2)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
          }
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      }, opts);
    });
}
