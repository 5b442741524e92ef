import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaries, probe } from '../../src/io/index.js';
import { encode } from '../../src/pipeline/index.js';
import { runCli } from '../helpers/cli.js';
import { processesMentioning, sample, tempDir } from '../helpers/media.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const sdr = join(dir, 'interior-sdr.mkv');
const root = new URL('../../', import.meta.url).pathname;

/** A folder holding one fake player: a shell script that records its arguments, then runs `body`. */
function fakePlayer(name: 'mpv' | 'ffplay', body: string): string {
  const bin = join(dir, `bin-${name}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(bin);
  const script = join(bin, name);
  writeFileSync(script, `#!/bin/sh\necho "$@" > "${bin}/args"\n${body}\n`);
  chmodSync(script, 0o755);
  return bin;
}
const ff = (): string => binaries().ffmpeg.path;
// /usr/bin:/bin for the scripts' sh, head and cat; the fake player's folder comes first.
const env = (bin: string): NodeJS.ProcessEnv => ({ PATH: `${bin}:/usr/bin:/bin` });

beforeAll(async () => {
  const input = join(dir, 'interior-pq.mp4'); // a private path: only this file's processes name it
  copyFileSync(sample('interior-pq.mp4'), input);
  await encode({ input, output: sdr });
});

describe('duhdr play', () => {
  it('feeds the player PQ-tagged Matroska on stdin, every frame, and ends cleanly', async () => {
    const played = join(dir, 'played.mkv');
    const bin = fakePlayer('ffplay', `exec "${ff()}" -v error -i pipe:0 -map 0:v -c copy -f matroska -y "${played}"`);
    const r = await runCli(['play', sdr, '--player', 'ffplay'], { env: env(bin) });
    expect(r.stderr).toMatch(new RegExp(`^played ${sdr} in ffplay: 50 frames in [\\d.]+ s \\([\\d.]+ fps, slowest stage: \\w+\\), streamed, model classical-soft\\n$`));
    expect(r.code).toBe(0);
    expect(readFileSync(join(bin, 'args'), 'utf8')).toContain('-autoexit');
    const v = (await probe(played)).video!;
    expect(v).toMatchObject({ frameCount: 50, dynamicRange: 'pq', bitDepth: 10, color: { primaries: 'bt2020' } });
    expect(v.hdr10.masteringDisplay?.maxLuminance).toBe(1000);
  });

  it('prefers mpv when both are on PATH', async () => {
    const bin = fakePlayer('mpv', 'cat > /dev/null');
    writeFileSync(join(bin, 'ffplay'), '#!/bin/sh\nexit 3\n');
    chmodSync(join(bin, 'ffplay'), 0o755);
    const r = await runCli(['play', sdr], { env: env(bin) });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^played .* in mpv: 50 frames/);
    expect(readFileSync(join(bin, 'args'), 'utf8').trim().split(' ').at(-1)).toBe('-');
  });

  it('treats the player closing early as the end of playback: exit 0, one line, nothing left running', async () => {
    const bin = fakePlayer('ffplay', 'head -c 20000 > /dev/null');
    const r = await runCli(['play', sdr, '--player', 'ffplay'], { env: env(bin) });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: `duhdr: playback stopped: ffplay was closed before the end of ${sdr}\n` });
    expect(processesMentioning(sdr)).toEqual([]);
  });

  it('stops the restore and the player on Ctrl-C (exit 130, no child left)', async () => {
    const started = join(dir, 'slow-started');
    // A player that shows frames in real time (-re), so the stream is still running at the SIGINT.
    const bin = fakePlayer('ffplay', `touch "${started}"\nexec "${ff()}" -v error -re -i pipe:0 -f framemd5 "${dir}/slow.md5"`);
    const child = spawn(process.execPath, ['--import', 'tsx', `${root}src/cli/run.ts`, 'play', sdr, '--player', 'ffplay'], {
      cwd: root, env: { ...process.env, ...env(bin) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    // The player signals its start by a file; wait for it (bounded), then interrupt.
    for (let i = 0; i < 300 && !existsSync(started); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(started)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    // duhdr's own output is one line; the player's stderr is its own (this fake one reports the
    // read it was in when stopped).
    expect(stderr.split('\n').filter((l) => l.startsWith('duhdr'))).toEqual(['duhdr: interrupted by SIGINT']);
    expect(stderr.endsWith('duhdr: interrupted by SIGINT\n')).toBe(true);
    expect(processesMentioning(dir)).toEqual([]);
  });

  it('says in one line that no player is there, and starts none for an input restore refuses', async () => {
    const none = await runCli(['play', sdr], { env: { PATH: join(dir, 'empty') } });
    expect(none).toMatchObject({
      code: 1,
      stderr: 'duhdr: no player found: neither mpv nor ffplay is on PATH — install one (e.g. apt install mpv), or pipe `duhdr restore IN -o -` into your own player\n',
    });
    const bin = fakePlayer('ffplay', 'cat > /dev/null');
    const hdr = sample('city-pq.mkv');
    const bad = await runCli(['play', hdr, '--player', 'ffplay'], { env: env(bin) });
    expect(bad).toMatchObject({ code: 1, stderr: `duhdr: ${hdr}: is already HDR (PQ) — restore takes the SDR that \`duhdr encode\` made\n` });
    expect(existsSync(join(bin, 'args'))).toBe(false); // the player never started
  });
});
