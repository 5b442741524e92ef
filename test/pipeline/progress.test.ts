import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressTracker, type Progress } from '../../src/pipeline/index.js';

// performance.now() under the test's control, so speeds and ETAs are exact.
beforeEach(() => vi.useFakeTimers({ toFake: ['performance'] }));
afterEach(() => vi.useRealTimers());

function tracker(total: number | null, encoderReports: boolean): { t: ProgressTracker; events: Progress[] } {
  const events: Progress[] = [];
  return { t: new ProgressTracker('restore', total, (p) => events.push(p), { encoderReports }), events };
}

describe('ProgressTracker', () => {
  it('counts frames as the encoder reports them written, never past those sent and never backwards', () => {
    const { t, events } = tracker(100, true);
    for (let i = 0; i < 30; i++) t.frameSent();
    expect(t.snapshot()).toMatchObject({ frames: 0, sent: 30, eta: null });
    vi.advanceTimersByTime(400);
    t.encoderWrote(12);
    // Under a second of written frames: no ETA yet (12 frames in 0.4 s would say 3 s).
    expect(t.snapshot()).toMatchObject({ frames: 12, sent: 30, eta: null });
    t.encoderWrote(9); // a report behind an earlier one
    expect(t.snapshot().frames).toBe(12);
    t.encoderWrote(45); // B-frames make a report run ahead of what was sent
    expect(t.snapshot().frames).toBe(30);
    expect(events.every((e) => e.frames <= e.sent!)).toBe(true);
  });

  it('takes the ETA from the speed of the last five seconds, so a slow start does not skew it', () => {
    const { t } = tracker(400, true);
    // The encoder's look-ahead: 40 frames in, nothing out for 8 s.
    for (let i = 0; i < 40; i++) t.frameSent();
    vi.advanceTimersByTime(8000);
    // Then 5 frames a second, reported twice a second, for 20 s, the sender 40 frames ahead.
    for (let k = 1; k <= 40; k++) {
      vi.advanceTimersByTime(500);
      const written = Math.round(2.5 * k);
      while (t.frames < Math.min(400, written + 40)) t.frameSent();
      t.encoderWrote(written);
    }
    const p = t.snapshot();
    expect(p.frames).toBe(100);
    expect(p.elapsed).toBeCloseTo(28);
    expect(p.fps).toBeCloseTo(100 / 28); // the average, slow start included
    // The window's speed, 5 fps: 60 s (the average speed would say 84 s).
    expect(p.eta).toBeGreaterThan(58);
    expect(p.eta).toBeLessThan(62);
  });

  it('says when the encoder is finishing, and keeps counting until every frame is written', () => {
    const { t, events } = tracker(10, true);
    for (let i = 0; i < 10; i++) t.frameSent();
    t.encoderWrote(4);
    t.finishing();
    expect(events.at(-1)).toMatchObject({ frames: 4, sent: 10, finishing: true });
    vi.advanceTimersByTime(1500);
    t.encoderWrote(10);
    expect(events.at(-1)).toMatchObject({ frames: 10, sent: 10, finishing: true, eta: 0 });
  });

  it('without encoder reports counts frames handed over, and has no ETA while the encoder finishes', () => {
    const { t, events } = tracker(4, false);
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(500);
      t.frameSent();
    }
    expect(events.at(-1)).toMatchObject({ frames: 4, eta: 0 });
    expect(events.at(-1)).not.toHaveProperty('sent');
    t.encoderWrote(1); // ignored: this tracker counts frames handed over
    t.finishing();
    expect(events.at(-1)).toMatchObject({ frames: 4, eta: null, finishing: true });
  });

  it('counts work a job measures itself (bytes), at its recent speed, throttled', () => {
    const events: Progress[] = [];
    const t = new ProgressTracker('pack', 100e6, (p) => events.push(p), { unit: 'bytes' });
    // 64 KB every millisecond for 1.5 s: 64 MB/s.
    for (let ms = 1; ms <= 1500; ms++) {
      vi.advanceTimersByTime(1);
      t.progressTo(ms * 65536);
    }
    t.progressTo(1000); // a count behind the last is ignored
    const p = t.snapshot();
    expect(p).toMatchObject({ stage: 'pack', unit: 'bytes', frames: 1500 * 65536, totalFrames: 100e6 });
    expect(p.fps).toBeCloseTo(65536e3, -3);
    expect(p.eta).toBeCloseTo((100e6 - 1500 * 65536) / 65536e3, 2);
    expect(events.length).toBeLessThanOrEqual(16); // throttled to ~10 a second
  });

  it('has no ETA when the total is unknown', () => {
    const { t } = tracker(null, false);
    vi.advanceTimersByTime(2000);
    t.frameSent();
    expect(t.snapshot()).toMatchObject({ frames: 1, totalFrames: null, eta: null });
  });
});
