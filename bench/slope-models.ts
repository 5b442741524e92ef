/**
 * Benches that sweep the classical EETF's top slope name the variants as models:
 * `classical-slope-<m>` (e.g. classical-slope-0.15) is ClassicalToneModel({ topSlope: m }).
 * They are registered in the MODEL_TABLE the bench's pipeline uses, to run on the main thread:
 * model workers build their models from their own copy of the table, which lacks them.
 */

/** MODEL_TABLE's shape, structurally: src/'s and dist/'s classes are distinct types (private fields). */
type Table = Record<string, { describe: string; cpuBound: boolean; create: (...args: never[]) => unknown }>;
type Classical = new (options: { topSlope: number }, id: string) => unknown;

/**
 * Registers every `classical-slope-<m>` among `ids` in `table` (the others are left to the
 * pipeline). Pass the table and class of the pipeline the bench runs: src/ or dist/.
 */
export function registerSlopeModels(ids: readonly string[], table: Table, Model: Classical): void {
  for (const id of ids) {
    const m = /^classical-slope-(\d*\.?\d+)$/.exec(id);
    if (!m) continue;
    const topSlope = Number(m[1]);
    table[id] = { describe: `classical with topSlope ${topSlope} (bench sweep)`, cpuBound: false, create: () => new Model({ topSlope }, id) };
  }
}
