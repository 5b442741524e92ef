import type { Readable } from 'node:stream';
import { ManagedChild } from './child-process.js';
import { log } from './log.js';

/**
 * Run a short-lived tool (ffprobe, ffmpeg -version) to completion and return its stdout.
 * Output is collected in memory: never use this for frame pipes.
 */
export async function runToCompletion(
  file: string,
  args: readonly string[],
  options: { label: string; signal?: AbortSignal | undefined; maxBytes?: number; stdin?: Readable },
): Promise<string> {
  const child = new ManagedChild(file, args, {
    label: options.label,
    signal: options.signal,
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  log.command(child.command);
  if (options.stdin && child.process?.stdin) {
    const stdin = child.process.stdin;
    stdin.on('error', () => {}); // the tool may stop reading early (ffprobe reads only headers)
    options.stdin.on('error', (err) => child.stop(err));
    options.stdin.pipe(stdin);
    child.done.finally(() => options.stdin?.destroy()).catch(() => {});
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const maxBytes = options.maxBytes ?? 64 << 20;
  child.process?.stdout?.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) child.stop(new RangeError(`${options.label}: output exceeds ${maxBytes} bytes`));
    else chunks.push(chunk);
  });
  await child.done;
  return Buffer.concat(chunks).toString('utf8');
}
