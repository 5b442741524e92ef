import type { Progress } from '../pipeline/index.js';

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** One progress line: bar (when the total is known), frames, speed, ETA. Pure, for tests. */
export function formatProgress(p: Progress, width = 24): string {
  const parts: string[] = [p.stage];
  const unit = p.unit ?? 'frames';
  // Bytes in MB, or GB once the total reaches one.
  const [scale, name] = unit !== 'bytes' ? [1, unit] : (p.totalFrames ?? p.frames) >= 1e9 ? [1e9, 'GB'] : [1e6, 'MB'];
  const amount = (n: number): string => (unit === 'bytes' ? (n / scale).toFixed(scale === 1e9 ? 2 : 1) : String(n));
  if (p.totalFrames) {
    const done = Math.min(width, Math.round((p.frames / p.totalFrames) * width));
    parts.push(`[${'#'.repeat(done)}${'.'.repeat(width - done)}]`, `${amount(p.frames)}/${amount(p.totalFrames)} ${name}`);
  } else {
    parts.push(`${amount(p.frames)} ${name}`);
  }
  if (unit === 'bytes') parts.push(`${(p.fps / 1e6).toFixed(0)} MB/s`);
  else parts.push(unit === 'frames' ? `${p.fps.toFixed(1)} fps` : `${p.fps.toFixed(2)} ${unit}/s`);
  if (p.eta !== null) parts.push(`ETA ${clock(p.eta)}`);
  // Frames count once the encoder writes them: it first fills its look-ahead, and last empties it.
  if (p.finishing) parts.push('encoder finishing');
  else if (p.frames === 0 && p.sent) parts.push(`encoder starting (${p.sent} in)`);
  if (p.slowest) parts.push(`slowest: ${p.slowest}`);
  return parts.join('  ');
}

/**
 * Where progress goes: a redrawn line on a terminal, JSON lines with --json, nothing otherwise
 * (logs of CI jobs should not fill with carriage returns).
 */
export function progressReporter(json: boolean, stream: NodeJS.WriteStream = process.stderr): {
  onProgress: (p: Progress) => void;
  done: () => void;
} {
  let drawn = false;
  return {
    onProgress: (p) => {
      if (json) {
        process.stdout.write(`${JSON.stringify({ type: 'progress', ...p })}\n`);
      } else if (stream.isTTY) {
        stream.write(`\r${formatProgress(p)}\x1b[K`);
        drawn = true;
      }
    },
    done: () => {
      if (drawn) stream.write('\n');
    },
  };
}
