import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { HashingStream, formatChecksums, parseChecksums } from '../../src/bundle/checksums.js';
import { collect, sha256 } from './helpers.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('checksums.sha256', () => {
  it("writes sha256sum's text format: hash, two spaces, name, newline", () => {
    expect(formatChecksums([{ name: 'manifest.json', sha256: A }, { name: 'video.mkv', sha256: B }])).toBe(
      `${A}  manifest.json\n${B}  video.mkv\n`,
    );
  });

  it('reads what it writes, and the binary-mode marker and upper-case hex', () => {
    const parsed = parseChecksums(`${A}  manifest.json\n${B.toUpperCase()} *video.mkv\n`);
    expect(parsed).toEqual({ ok: true, sums: new Map([['manifest.json', A], ['video.mkv', B]]) });
  });

  it.each([
    [`${A} manifest.json\n`, /line 1 is not/],
    [`${A}  manifest.json\n\n`, /line 2 is not/],
    [`${A.slice(1)}  manifest.json\n`, /line 1 is not/],
    [`${A}  manifest.json\r\n`, /line 1 is not/],
    [`${A}  x\n${B}  x\n`, /lists "x" twice/],
  ])('refuses %j', (text, problem) => {
    const parsed = parseChecksums(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });
});

describe('HashingStream', () => {
  it('passes bytes through unchanged and knows their sha256 at the end', async () => {
    const data = Buffer.from('hello bundle '.repeat(1000));
    const hasher = new HashingStream();
    const [out] = await Promise.all([collect(hasher), pipeline(Readable.from([data.subarray(0, 5000), data.subarray(5000)]), hasher)]);
    expect(out.equals(data)).toBe(true);
    expect(hasher.sha256).toBe(sha256(data));
    expect(hasher.bytes).toBe(data.length);
  });

  it('fails the stream at its end when onFlush returns an error', async () => {
    const hasher = new HashingStream({ onFlush: (sha) => new Error(`bad ${sha.slice(0, 4)}`) });
    await expect(pipeline(Readable.from([Buffer.from('x')]), hasher, async function* (src) { for await (const _ of src); })).rejects.toThrow(
      `bad ${sha256(Buffer.from('x')).slice(0, 4)}`,
    );
  });
});
