import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameReader, TEMP_MARK, UnsupportedInputError, probe } from '../../src/io/index.js';
import { transcode, type Progress } from '../../src/pipeline/index.js';
import { ffmpeg, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

async function frames(file: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const f of await FrameReader.open(file, { format: 'yuv420p10le' })) out.push(f.data);
  return out;
}

describe('transcode', () => {
  it('re-encodes the HLG sample losslessly: same frames, tags, audio, subtitles, chapters; progress reported', async () => {
    const output = join(dir, 'hlg-copy.mkv');
    const events: Progress[] = [];
    const result = await transcode({
      input: sample('sunset-hlg.mkv'), output,
      encoder: { codec: 'libx265', lossless: true, preset: 'ultrafast' },
      onProgress: (p) => events.push(p),
    });
    expect(result.frames).toBe(50);
    // Frames count as the encoder writes them; the last event has them all, with the encoder finishing.
    expect(events.at(-1)).toMatchObject({ stage: 'transcode', frames: 50, sent: 50, totalFrames: 50, eta: 0, finishing: true });
    expect(events.every((e) => e.frames <= e.sent!)).toBe(true);
    const [a, b] = await Promise.all([frames(sample('sunset-hlg.mkv')), frames(output)]);
    expect(b.length).toBe(a.length);
    b.forEach((f, i) => expect(Buffer.compare(f, a[i]!), `frame ${i}`).toBe(0));
    const [src, out] = await Promise.all([probe(sample('sunset-hlg.mkv')), probe(output)]);
    expect(out.video!.color).toEqual(src.video!.color);
    expect(out.video!.dynamicRange).toBe('hlg');
    expect(out.audio.map((s) => [s.codec, s.channels, s.language])).toEqual([['aac', 2, 'eng']]);
    expect(out.subtitles).toHaveLength(1);
    expect(out.chapters).toBe(2);
  });

  it('refuses an audio-only file and leaves nothing behind', async () => {
    const audio = join(dir, 'tone.mka');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=0.2', '-c:a', 'aac', audio]);
    await expect(transcode({ input: audio, output: join(dir, 'x.mkv'), encoder: { codec: 'libx264' } })).rejects.toThrow(
      new UnsupportedInputError(audio, 'has no video stream'),
    );
    expect(existsSync(join(dir, 'x.mkv'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes(TEMP_MARK))).toEqual([]);
  });
});
