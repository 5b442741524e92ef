// Deterministic train/validation split by name. Whole groups go to one side: the six faces of
// one Open3D cube map (they share edges) and the frames of one video are one scene.

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The scene an entry belongs to: "clip.mkv#120" → "clip.mkv"; "open3d_park_px.exr" →
 * "open3d_park.exr" (cube-map faces _px/_nx/_py/_ny/_pz/_nz).
 */
export function groupOf(name: string): string {
  const base = name.replace(/#\d+$/, '');
  return base.replace(/_[pn][xyz](\.[^./]+)$/i, '$1');
}

/** True when `name`'s group falls in the validation fraction (hash of the group in [0, 1)). */
export function isValidation(name: string, valFraction: number): boolean {
  if (!(valFraction >= 0 && valFraction <= 1)) throw new RangeError(`split: valFraction must be in [0, 1], got ${valFraction}`);
  return fnv1a(groupOf(name)) / 4294967296 < valFraction;
}
