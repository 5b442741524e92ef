import { copyFileSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameReader, TEMP_MARK, binaries } from '../../src/io/index.js';
import { runCli } from '../helpers/cli.js';
import { ffmpeg, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const temps = (): string[] => readdirSync(dir).filter((f) => f.includes(TEMP_MARK));

describe('duhdr encode / restore / pack / unpack from the command line', () => {
  it('encodes, packs, unpacks and restores the HLG sample, printing JSON progress and summaries', async () => {
    const sdr = join(dir, 'sunset-sdr.mp4');
    const e = await runCli(['encode', sample('sunset-hlg.mkv'), '-o', sdr, '--preset', 'x264-crf', '--json']);
    expect(e).toMatchObject({ code: 0, stderr: '' }); // the SRT goes into MP4 as mov_text
    const sdrProbe = JSON.parse((await runCli(['probe', '--json', sdr])).stdout) as { subtitles: { codec: string; language: string }[] };
    expect(sdrProbe.subtitles).toEqual([expect.objectContaining({ codec: 'mov_text', language: 'eng' })]);
    const lines = e.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', frames: 50, output: sdr, model: { id: 'classical-soft' } });
    // Node alone is ~40 MiB; a 640x360 classical encode stays far from the 1 GiB budget.
    expect(lines.at(-1)!['peakRssMiB']).toBeGreaterThan(30);
    expect(lines.at(-1)!['peakRssMiB']).toBeLessThan(1024);
    expect(lines.some((l) => l['type'] === 'progress' && typeof l['slowest'] === 'string')).toBe(true);
    // Frames count as x264 writes them (ffmpeg's -progress report), not as they are handed to it:
    // it holds a look-ahead, so `sent` runs ahead, and once every frame is with it the events say
    // it is finishing while `frames` still climbs to the total.
    type Line = { type: string; stage: string; frames: number; sent: number; totalFrames: number; eta: number | null; unit?: string; finishing?: true };
    const events = lines.filter((l) => l['type'] === 'progress') as Line[];
    const progress = events.filter((l) => l.stage === 'encode');
    expect(progress.at(-1)).toMatchObject({ frames: 50, sent: 50, totalFrames: 50, finishing: true, eta: 0 });
    expect(progress.every((l, i) => l.frames <= l.sent && (i === 0 || l.frames >= progress[i - 1]!.frames))).toBe(true);
    expect(progress.some((l) => l.frames < l.sent)).toBe(true);
    const finishingFrom = progress.findIndex((l) => l.finishing);
    expect(finishingFrom).toBeGreaterThan(0);
    expect(progress.slice(finishingFrom).every((l) => l.finishing && l.sent === 50)).toBe(true);
    // Then the remux that embeds the manifest, in bytes: the SDR stream's, all copied by the end.
    const remux = events.slice(events.indexOf(progress.at(-1)!) + 1);
    expect(remux.length).toBeGreaterThan(0);
    expect(remux.every((l) => l.stage === 'remux' && l.unit === 'bytes')).toBe(true);
    expect(remux.at(-1)).toMatchObject({ eta: 0, frames: remux.at(-1)!.totalFrames });
    // The manifest and the rewritten headers make the output a little larger than the stream copied.
    expect(remux.at(-1)!.totalFrames).toBeGreaterThan(0.9 * statSync(sdr).size);
    expect(remux.at(-1)!.totalFrames).toBeLessThanOrEqual(statSync(sdr).size);

    const bundle = join(dir, 'sunset.zip');
    const p = await runCli(['pack', sdr, '-o', bundle]);
    expect(p).toMatchObject({ code: 0, stdout: '' });
    expect(p.stderr).toMatch(/^packed .*sunset\.zip: manifest\.json, video\.mp4, checksums\.sha256/);

    const unpacked = join(dir, 'unpacked');
    const u = await runCli(['unpack', bundle, '-o', unpacked]);
    expect(u.code).toBe(0);
    expect(readdirSync(unpacked).sort()).toEqual(['checksums.sha256', 'manifest.json', 'video.mp4']);

    const hdr = join(dir, 'sunset-hlg-restored.mkv');
    const r = await runCli(['restore', bundle, '-o', hdr]);
    expect(r.code).toBe(0);
    // Read from a pipe, an MP4's chapter text track looks like a mov_text subtitle, and so does
    // the real one beside it (the sample's SRT): warned, left out.
    expect(r.stderr).toMatch(/^duhdr: warning: .*sunset-hlg-restored\.mkv: subtitles \(mov_text, mov_text\) cannot go into \.mkv; they are left out\nrestored .*sunset-hlg-restored\.mkv: 50 frames in [\d.]+ s \([\d.]+ fps, slowest stage: (decode|model|encode)\)/);
    const probe = await runCli(['probe', '--json', hdr]);
    expect((JSON.parse(probe.stdout) as { video: { dynamicRange: string } }).video.dynamicRange).toBe('hlg');
    expect(temps()).toEqual([]);
  });

  it('pack and unpack --json print the bytes written as progress, then a summary', async () => {
    const sdr = join(dir, 'city-for-pack.mkv');
    expect(await runCli(['encode', sample('city-pq.mkv'), '-o', sdr])).toMatchObject({ code: 0 });
    type Line = { type: string; stage: string; unit: string; frames: number; totalFrames: number; entries: { name: string; size: number }[]; files: string[] };
    const jsonLines = (out: string): Line[] => out.trim().split('\n').map((l) => JSON.parse(l) as Line);
    const rising = (ls: Line[]): boolean => ls.every((l, i) => i === 0 || l.frames >= ls[i - 1]!.frames);

    const bundle = join(dir, 'city-for-pack.zip');
    const p = await runCli(['pack', sdr, '-o', bundle, '--json']);
    expect(p).toMatchObject({ code: 0, stderr: '' });
    const packed = jsonLines(p.stdout);
    const summary = packed.at(-1)!;
    expect(summary.type).toBe('summary');
    const progress = packed.filter((l) => l.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((l) => l.stage === 'pack' && l.unit === 'bytes')).toBe(true);
    expect(rising(progress)).toBe(true);
    // The manifest and the video: the checksums entry is made from them at the end.
    const payload = summary.entries.filter((e) => e.name !== 'checksums.sha256').reduce((n, e) => n + e.size, 0);
    expect(progress.at(-1)).toMatchObject({ frames: payload, totalFrames: payload, eta: 0 });

    const out = join(dir, 'city-unpacked');
    const u = await runCli(['unpack', bundle, '-o', out, '--json']);
    expect(u).toMatchObject({ code: 0, stderr: '' });
    const unpacked = jsonLines(u.stdout);
    expect(unpacked.at(-1)).toEqual({ type: 'summary', output: out, files: ['manifest.json', 'video.mkv', 'checksums.sha256'].map((f) => join(out, f)) });
    const all = summary.entries.reduce((n, e) => n + e.size, 0);
    const uProgress = unpacked.filter((l) => l.type === 'progress');
    expect(uProgress.every((l) => l.stage === 'unpack' && l.unit === 'bytes')).toBe(true);
    expect(rising(uProgress)).toBe(true);
    expect(uProgress.at(-1)).toMatchObject({ frames: all, totalFrames: all, eta: 0 });
  });

  it('--crf and --encoder-preset replace the preset\'s in encode and restore, and are refused where they mean nothing', async () => {
    const sdr = join(dir, 'crf-sdr.mkv');
    const e = await runCli(['encode', sample('city-pq.mkv'), '-o', sdr, '--preset', 'x264-4mbps', '--crf', '30', '--encoder-preset', 'veryfast']);
    expect(e).toMatchObject({ code: 0 });
    // x264 and x265 write their settings into the stream (an SEI): constant quality, no bitrate,
    // and the speed preset's own settings (x264 medium, the preset's, has subme=7; veryfast 2).
    const sdrStream = readFileSync(sdr).toString('latin1');
    expect(sdrStream).toMatch(/ rc=crf .* crf=30\.0 /);
    expect(sdrStream).not.toMatch(/ bitrate=/);
    expect(sdrStream).toMatch(/ subme=2 /);
    const hdr = join(dir, 'crf-hdr.mkv');
    expect(await runCli(['restore', sdr, '-o', hdr, '--crf', '24', '--encoder-preset', 'ultrafast'])).toMatchObject({ code: 0 });
    const hdrStream = readFileSync(hdr).toString('latin1');
    expect(hdrStream).toMatch(/ crf=24\.0 /);
    expect(hdrStream).toMatch(/ ctu=32 /); // x265 ultrafast; medium, the preset's, has ctu=64

    const bad = join(dir, 'crf-refused.mkv');
    const frames = join(dir, 'crf-frames');
    const refused: [string[], string][] = [
      [['encode', sample('city-pq.mkv'), '-o', bad, '--crf', '52'], '--crf 52: libx264 takes a CRF in [0, 51] (lower is better)'],
      [['encode', sample('city-pq.mkv'), '-o', bad, '--encoder-preset', 'quick'],
        '--encoder-preset quick: libx264 takes one of ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo'],
      [['restore', sdr, '-o', bad, '--preset', 'hdr10-x265-lossless', '--crf', '10'],
        '--crf: preset "hdr10-x265-lossless" is lossless (libx265), so it has no quality to set — pick a lossy preset'],
      [['restore', sdr, '-o', join(frames, '%03d.exr'), '--crf', '10'],
        `--crf is a video encoder's setting; ${join(frames, '%03d.exr')} is a sequence of EXR frames, stored without loss`],
      [['encode', sample('city-sun.exr'), '-o', join(dir, 'crf-refused.jpg'), '--encoder-preset', 'slow'],
        '--encoder-preset is a video encoder\'s setting; images are written as JPEG, PNG, EXR or AVIF at their own settings'],
    ];
    for (const [args, message] of refused) {
      const r = await runCli(args);
      expect(r).toMatchObject({ code: 2, stdout: '', stderr: `duhdr: ${message}\n` });
    }
    expect([bad, frames, join(dir, 'crf-refused.jpg')].filter((f) => existsSync(f))).toEqual([]);
    expect(temps()).toEqual([]);
  });

  it('refuses the wrong kind of input with one line and exit 1 (a preset of the wrong kind: 2, usage), writing nothing', async () => {
    const out = join(dir, 'nothing.mkv');
    const e = await runCli(['encode', sample('city-sdr.mkv'), '-o', out]);
    expect(e).toMatchObject({ code: 1, stdout: '' });
    expect(e.stderr).toBe(`duhdr: ${sample('city-sdr.mkv')}: is SDR (transfer bt709) — encode takes HDR10 or HLG video; to make HDR from SDR use \`duhdr upconvert\`\n`);
    const r = await runCli(['restore', sample('city-pq.mkv'), '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`duhdr: ${sample('city-pq.mkv')}: is already HDR (PQ) — restore takes the SDR that \`duhdr encode\` made\n`);
    const bad = await runCli(['encode', sample('city-pq.mkv'), '-o', join(dir, 'x.webm')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/x\.webm: cannot carry duhdr's manifest in a \.webm file — use \.mkv \(attachment\) or \.mp4 \(metadata tag\)\n$/);
    const bare = await runCli(['encode', sample('city-pq.mkv'), '-o', join(dir, 'sdr')]);
    expect(bare.stderr).toMatch(/sdr: cannot carry duhdr's manifest in a file without an extension — use \.mkv/);
    const folder = await runCli(['encode', sample('city-pq.mkv'), '-o', dir]);
    expect(folder).toMatchObject({ code: 1, stderr: `duhdr: ${dir}: cannot write: it is a directory\n` });
    const preset = await runCli(['encode', sample('city-pq.mkv'), '-o', join(dir, 'y.mkv'), '--preset', 'hdr10-x265']);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toMatch(/preset "hdr10-x265" makes HDR video; this command needs an SDR preset \(av1-crf, x264-4mbps, x264-crf, x265-2mbps, x265-crf\)/);
    expect(existsSync(out)).toBe(false);
    expect(temps()).toEqual([]);
  });

  it('encodes an HDR10 x265 + AAC Matroska from plain ffmpeg (timestamps its muxer nudged) and restores it', async () => {
    // ffmpeg -c:v libx265 -c:a aac out.mkv: probe once took its nudged first frames for a variable rate.
    const hdr = join(dir, 'plain-ffmpeg.mkv');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=128x72:r=24', '-f', 'lavfi', '-i', 'sine=r=48000', '-t', '1', '-pix_fmt', 'yuv420p10le',
      '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-color_primaries', 'bt2020', '-color_trc', 'smpte2084',
      '-colorspace', 'bt2020nc', '-c:a', 'aac', hdr]);
    const sdr = join(dir, 'plain-ffmpeg-sdr.mkv');
    const e = await runCli(['encode', hdr, '-o', sdr, '--json']);
    expect(e).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(e.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'summary', frames: 24 });
    const back = join(dir, 'plain-ffmpeg-back.mkv');
    const r = await runCli(['restore', sdr, '-o', back, '--json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((l) => l['type'] === 'progress').at(-1)).toMatchObject({ frames: 24, sent: 24, totalFrames: 24, finishing: true, eta: 0 });
    const probe = JSON.parse((await runCli(['probe', '--json', back])).stdout) as { video: { frameCount: number; variableFrameRate: boolean }; audio: unknown[] };
    expect(probe.video).toMatchObject({ frameCount: 24, variableFrameRate: false });
    expect(probe.audio).toHaveLength(1);
  });

  it('encodes a variable frame rate at its nominal rate, with a warning, and the restore lines up with the source', async () => {
    // Frames 0-4 at 10 fps, then 30 fps, each a flat grey of its own; x265 with HDR10 metadata
    // in its SEI, as phones write.
    const vfr = join(dir, 'phone-vfr.mkv');
    await ffmpeg(['-f', 'lavfi', '-i', 'nullsrc=s=128x72:r=30', '-t', '1',
      '-vf', "format=yuv420p10le,geq=lum='200+20*N':cb=512:cr=512,setpts='if(lt(N,5),N*3,15+(N-5))/TB/30'", '-vsync', 'passthrough',
      '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params',
      'log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400',
      vfr]);
    type Probed = { video: { variableFrameRate: boolean; frameRate: number; frameCount: number; dynamicRange: string } };
    const probed = async (file: string): Promise<Probed['video']> => (JSON.parse((await runCli(['probe', '--json', file])).stdout) as Probed).video;
    expect(await probed(vfr)).toMatchObject({ variableFrameRate: true, frameRate: 30, frameCount: 20 });
    const sdr = join(dir, 'phone-sdr.mkv');
    const encoded = await runCli(['encode', vfr, '-o', sdr]);
    expect(encoded.code, encoded.stderr).toBe(0);
    expect(encoded.stderr).toMatch(/^duhdr: warning: [^\n]*phone-vfr\.mkv: variable frame rate: read at a constant 30 fps, a frame repeated across gaps and dropped where frames crowd, so the sound stays in sync\nencoded /);
    // The first second's 20 frames on the 30 slots of 1/30 s they span: every source frame, in
    // order (greys rising), the 10 fps ones held two or three slots.
    const sdrVideo = await probed(sdr);
    expect(sdrVideo).toMatchObject({ variableFrameRate: false, frameRate: 30, dynamicRange: 'sdr' });
    const runs: number[] = [];
    let last = -1;
    for await (const f of await FrameReader.open(sdr, { format: 'yuv420p' })) {
      const grey = f.planes[0]![0]!;
      if (grey === last) runs[runs.length - 1]!++;
      else runs.push(1);
      expect(grey).toBeGreaterThanOrEqual(last);
      last = grey;
    }
    expect(runs).toHaveLength(20);
    expect(runs.slice(0, 5).every((n) => n === 2 || n === 3)).toBe(true);
    expect(Math.abs(sdrVideo.frameCount - 30)).toBeLessThanOrEqual(1);
    const back = join(dir, 'phone-back.mkv');
    expect(await runCli(['restore', sdr, '-o', back])).toMatchObject({ code: 0 });
    expect(await probed(back)).toMatchObject({ variableFrameRate: false, frameCount: sdrVideo.frameCount, dynamicRange: 'pq' });
    // eval reads the source resampled the same way: frame for frame against the restore (a frame
    // off would compare greys 20 codes apart).
    const measured = await runCli(['eval', vfr, back, '--json']);
    expect(measured.code, measured.stderr).toBe(0);
    const m = JSON.parse(measured.stdout) as { frames: number; pq_psnr: number };
    expect(m.frames).toBe(sdrVideo.frameCount);
    expect(m.pq_psnr).toBeGreaterThan(45);
  });

  it('upconverts and transcodes a variable frame rate at its nominal rate too, with the warning', async () => {
    const vfr = join(dir, 'phone-vfr-sdr.mkv');
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=128x72:r=30', '-t', '1', '-vf', "setpts='if(lt(N,5),N*3,15+(N-5))/TB/30'", '-vsync', 'passthrough',
      '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', vfr]);
    const video = async (file: string): Promise<{ variableFrameRate: boolean; frameCount: number }> =>
      (JSON.parse((await runCli(['probe', '--json', file])).stdout) as { video: { variableFrameRate: boolean; frameCount: number } }).video;
    expect(await video(vfr)).toMatchObject({ variableFrameRate: true, frameCount: 20 });
    const warning = /^duhdr: warning: [^\n]*phone-vfr-sdr\.mkv: variable frame rate: read at a constant 30 fps, /;
    for (const [job, out, extra] of [['upconvert', 'phone-up.mkv', []], ['transcode', 'phone-copy.mkv', ['--lossless']]] as const) {
      const r = await runCli([job, vfr, '-o', join(dir, out), ...extra]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(warning);
      const v = await video(join(dir, out));
      expect(v.variableFrameRate).toBe(false);
      expect(Math.abs(v.frameCount - 30)).toBeLessThanOrEqual(1);
    }
  });

  it("converts text subtitles to the container's own text form: SRT into MP4 as mov_text and back", async () => {
    // SRT -> MP4 as mov_text (city-pq's subtitle), and back from that MP4 file into Matroska as SRT.
    const sdr = join(dir, 'city-subs-sdr.mp4');
    expect(await runCli(['encode', sample('city-pq.mkv'), '-o', sdr])).toMatchObject({ code: 0, stderr: expect.stringMatching(/^encoded [^\n]*\n$/) });
    const back = join(dir, 'city-subs-restored.mkv');
    expect(await runCli(['restore', sdr, '-o', back])).toMatchObject({ code: 0 });
    const subtitles = (file: string): Promise<string[]> =>
      runCli(['probe', '--json', file]).then((r) => (JSON.parse(r.stdout) as { subtitles: { codec: string }[] }).subtitles.map((t) => t.codec));
    expect(await subtitles(sdr)).toEqual(['mov_text']);
    expect(await subtitles(back)).toEqual(['subrip']);
  });

  it('reads an MPEG-TS, which the npm ffprobe crashes on, through a remux: encode, restore and upconvert', async () => {
    const ts = join(dir, 'city.ts');
    await ffmpeg(['-i', sample('city-pq.mkv'), '-map', '0:v', '-map', '0:a', '-c', 'copy', '-f', 'mpegts', ts]);
    const probe = await runCli(['probe', ts]);
    expect(probe.code).toBe(0);
    expect(probe.stdout).toContain('video #0  hevc Main 10  640x360  24 fps (constant)  72 frames');
    expect(probe.stdout).toContain('MaxCLL 1000 cd/m²');
    // With the npm ffprobe (it crashes on TS) the description came through the remux.
    if (binaries().ffprobe.source === 'npm') expect(probe.stdout).toContain('read through a remux');
    const sdr = join(dir, 'city-ts-sdr.mkv');
    expect(await runCli(['encode', ts, '-o', sdr])).toMatchObject({ code: 0 });
    const back = join(dir, 'city-ts-restored.mkv');
    expect(await runCli(['restore', sdr, '-o', back])).toMatchObject({ code: 0 });
    const restored = JSON.parse((await runCli(['probe', '--json', back])).stdout) as { video: { frameCount: number; dynamicRange: string }; audio: { codec: string }[] };
    expect(restored.video).toMatchObject({ frameCount: 72, dynamicRange: 'pq' });
    expect(restored.audio.map((a) => a.codec)).toEqual(['aac']);
    // An SDR TS holds no manifest (that lives in Matroska and MP4): restore says so, upconvert takes it.
    const sdrTs = join(dir, 'city-sdr.ts');
    await ffmpeg(['-i', sample('city-sdr.mkv'), '-map', '0:v', '-c', 'copy', '-f', 'mpegts', sdrTs]);
    expect((await runCli(['restore', sdrTs, '-o', join(dir, 'nothing.mkv')])).stderr).toMatch(/city-sdr\.ts: carries no duhdr manifest/);
    expect(await runCli(['upconvert', sdrTs, '-o', join(dir, 'city-ts-up.mkv')])).toMatchObject({ code: 0 });
  });

  it('upconverts a plain SDR clip blind', async () => {
    const out = join(dir, 'up.mkv');
    const r = await runCli(['upconvert', sample('city-sdr.mkv'), '-o', out, '--preset', 'hdr10-x265', '--peak', '600', '--verbose']);
    expect(r.code).toBe(0);
    // The SDR decoder gets a thread per four cores, not ffmpeg's default of one per core and more.
    const decoder = r.stderr.split('\n').find((l) => / -f rawvideo .*pipe:1$/.test(l));
    expect(decoder).toContain(` -threads ${Math.max(1, Math.floor(availableParallelism() / 4))} -i ${sample('city-sdr.mkv')} `);
    const probe = await runCli(['probe', '--json', out]);
    const v = (JSON.parse(probe.stdout) as { video: { dynamicRange: string; hdr10: { masteringDisplay: { maxLuminance: number } } } }).video;
    expect(v.dynamicRange).toBe('pq');
    expect(v.hdr10.masteringDisplay.maxLuminance).toBe(600);
  });
});

describe('encode --adapt from the command line', () => {
  it('refuses a bad budget, a model without a forward network and images: one line, exit 2 (usage), no output', async () => {
    const out = join(dir, 'adapt.mkv');
    const zero = await runCli(['encode', sample('city-pq.mkv'), '-o', out, '--model', 'dual-v1', '--adapt', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--adapt.*expected seconds in \(0, 86400\], got 0/);
    const classical = await runCli(['encode', sample('city-pq.mkv'), '-o', out, '--adapt', '5']);
    expect(classical.code).toBe(2);
    expect(classical.stderr.trim()).toBe('duhdr: --adapt: model classical-soft has no forward network to tune (use a learned model, e.g. --model dual-v1)');
    const image = await runCli(['encode', sample('city-sun.exr'), '-o', join(dir, 'sun.jpg'), '--model', 'dual-v1', '--adapt']);
    expect(image.code).toBe(2);
    expect(image.stderr.trim()).toBe("duhdr: --adapt tunes on a video clip's frames; it does not apply to images");
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'sun.jpg'))).toBe(false);
    expect(temps()).toEqual([]);
  });
});

describe('faults during a job', () => {
  it('a full disk (file size limit) ends the encode with one line, no output, no temp file, no ffmpeg left', async () => {
    const out = join(dir, 'full.mkv');
    const input = join(dir, 'full-input.mkv'); // a private path: only this test's processes name it
    copyFileSync(sample('forest-pq-720p.mkv'), input);
    const { spawnSync } = await import('node:child_process');
    const root = new URL('../../', import.meta.url).pathname;
    // ulimit -f 64: files may not exceed 64 KiB, so ffmpeg's write fails mid-encode as on a full disk.
    const r = spawnSync('bash', ['-c', `ulimit -f 64; exec "${process.execPath}" --import tsx src/cli/run.ts encode "${input}" -o "${out}" --preset x264-4mbps`], {
      cwd: root, encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^duhdr: encoding .*full\.mkv: ffmpeg was stopped: the output exceeds the file size limit \(ulimit -f\)/);
    expect(existsSync(out)).toBe(false);
    expect(temps()).toEqual([]);
    const { processesMentioning } = await import('../helpers/media.js');
    expect(processesMentioning(input)).toEqual([]);
  });
});
