import type { LinearImage } from '../io/index.js';

/** A pinhole camera looking into an equirectangular panorama; angles in degrees. */
export type CameraPose = {
  /** Rotation about the vertical axis; 0 looks at the panorama's centre column. */
  yaw: number;
  /** Up (+) or down (−) from the horizon. */
  pitch: number;
  /** Horizontal field of view. */
  fov: number;
};

const DEG = Math.PI / 180;

/**
 * Render a perspective view of an equirectangular panorama into three linear planes
 * (bilinear sampling, wrapping around horizontally). Output planes are width*height.
 *
 * @example renderView(pano, { yaw: 30, pitch: 0, fov: 70 }, 640, 360, { r, g, b })
 */
export function renderView(
  pano: LinearImage,
  pose: CameraPose,
  width: number,
  height: number,
  out: { r: Float32Array; g: Float32Array; b: Float32Array },
): void {
  const { width: pw, height: ph, r: pr, g: pg, b: pb } = pano;
  const tanHalf = Math.tan((pose.fov * DEG) / 2);
  const cy = Math.cos(pose.yaw * DEG);
  const sy = Math.sin(pose.yaw * DEG);
  const cp = Math.cos(pose.pitch * DEG);
  const sp = Math.sin(pose.pitch * DEG);
  const aspect = height / width;
  for (let y = 0; y < height; y++) {
    const vy = -tanHalf * aspect * ((2 * (y + 0.5)) / height - 1);
    for (let x = 0; x < width; x++) {
      const vx = tanHalf * ((2 * (x + 0.5)) / width - 1);
      // Camera ray (vx, vy, 1): pitch about X, then yaw about Y.
      const y1 = vy * cp + sp;
      const z1 = -vy * sp + cp;
      const dx = vx * cy + z1 * sy;
      const dz = -vx * sy + z1 * cy;
      const lon = Math.atan2(dx, dz);
      const lat = Math.atan2(y1, Math.hypot(dx, dz));
      // Texel centres sit at half-integers; shift so bilinear weights line up.
      let u = (lon / (2 * Math.PI) + 0.5) * pw - 0.5;
      let v = (0.5 - lat / Math.PI) * ph - 0.5;
      if (u < 0) u += pw;
      v = Math.min(Math.max(v, 0), ph - 1);
      const u0 = Math.floor(u);
      const v0 = Math.floor(v);
      const fu = u - u0;
      const fv = v - v0;
      const x0 = u0 % pw;
      const x1 = (u0 + 1) % pw;
      const y0 = v0 * pw;
      const y1r = Math.min(v0 + 1, ph - 1) * pw;
      const w00 = (1 - fu) * (1 - fv);
      const w01 = fu * (1 - fv);
      const w10 = (1 - fu) * fv;
      const w11 = fu * fv;
      const i = y * width + x;
      out.r[i] = pr[y0 + x0]! * w00 + pr[y0 + x1]! * w01 + pr[y1r + x0]! * w10 + pr[y1r + x1]! * w11;
      out.g[i] = pg[y0 + x0]! * w00 + pg[y0 + x1]! * w01 + pg[y1r + x0]! * w10 + pg[y1r + x1]! * w11;
      out.b[i] = pb[y0 + x0]! * w00 + pb[y0 + x1]! * w01 + pb[y1r + x0]! * w10 + pb[y1r + x1]! * w11;
    }
  }
}

/** Smooth start and stop for camera moves (cubic ease-in-out over t in [0,1]). */
export function easeInOut(t: number): number {
  return t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2;
}

/** The pose at frame `i` of `n` for a pan from `from` to `to`. */
export function panPose(from: CameraPose, to: CameraPose, i: number, n: number): CameraPose {
  const t = easeInOut(n <= 1 ? 0 : i / (n - 1));
  return {
    yaw: from.yaw + (to.yaw - from.yaw) * t,
    pitch: from.pitch + (to.pitch - from.pitch) * t,
    fov: from.fov + (to.fov - from.fov) * t,
  };
}
