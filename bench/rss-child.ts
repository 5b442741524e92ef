// Runs one duhdr job in a fresh process and prints its peak RSS (bench/rss.ts spawns this).
import { encode, restore } from '../src/pipeline/index.js';

const [job, input, output, preset] = process.argv.slice(2) as [string, string, string, string];
const run = job === 'encode' ? encode : restore;
const r = await run({ input, output, preset });
process.stdout.write(`${JSON.stringify({ frames: r.frames, fps: r.fps, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
