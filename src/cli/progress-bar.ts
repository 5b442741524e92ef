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
  if (p.totalFrames) {
    const done = Math.min(width, Math.round((p.frames / p.totalFrames) * width));
    parts.push(`[${'#'.repeat(done)}${'.'.repeat(width - done)}]`, `${p.frames}/${p.totalFrames} ${unit}`);
  } else {
    parts.push(`${p.frames} ${unit}`);
  }
  parts.push(unit === 'frames' ? `${p.fps.toFixed(1)} fps` : `${p.fps.toFixed(2)} ${unit}/s`);
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
