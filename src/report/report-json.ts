// report.json: every number of a round trip. Evaluations are in `duhdr eval --json`'s form
// (src/eval evaluationToJson: +Infinity → null, listed in `infinite`), file names relative to
// the report directory.

import { basename } from 'node:path';
import { evaluationToJson, type EvaluationJson, type HdrEvaluation, type SdrEvaluation } from '../eval/index.js';
import type { EncoderSettings } from '../io/index.js';
import type { BdRateEntry, RoundtripResult } from '../roundtrip/index.js';

export const REPORT_FORMAT = 'duhdr-roundtrip-report';
export const REPORT_VERSION = 1;

export type ReportPoint = {
  crf: number;
  /** Stream sent and HDR restored, relative to the report directory (present when media_kept). */
  stream: string;
  restored: string;
  video_bytes: number;
  side_info_bytes: number;
  bitrate_bps: number;
  hdr: EvaluationJson<HdrEvaluation>;
  sdr: EvaluationJson<SdrEvaluation> | null;
};

export type ReportPlot = { file: string; title: string; group: 'rd' | 'frames' };

export type ReportPictures = {
  frame: number;
  rung_label: string;
  crop: { x: number; y: number; width: number; height: number };
  crop_from: string;
  display_mapping: string;
  delta_e_scale_max: number;
  colour_bar: string;
  source_crop: string;
  methods: { method: string; crop: string; sdr_crop: string | null; delta_e_map: string; delta_e_mean: number }[];
};

export type ReportJson = {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  created_by: string;
  input: string;
  width: number;
  height: number;
  frames: number;
  frame_rate: number;
  duration_s: number;
  peak_nits: number;
  encoders: { sdr: EncoderSettings; hdr: EncoderSettings; restored_lossless: EncoderSettings };
  ladders: { sdr_crf: number[]; hdr_crf: number[] };
  /** Whether the streams and restored files were kept in media/ (--keep-media). */
  media_kept: boolean;
  methods: { id: string; label: string; description: string; kind: 'hdr' | 'sdr'; points: ReportPoint[] }[];
  bd_rate: BdRateEntry[];
  plots: ReportPlot[];
  pictures: ReportPictures;
  seconds: number;
};

/** The media folder inside a report directory. */
export const MEDIA_DIR = 'media';

/** report.json's body from a round trip (plots and pictures added by the writer). */
export function reportJson(
  r: RoundtripResult, o: { createdBy: string; mediaKept: boolean; plots: ReportPlot[]; pictures: ReportPictures },
): ReportJson {
  const rel = (file: string): string => `${MEDIA_DIR}/${basename(file)}`;
  const sdrLadder = r.methods.find((m) => m.kind === 'sdr')?.points.map((p) => p.crf) ?? [];
  const hdrLadder = r.methods.find((m) => m.kind === 'hdr')?.points.map((p) => p.crf) ?? [];
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    created_by: o.createdBy,
    input: r.input,
    width: r.width,
    height: r.height,
    frames: r.frames,
    frame_rate: r.frameRate,
    duration_s: r.duration,
    peak_nits: r.peakNits,
    encoders: { sdr: r.encoders.sdr, hdr: r.encoders.hdr, restored_lossless: r.encoders.restoredLossless },
    ladders: { sdr_crf: sdrLadder, hdr_crf: hdrLadder },
    media_kept: o.mediaKept,
    methods: r.methods.map((m) => ({
      id: m.id,
      label: m.label,
      description: m.description,
      kind: m.kind,
      points: m.points.map((p) => ({
        crf: p.crf,
        stream: rel(p.stream),
        restored: rel(p.restored),
        video_bytes: p.videoBytes,
        side_info_bytes: p.sideInfoBytes,
        bitrate_bps: p.bitrate,
        // The test file is named as the report names it, not by the temporary path it was measured at.
        hdr: evaluationToJson({ ...p.hdr, test: rel(p.restored) }),
        sdr: p.sdr ? evaluationToJson({ ...p.sdr, test: rel(p.stream) }) : null,
      })),
    })),
    bd_rate: r.bdRate,
    plots: o.plots,
    pictures: o.pictures,
    seconds: r.seconds,
  };
}
