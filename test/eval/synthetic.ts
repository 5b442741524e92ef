// Synthetic images shared with test/eval/reference/metrics_reference.py: the same formulas,
// so the Python reference values apply. Float32 storage, as the metrics take.

export const SYN_W = 192;
export const SYN_H = 176;

/** HDR luminance (cd/m²) with smooth structure, fine texture and a 3000 cd/m² highlight. */
export function synthHdr(): Float32Array {
  const out = new Float32Array(SYN_W * SYN_H);
  for (let y = 0; y < SYN_H; y++) {
    for (let x = 0; x < SYN_W; x++) {
      const base = 0.5 + 0.5 * Math.sin(x / 9) * Math.cos(y / 7);
      const tex = ((x * 37 + y * 91) % 17) / 17;
      out[y * SYN_W + x] = 0.05 + 800 * base ** 3 + 20 * tex + 3000 * Math.exp(-((x - 140) ** 2 + (y - 50) ** 2) / 200);
    }
  }
  return out;
}

/** The HDR through a global curve L/(L+60) and gamma 1/2.2, rounded to 8-bit codes (0–255). */
export function synthSdr(hdr: Float32Array): Float32Array {
  return hdr.map((l) => Math.round(255 * (l / (l + 60)) ** (1 / 2.2)));
}

/** A distorted HDR: gain 1.1, power 0.97 and a 5 % horizontal ripple. */
export function synthHdrDistorted(hdr: Float32Array): Float32Array {
  const out = new Float32Array(hdr.length);
  for (let y = 0; y < SYN_H; y++) {
    for (let x = 0; x < SYN_W; x++) {
      const i = y * SYN_W + x;
      out[i] = 1.1 * hdr[i]! ** 0.97 * (1 + 0.05 * Math.sin(x / 3));
    }
  }
  return out;
}

/** The SDR with a ±5 code periodic pattern added, clipped to 0–255. */
export function synthSdrNoisy(sdr: Float32Array): Float32Array {
  const out = new Float32Array(sdr.length);
  for (let y = 0; y < SYN_H; y++) {
    for (let x = 0; x < SYN_W; x++) {
      const i = y * SYN_W + x;
      out[i] = Math.min(255, Math.max(0, sdr[i]! + ((x * 7 + y * 3) % 11) - 5));
    }
  }
  return out;
}
