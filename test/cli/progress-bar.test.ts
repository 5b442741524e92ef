import { describe, expect, it } from 'vitest';
import { formatProgress } from '../../src/cli/progress-bar.js';

describe('formatProgress', () => {
  it('draws frames with a bar, fps, ETA and the slowest stage', () => {
    expect(formatProgress({ stage: 'encode', frames: 36, totalFrames: 72, elapsed: 6, fps: 6, eta: 6, slowest: 'encode' }, 8)).toBe(
      'encode  [####....]  36/72 frames  6.0 fps  ETA 0:06  slowest: encode',
    );
  });

  it('says the encoder is finishing once every frame is with it, and starting while it fills its look-ahead', () => {
    expect(formatProgress({ stage: 'restore', frames: 64, sent: 72, totalFrames: 72, elapsed: 12, fps: 6, eta: 1.4, slowest: 'encode', finishing: true }, 8)).toBe(
      'restore  [#######.]  64/72 frames  6.0 fps  ETA 0:01  encoder finishing  slowest: encode',
    );
    // Without the encoder's count (no ETA known), finishing still shows.
    expect(formatProgress({ stage: 'restore', frames: 72, totalFrames: 72, elapsed: 12, fps: 6, eta: null, slowest: 'encode', finishing: true }, 8)).toBe(
      'restore  [########]  72/72 frames  6.0 fps  encoder finishing  slowest: encode',
    );
    expect(formatProgress({ stage: 'encode', frames: 0, sent: 30, totalFrames: 72, elapsed: 2, fps: 0, eta: null, slowest: 'encode' }, 8)).toBe(
      'encode  [........]  0/72 frames  0.0 fps  encoder starting (30 in)  slowest: encode',
    );
  });

  it('counts bytes for pack and unpack, in MB or GB', () => {
    expect(formatProgress({ stage: 'pack', frames: 412e6, totalFrames: 848.8e6, elapsed: 2.6, fps: 158e6, eta: 2.7, slowest: null, unit: 'bytes' }, 8)).toBe(
      'pack  [####....]  412.0/848.8 MB  158 MB/s  ETA 0:03',
    );
    expect(formatProgress({ stage: 'unpack', frames: 1.25e9, totalFrames: 4.5e9, elapsed: 5, fps: 250e6, eta: 13, slowest: null, unit: 'bytes' }, 8)).toBe(
      'unpack  [##......]  1.25/4.50 GB  250 MB/s  ETA 0:13',
    );
  });

  it('counts training steps for encode --adapt', () => {
    expect(formatProgress({ stage: 'adapt', frames: 12, totalFrames: null, elapsed: 30, fps: 0.4, eta: 30, slowest: null, unit: 'steps' })).toBe(
      'adapt  12 steps  0.40 steps/s  ETA 0:30',
    );
  });
});
