import { describe, expect, it } from 'vitest';
import { formatProgress } from '../../src/cli/progress-bar.js';

describe('formatProgress', () => {
  it('draws frames with a bar, fps, ETA and the slowest stage', () => {
    expect(formatProgress({ stage: 'encode', frames: 36, totalFrames: 72, elapsed: 6, fps: 6, eta: 6, slowest: 'encode' }, 8)).toBe(
      'encode  [####....]  36/72 frames  6.0 fps  ETA 0:06  slowest: encode',
    );
  });

  it('says the encoder is finishing, in place of the ETA, once every frame is with it', () => {
    expect(formatProgress({ stage: 'restore', frames: 72, totalFrames: 72, elapsed: 12, fps: 6, eta: null, slowest: 'encode', finishing: true }, 8)).toBe(
      'restore  [########]  72/72 frames  6.0 fps  encoder finishing  slowest: encode',
    );
  });

  it('counts training steps for encode --adapt', () => {
    expect(formatProgress({ stage: 'adapt', frames: 12, totalFrames: null, elapsed: 30, fps: 0.4, eta: 30, slowest: null, unit: 'steps' })).toBe(
      'adapt  12 steps  0.40 steps/s  ETA 0:30',
    );
  });
});
