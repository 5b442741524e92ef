import type { PlanarFormat } from '../io/index.js';

/**
 * Per-frame side information a reverse pass emits and the forward pass may use: a short vector
 * of numbers (tens of bytes a frame, like SL-HDR1 dynamic metadata). `fields` names them.
 */
export type SideInfo = readonly number[];

/** What a model needs to know about the HDR source (from probe / the manifest). */
export type HdrSourceInfo = {
  width: number;
  height: number;
  transfer: 'pq' | 'hlg';
  /** Mastering display peak, cd/m² (HDR10 metadata; 1000 when absent). */
  masteringPeak: number;
  /** MaxCLL when known, cd/m². */
  maxCll: number | null;
};

/** A frame as it crosses the model boundary: planes of one planar frame (views over `data`). */
export type ModelFrame = { data: Uint8Array; planes: (Uint8Array | Uint16Array | Float32Array)[] };

/**
 * A reverse/forward pair behind one interface; the pipeline does not care which model it runs.
 *
 * Call order the pipeline guarantees:
 * - `analyze` is called on every HDR frame **in order**, one batch after another (it may keep
 *   temporal state: smoothing global parameters so video does not flicker) and returns each
 *   frame's side info.
 * - `reverse` / `forward` are pure per batch and may run concurrently on several batches.
 *
 * Output frames are buffers in `sdrFormat` / `hdrFormat` of the same size as the input, owned
 * by the caller until it hands them back with `recycle`. A model may replace an input frame's
 * `data` with a buffer of equal content (an off-thread model gets the bytes back from its
 * worker this way), so callers reuse `frame.data` after the call, not their own old reference.
 */
export interface ToneModel {
  /** Stable model name, e.g. 'classical-bt2390'. */
  readonly id: string;
  /** sha256 (hex) of everything that defines the model's output (parameters, weights). */
  readonly contentHash: string;
  /** Names of the side-info vector entries, e.g. ['peakNits']. */
  readonly sideInfoFields: readonly string[];
  /** Planar formats the model takes and gives. */
  readonly hdrFormat: PlanarFormat;
  readonly sdrFormat: PlanarFormat;
  /** Frames per call the model works best with on this engine, and how many calls to overlap. */
  readonly preferredBatch: { size: number; concurrency: number };

  /** Sequential per-frame analysis of HDR frames (in order): the side info for each. */
  analyze(frames: readonly ModelFrame[], source: HdrSourceInfo): SideInfo[];
  /**
   * HDR -> SDR for a batch, given each frame's side info. `into`, when given, holds one buffer
   * per frame of the output's size: a model that can write its outputs there returns those very
   * buffers (an off-thread model lends shared memory this way); one that cannot returns its own.
   */
  reverse(frames: readonly ModelFrame[], sideInfo: readonly SideInfo[], source: HdrSourceInfo, into?: readonly Uint8Array[]): Promise<Uint8Array[]>;
  /**
   * SDR -> HDR for a batch. `sideInfo` entries are null for blind restore (SDR that this model
   * did not make); `target` says which HDR signal to produce; `into` as for reverse.
   */
  forward(
    frames: readonly ModelFrame[],
    sideInfo: readonly (SideInfo | null)[],
    target: HdrSourceInfo,
    into?: readonly Uint8Array[],
  ): Promise<Uint8Array[]>;
  /**
   * Give back output buffers the caller is done with (written to the encoder); the model may
   * reuse them for later outputs instead of allocating. Optional.
   */
  recycle?(buffers: Uint8Array[]): void;
  /** Load now what the first frame would otherwise wait for (kernels, tables). Optional. */
  warm?(): void;
  dispose(): void;
}

/**
 * A caller's `into` buffer for one output of `bytes` bytes, checked (RangeError naming `where`),
 * or undefined when none was given and the model uses its own.
 */
export function intoBuffer(given: Uint8Array | undefined, bytes: number, where: string): Uint8Array | undefined {
  if (given !== undefined && given.byteLength !== bytes) {
    throw new RangeError(`${where}: an output frame is ${bytes} bytes, got a buffer of ${given.byteLength}`);
  }
  return given;
}
