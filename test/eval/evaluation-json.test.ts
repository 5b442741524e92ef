import { describe, expect, it } from 'vitest';
import { evaluationFromJson, evaluationToJson, type HdrEvaluation } from '../../src/eval/index.js';

const identical: HdrEvaluation = {
  mode: 'hdr', reference: 'a.mkv', test: 'b.mkv', width: 4, height: 2, frames: 2,
  pq_psnr: Infinity, pu21_psnr: 41.5, pu21_ssim: 1, delta_e_itp: 0, mu_psnr: Infinity, flicker: 0,
  per_frame: {
    pq_psnr: [Infinity, Infinity], pu21_psnr: [Infinity, 38.5], pu21_ssim: [1, 1], delta_e_itp: [0, 0], mu_psnr: [Infinity, Infinity],
    pu21_mean_ref: [100, 101], pu21_mean_test: [100, 101],
  },
};

describe('evaluation JSON', () => {
  it('writes +Infinity as null and lists where', () => {
    const json = evaluationToJson(identical);
    const text = JSON.stringify(json);
    expect(text).not.toContain('Infinity');
    expect(json.pq_psnr).toBeNull();
    expect(json.pu21_psnr).toBe(41.5);
    expect(json.per_frame.pu21_psnr).toEqual([null, 38.5]);
    expect(json.infinite).toEqual(['pq_psnr', 'mu_psnr', 'per_frame.pq_psnr', 'per_frame.pu21_psnr', 'per_frame.mu_psnr']);
  });

  it('reads back to the same values', () => {
    const back = evaluationFromJson(JSON.parse(JSON.stringify(evaluationToJson(identical))));
    expect(back).toEqual(identical);
  });

  it('lists nothing when every value is finite', () => {
    expect(evaluationToJson({ ...identical, pq_psnr: 40, mu_psnr: 30, per_frame: { ...identical.per_frame, pq_psnr: [1, 2], pu21_psnr: [1, 2], mu_psnr: [1, 2] } }).infinite).toEqual([]);
  });
});
