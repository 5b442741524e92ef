// ffmpeg's `tonemap` filter (libavfilter/vf_tonemap.c) as used by the classical baselines, and
// the exact analytic inverse of its hable and mobius curves.
//
// The filter works on linear light where 1.0 = 100 cd/m² (zscale npl=100). With desat=0 each
// pixel is scaled by f(sig)/sig, sig = max(R, G, B, 1e-6): the hue and the ratios between
// channels are kept, so knowing f⁻¹ undoes it exactly wherever the 8-bit SDR did not clip.
//   hable:  f(x) = h(x) / h(peak), h(x) = (x(ax + bc) + de) / (x(ax + b) + df) − e/f
//           (a..f = 0.15, 0.50, 0.10, 0.20, 0.02, 0.30)
//   mobius: f(x) = x for x ≤ j, else (b² + 2bj + j²)/(b − a) · (x + a)/(x + b),
//           a = −j²(peak − 1)/(j² − 2j + peak), b = (j² − 2j·peak + peak)/max(peak − 1, 1e-6)
// The filter computes in float32; these run in float64 (differences ~1e-7 relative).
//
// Checked against the ffmpeg found (a 2018 static build): its zscale `t=bt709` applies the
// BT.1886 curve (pure 2.4 power) for display-referred output, not the BT.709 OETF — a tone
// mapped ramp matches E' = L^(1/2.4) within 2e-3 and misses the OETF by more than 0.05
// (test/roundtrip/ffmpeg-tonemap.test.ts measures both).

export type TonemapCurve = 'hable' | 'mobius';

export type TonemapParams = {
  curve: TonemapCurve;
  /** Signal peak relative to 100 cd/m² (the filter's `peak`; 10 for a 1000 cd/m² grade). */
  peak: number;
  /** mobius: the knee `j` below which the curve is linear (ffmpeg's default 0.3). Ignored by hable. */
  param: number;
};

/** ffmpeg's default mobius knee (its `param`), rounded to float32 as the filter holds it. */
export const MOBIUS_DEFAULT_PARAM = Math.fround(0.3);

/** The filter's floor on `sig` (so black stays finite). */
const SIG_FLOOR = 1e-6;

const A = 0.15;
const B = 0.5;
const C = 0.1;
const D = 0.2;
const E = 0.02;
const F = 0.3;

function hable(x: number): number {
  return (x * (x * A + B * C) + D * E) / (x * (x * A + B) + D * F) - E / F;
}

/** x ≥ 0 with hable(x) = h: the positive root of a(1−k)x² + b(c−k)x + d(e − kf) = 0, k = h + e/f. */
function hableInverse(h: number): number {
  const k = h + E / F;
  const qa = A * (1 - k);
  const qb = B * (C - k);
  const qc = D * (E - k * F);
  if (qa <= 0) return Infinity; // h at or beyond hable(∞) = 1 − e/f
  const disc = qb * qb - 4 * qa * qc;
  return (-qb + Math.sqrt(Math.max(0, disc))) / (2 * qa);
}

function mobiusCoefficients(j: number, peak: number): { a: number; b: number; scale: number } {
  const a = (-j * j * (peak - 1)) / (j * j - 2 * j + peak);
  const b = (j * j - 2 * j * peak + peak) / Math.max(peak - 1, 1e-6);
  return { a, b, scale: (b * b + 2 * b * j + j * j) / (b - a) };
}

/** The filter's curve f on one value of sig (linear, 1 = 100 cd/m²). */
export function tonemapCurve(x: number, p: TonemapParams): number {
  if (p.curve === 'hable') return hable(x) / hable(p.peak);
  const j = p.param;
  if (x <= j) return x;
  const { a, b, scale } = mobiusCoefficients(j, p.peak);
  return (scale * (x + a)) / (x + b);
}

/**
 * f⁻¹: the sig that the curve maps to `y`. Values beyond the curve's range (an SDR clipped
 * at 1.0 by 8-bit coding) map to the curve's end: hable and mobius both reach 1.0 at `peak`.
 *
 * @example tonemapCurveInverse(tonemapCurve(3, p), p) // 3 (within float64 rounding)
 */
export function tonemapCurveInverse(y: number, p: TonemapParams): number {
  if (!(y > 0)) return 0;
  if (p.curve === 'hable') {
    const hp = hable(p.peak);
    return y >= 1 ? p.peak : Math.min(p.peak, hableInverse(y * hp));
  }
  const j = p.param;
  if (y <= j) return y;
  if (y >= 1) return p.peak;
  const { a, b, scale } = mobiusCoefficients(j, p.peak);
  // y(x + b) = scale(x + a)  ⇒  x = (scale·a − y·b) / (y − scale)
  return (scale * a - y * b) / (y - scale);
}

/**
 * The filter on one linear pixel (desat=0): every channel scaled by f(sig)/sig.
 * Returns [r, g, b] in the input's primaries.
 */
export function tonemapPixel(r: number, g: number, b: number, p: TonemapParams): [number, number, number] {
  const sig = Math.max(r, g, b, SIG_FLOOR);
  const s = tonemapCurve(sig, p) / sig;
  return [r * s, g * s, b * s];
}

/**
 * The exact inverse of {@link tonemapPixel}: max(R, G, B) of the tone-mapped pixel is f(sig),
 * so sig = f⁻¹(max) and every channel is scaled back by sig / f(sig).
 */
export function inverseTonemapPixel(r: number, g: number, b: number, p: TonemapParams): [number, number, number] {
  const m = Math.max(r, g, b);
  const floorOut = tonemapCurve(SIG_FLOOR, p);
  // At or below the filter's floor the forward scale was f(1e-6)/1e-6, a constant.
  const s = m <= floorOut ? SIG_FLOOR / floorOut : tonemapCurveInverse(m, p) / m;
  return [r * s, g * s, b * s];
}

/**
 * The ffmpeg filter chain HDR10 (PQ BT.2020 Y'CbCr) → BT.709 SDR Y'CbCr 8-bit with this curve:
 * linearise (1.0 = 100 cd/m²), convert primaries to BT.709, tone map with desat=0 (so it is
 * invertible), apply the BT.709 transfer (BT.1886 in zimg) and matrix, limited range.
 */
export function tonemapFilterChain(p: TonemapParams): string {
  const curve = p.curve === 'mobius' ? `tonemap=mobius:param=${p.param}` : 'tonemap=hable';
  return [
    'zscale=tin=smpte2084:min=bt2020nc:pin=bt2020:rin=tv:t=linear:npl=100',
    'format=gbrpf32le',
    'zscale=p=bt709',
    `${curve}:desat=0:peak=${p.peak}`,
    'zscale=t=bt709:m=bt709:r=tv',
    'format=yuv420p',
  ].join(',');
}
