/**
 * The bad-input suite: each case runs through the CLI as a user would and must end with a
 * non-zero exit, one line naming the file and the problem, no output file, no temp file and no
 * process left — or, for inputs duhdr accepts (4:2:2, 4:4:4, 12-bit), a correct output.
 * The README's reliability table lists these cases and their outcomes.
 */
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMP_MARK, binaries } from '../../src/io/index.js';
import { embedManifest, parseManifest, readEmbeddedManifest, serializeManifest } from '../../src/pipeline/index.js';
import { runCli } from '../helpers/cli.js';
import { dolbyVisionMp4, ffmpeg, processesMentioning, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir('duhdr-bad-input-');
afterAll(cleanup);

const PQ_TAGS = ['-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc'];
/** A tiny PQ-tagged clip in a given pixel format and size. */
async function pqClip(name: string, pixFmt: string, size = '64x36', extra: string[] = []): Promise<string> {
  const file = join(dir, name);
  await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=${size}:r=10:d=0.4`, ...extra, '-pix_fmt', pixFmt, '-c:v', 'libx265', '-preset', 'ultrafast',
    '-x265-params', 'log-level=error', ...PQ_TAGS, file]);
  return file;
}

type Case = { name: string; args: () => string[]; stderr: RegExp; file: () => string; env?: NodeJS.ProcessEnv };
const cases: Case[] = [];
const out = (name: string): string => join(dir, `out-${name}.mkv`);
let sdrWithManifest = '';

beforeAll(async () => {
  writeFileSync(join(dir, 'notes.mkv'), 'this is a text file, not a video\n'.repeat(30));
  const whole = join(dir, 'whole.mkv');
  copyFileSync(sample('city-pq.mkv'), whole);
  // A private copy: other test files run ffmpeg on the shared sample at the same time, and the
  // no-process-left check looks for processes naming the input.
  copyFileSync(sample('city-sdr.mkv'), join(dir, 'city-sdr.mkv'));
  writeFileSync(join(dir, 'cut.mkv'), readFileSync(whole).subarray(0, 60_000));
  await ffmpeg(['-i', whole, '-map', '0:v', '-map', '0:a', '-c', 'copy', '-f', 'mpegts', join(dir, 'whole.ts')]);
  writeFileSync(join(dir, 'failing-ffmpeg.sh'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  await ffmpeg(['-i', whole, '-map', '0:v', '-map', '0:a', '-c:v', 'copy', '-c:a', 'flac', join(dir, 'flac-audio.mkv')]);
  const flipped = readFileSync(whole);
  for (let i = 0; i < 300; i++) flipped[4000 + ((i * 7919 * 13) % (flipped.length - 8000))]! ^= 0xff;
  writeFileSync(join(dir, 'flipped.mkv'), flipped);
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=0.3', '-c:a', 'aac', join(dir, 'tone.mka')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=10:d=0.4', '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-preset', 'ultrafast',
    '-x265-params', 'log-level=error', join(dir, 'untagged.mkv')]);
  // 4:2:0 cannot hold odd sizes, and x265 is slow at 8K: lossless FFV1 4:4:4 carries both.
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=10:d=0.4', '-vf', 'scale=641:361', '-pix_fmt', 'yuv444p10le', '-c:v', 'ffv1', ...PQ_TAGS, join(dir, 'odd.mkv')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'color=c=gray:s=8448x4352:r=10:d=0.1', '-pix_fmt', 'yuv444p10le', '-c:v', 'ffv1', ...PQ_TAGS, join(dir, 'huge.mkv')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=30:d=1', '-vf', "setpts='if(lt(N,5),N*3,15+(N-5))/TB/30'", '-vsync', 'passthrough',
    '-frames:v', '10', '-pix_fmt', 'yuv420p10le', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', ...PQ_TAGS,
    join(dir, 'vfr.mkv')]);
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=30:d=1', '-vf', "setpts='if(lt(N,5),N*3,15+(N-5))/TB/30'", '-vsync', 'passthrough',
    '-frames:v', '10', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', join(dir, 'vfr-sdr.mkv')]);
  await pqClip('zero.mp4', 'yuv420p10le', '64x36', ['-frames:v', '0']);
  await dolbyVisionMp4(join(dir, 'dv5.mp4'), 5, 0);
  // An encoded SDR with a tampered manifest (an unknown field) and one whose model hash differs.
  sdrWithManifest = join(dir, 'good-sdr.mkv');
  const small = await pqClip('small-pq.mkv', 'yuv420p10le');
  const r = await runCli(['encode', small, '-o', sdrWithManifest]);
  expect(r.code).toBe(0);
  const m = parseManifest((await readEmbeddedManifest(sdrWithManifest))!, sdrWithManifest);
  const plain = join(dir, 'plain-sdr.mkv');
  await ffmpeg(['-i', sdrWithManifest, '-map', '0', '-map', '-0:t', '-c', 'copy', plain]);
  await embedManifest(plain, join(dir, 'tampered.mkv'), JSON.stringify({ ...m, extra: 'field' }));
  await embedManifest(plain, join(dir, 'other-hash.mkv'), serializeManifest({ ...m, model: { ...m.model, hash: '0'.repeat(64) } }));
}, 120_000);

const f = (name: string): string => join(dir, name);
const encodeCase = (name: string, input: string, stderr: RegExp): Case => ({
  name, file: () => f(input), args: () => ['encode', f(input), '-o', out(name)], stderr,
});

cases.push(
  encodeCase('missing file', 'nope.mkv', /nope\.mkv: no such file$/),
  encodeCase('a text file named .mkv', 'notes.mkv', /notes\.mkv: not a media file ffprobe can read \(.+\)$/),
  encodeCase('a video truncated mid-stream', 'cut.mkv', /cut\.mkv: is truncated: it holds \d+ frames but its header announces about 72 — re-download or re-copy it$/),
  // Depending on where the flips land, the demuxer loses packets (the frame count gives it away)
  // or the decoder reports the damage (-xerror stops at the first error).
  encodeCase('a bitstream with bytes flipped', 'flipped.mkv',
    /flipped\.mkv: (is truncated: it holds \d+ frames but its header announces about 72|ffmpeg exited with code 1.*\(--verbose shows ffmpeg's command line and output\))/),
  encodeCase('a zero-frame video', 'zero.mp4', /zero\.mp4: has no (frames|video stream)$/),
  encodeCase('an audio-only file', 'tone.mka', /tone\.mka: is audio only — encode needs HDR video$/),
  encodeCase('odd dimensions', 'odd.mkv', /odd\.mkv: 641x361 has an odd dimension; 4:2:0 needs even width and height — crop or pad to 640x360$/),
  encodeCase('a resolution beyond the memory budget', 'huge.mkv', /huge\.mkv: 8448x4352 is larger than 8K \(8192x4352\), beyond duhdr's memory budget per frame$/),
  { name: 'variable frame rate given to roundtrip (its ffmpeg routes keep the timing)', file: () => f('vfr.mkv'),
    args: () => ['roundtrip', f('vfr.mkv'), '--report', join(dir, 'vfr-report')],
    stderr: /vfr\.mkv: has a variable frame rate, which roundtrip cannot compare across methods — make it constant first, still HDR: ffmpeg -i IN .* -vsync cfr OUT\.mkv$/ },
  { name: 'variable frame rate given to restore (encode never writes one)', file: () => f('vfr-sdr.mkv'), args: () => ['restore', f('vfr-sdr.mkv'), '-o', out('vfr-restore')],
    stderr: /vfr-sdr\.mkv: has a variable frame rate, which the SDR `duhdr encode` writes never has: it was re-encoded or re-timed — restore the file encode made, or use `duhdr upconvert` \(blind, no manifest\)$/ },
  encodeCase('Dolby Vision profile 5 (a base layer only Dolby\'s decoder reads right)', 'dv5.mp4',
    /dv5\.mp4: is Dolby Vision profile 5 with no HDR10, HLG or SDR base layer: its colours \(IPTPQc2\) need Dolby's decoder, and read as Y'CbCr they come out wrong — export HDR10 from the source \(or Dolby Vision profile 8\.1, which carries an HDR10 base\)$/),
  encodeCase('missing colour tags (refused with a hint)', 'untagged.mkv', /untagged\.mkv: has no HDR transfer tag \(untagged\) — retag it as PQ/),
  { name: 'SDR given to encode', file: () => f('city-sdr.mkv'), args: () => ['encode', f('city-sdr.mkv'), '-o', out('sdr')],
    stderr: /city-sdr\.mkv: is SDR \(transfer bt709\) — encode takes HDR10 or HLG video; to make HDR from SDR use `duhdr upconvert`$/ },
  { name: 'HDR10 given to restore', file: () => f('whole.mkv'), args: () => ['restore', f('whole.mkv'), '-o', out('hdr-restore')],
    stderr: /whole\.mkv: is already HDR \(PQ\) — restore takes the SDR that `duhdr encode` made$/ },
  { name: 'audio the output container cannot take (FLAC into .mp4)', file: () => f('flac-audio.mkv'),
    args: () => ['encode', f('flac-audio.mkv'), '-o', join(dir, 'out-flac.mp4')],
    stderr: /out-flac\.mp4: the source's audio \(flac\) cannot be copied into \.mp4 — use \.mkv, which takes it$/ },
  { name: 'output path unwritable', file: () => f('whole.mkv'), args: () => ['encode', f('whole.mkv'), '-o', join(dir, 'no', 'such', 'x.mkv')],
    stderr: /x\.mkv: cannot write: directory .*no\/such does not exist$/ },
  { name: 'output path equal to input', file: () => f('small-pq.mkv'), args: () => ['encode', f('small-pq.mkv'), '-o', f('small-pq.mkv')],
    stderr: /small-pq\.mkv: output path is the same as the input — choose another name$/ },
  { name: 'a tampered manifest', file: () => f('tampered.mkv'), args: () => ['restore', f('tampered.mkv'), '-o', out('tampered')],
    stderr: /tampered\.mkv: manifest is invalid: manifest Unrecognized key: "extra"$/ },
  { name: 'a model whose hash does not match', file: () => f('other-hash.mkv'), args: () => ['restore', f('other-hash.mkv'), '-o', out('other-hash')],
    stderr: /other-hash\.mkv: was made with classical-soft hash 000000000000…, but this duhdr's classical-soft has hash [0-9a-f]{12}… — restore with the duhdr version that encoded it$/ },
);

// The npm-shipped ffprobe (2023 static build) segfaults on MPEG-TS, which is then read through
// ffmpeg's remux; an ffmpeg that cannot remux it (here one that always fails) leaves the crash.
if (binaries().ffprobe.source === 'npm') {
  cases.push({ ...encodeCase('an MPEG-TS the npm ffprobe crashes on, and no ffmpeg to remux it', 'whole.ts',
    /whole\.ts: the npm-shipped ffprobe crashed \(SIGSEGV\) reading it, as it does on MPEG-TS \(\.ts, \.m2ts\), and ffmpeg could not remux it for another look — remux it to \.mkv \(ffmpeg -i IN -map 0 -c copy OUT\.mkv\) or set FFPROBE_PATH to another ffprobe$/),
  env: { FFMPEG_PATH: join(dir, 'failing-ffmpeg.sh') } });
}

describe('bad input through the CLI: one line, non-zero exit, nothing left behind', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const before = new Set(readdirSync(dir));
      const r = await runCli(c.args(), c.env ? { env: c.env } : {});
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^duhdr: /);
      expect(lines[0]).toMatch(c.stderr);
      const after = readdirSync(dir).filter((n) => !before.has(n));
      expect(after).toEqual([]); // no output, no temp file
      expect(readdirSync(dir).filter((n) => n.includes(TEMP_MARK))).toEqual([]);
      expect(processesMentioning(c.file())).toEqual([]);
    });
  }
});

describe('unusual but valid input is converted, not refused', () => {
  for (const [name, pixFmt] of [['4:2:2 10-bit', 'yuv422p10le'], ['4:4:4 10-bit', 'yuv444p10le'], ['12-bit 4:2:0', 'yuv420p12le']] as const) {
    it(`${name} HDR10 encodes to 8-bit 4:2:0 SDR`, async () => {
      const input = await pqClip(`${pixFmt}.mkv`, pixFmt);
      const output = out(pixFmt);
      const r = await runCli(['encode', input, '-o', output]);
      expect(r.stderr).toMatch(/^encoded /);
      expect(r.code).toBe(0);
      const p = await runCli(['probe', '--json', output]);
      expect((JSON.parse(p.stdout) as { video: { pixelFormat: string; frameCount: number } }).video).toMatchObject({ pixelFormat: 'yuv420p', frameCount: 4 });
      expect(existsSync(output)).toBe(true);
    });
  }
});

describe('two runs writing the same output', () => {
  it('both finish; the output is one complete file (the last to finish wins), no temp file left', async () => {
    const output = out('same-target');
    const input = f('small-pq.mkv');
    const [a, b] = await Promise.all([runCli(['encode', input, '-o', output]), runCli(['encode', input, '-o', output])]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const p = await runCli(['probe', '--json', output]);
    expect((JSON.parse(p.stdout) as { video: { frameCount: number } }).video.frameCount).toBe(4);
    const restored = out('same-target-restored');
    expect((await runCli(['restore', output, '-o', restored])).code).toBe(0); // its manifest is intact too
    expect(readdirSync(dir).filter((n) => n.includes(TEMP_MARK))).toEqual([]);
  });
});

describe('every shipped SDR preset encodes (AV1 where the ffmpeg found has libaom)', () => {
  for (const [preset, codec] of [['x264-crf', 'h264'], ['x264-4mbps', 'h264'], ['x265-crf', 'hevc'], ['x265-2mbps', 'hevc'], ['av1-crf', 'av1']] as const) {
    it(`${preset} -> ${codec}`, async () => {
      const output = out(`preset-${preset}`);
      const r = await runCli(['encode', f('small-pq.mkv'), '-o', output, '--preset', preset]);
      if (r.code !== 0 && /has no libaom-av1 encoder/.test(r.stderr)) return; // said in one line, as promised
      expect(r.stderr).toMatch(/^encoded /);
      const p = await runCli(['probe', '--json', output]);
      expect((JSON.parse(p.stdout) as { video: { codec: string; bitDepth: number } }).video).toMatchObject({ codec, bitDepth: 8 });
    });
  }
});
