import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { MODELS_DIR } from '../runtime/index.js';
import { runAction } from './run-action.js';

/** `duhdr export`: a trained model's networks as ONNX graphs plus manifest.json. */
export function exportCommand(): Command {
  return new Command('export')
    .description('Export a trained model\'s networks to ONNX (opset 17): the whole networks (reverse-curve, reverse, forward-guided, forward-blind), their low-resolution branches (*-grid, what the ORT engine runs) + manifest.json')
    .option('--model <id>', 'model id under models/', 'dual-v1')
    .option('--model-dir <dir>', 'model folder (model.json + weights.bin) instead of models/<id>')
    .requiredOption('-o, --output <dir>', 'folder to write (created)')
    .option('-v, --verbose', 'more detail on errors')
    .action(async (opts: { model: string; modelDir?: string; output: string; verbose?: boolean }) => {
      await runAction(async () => {
        // TF.js and the ONNX writer load here, not with every duhdr command.
        const [{ initBackend, loadModel }, { exportOnnx }] = await Promise.all([import('../model/index.js'), import('../runtime/onnx/index.js')]);
        await initBackend('auto');
        const model = await loadModel(opts.modelDir ?? join(MODELS_DIR, opts.model));
        const manifest = await exportOnnx(model, opts.output);
        for (const v of Object.values(model.params)) v.dispose();
        process.stdout.write(`${manifest.id} (weights ${manifest.contentHash.slice(0, 12)}…) -> ${resolve(opts.output)}: ${Object.values(manifest.graphs).map((g) => g.file).join(', ')}, manifest.json\n`);
      }, opts);
    });
}
