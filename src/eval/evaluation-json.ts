// How evaluations are written as JSON. JSON has no Infinity, and identical inputs give an
// infinite PSNR, so: every +Infinity becomes `null`, and `infinite` lists where that happened
// (a top-level key such as "pq_psnr", or a per-frame series such as "per_frame.pu21_psnr" when
// any of its frames is infinite). No metric is null for any other reason — NaN cannot come out
// of evaluate — so a reader can restore the values exactly (see {@link evaluationFromJson}).

import type { Evaluation } from './evaluate.js';

/** A value of an evaluation with +Infinity replaced by null. */
type Jsonish<T> = T extends number ? number | null : T extends (infer U)[] ? Jsonish<U>[] : T extends object ? { [K in keyof T]: Jsonish<T[K]> } : T;

/** An {@link Evaluation} (or one of its modes) as written to JSON. */
export type EvaluationJson<E extends Evaluation = Evaluation> = Jsonish<E> & {
  /** Keys (dotted for per-frame series) whose value, or some of whose frames, were +Infinity. */
  infinite: string[];
};

function toJsonValue(value: unknown, path: string, infinite: Set<string>, series: string | null): unknown {
  if (typeof value === 'number') {
    if (value === Infinity) {
      infinite.add(series ?? path);
      return null;
    }
    return Number.isFinite(value) ? value : null;
  }
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v, path, infinite, path));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v, path ? `${path}.${k}` : k, infinite, series);
    return out;
  }
  return value;
}

/**
 * The JSON form of an evaluation: +Infinity → null, with `infinite` naming those keys.
 *
 * @example JSON.stringify(evaluationToJson(await evaluate(a, a))) // "pq_psnr":null … "infinite":["pq_psnr", …]
 */
export function evaluationToJson<E extends Evaluation>(e: E): EvaluationJson<E> {
  const infinite = new Set<string>();
  const body = toJsonValue(e, '', infinite, null) as Jsonish<E>;
  return { ...body, infinite: [...infinite] };
}

/**
 * Reads the JSON form back: null where `infinite` names the key (or its series) is +Infinity.
 *
 * @example evaluationFromJson(JSON.parse(text)).pq_psnr // Infinity for identical inputs
 */
export function evaluationFromJson<E extends Evaluation>(json: EvaluationJson<E>): E {
  const infinite = new Set(json.infinite);
  const restore = (value: unknown, path: string): unknown => {
    if (value === null) return infinite.has(path) ? Infinity : NaN;
    if (Array.isArray(value)) return value.map((v) => (v === null ? (infinite.has(path) ? Infinity : NaN) : restore(v, path)));
    if (typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (path === '' && k === 'infinite') continue;
        out[k] = restore(v, path ? `${path}.${k}` : k);
      }
      return out;
    }
    return value;
  };
  return restore(json, '') as E;
}
