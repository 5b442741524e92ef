// Runs one duhdr job in a fresh process and prints its peak RSS (bench/rss.ts spawns this).
// The built pipeline, as the duhdr command runs it (see bench/pipeline.ts).
import { encode, restore } from '../dist/pipeline/index.js';

const [job, input, output, preset, model] = process.argv.slice(2) as [string, string, string, string, string];
const r = job === 'encode' ? await encode({ input, output, preset, model }) : await restore({ input, output, preset });
process.stdout.write(`${JSON.stringify({ frames: r.frames, fps: r.fps, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
