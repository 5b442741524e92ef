import { runFfprobe } from '../io/index.js';

/**
 * Bytes of the first video stream's packets: what the video costs, without the container, the
 * audio or the subtitles that some outputs copy from the source.
 *
 * @example await videoStreamBytes('sdr.mkv') // 812345
 */
export async function videoStreamBytes(file: string, signal?: AbortSignal): Promise<number> {
  const out = await runFfprobe(file, ['-select_streams', 'v:0', '-show_entries', 'packet=size', '-of', 'csv=p=0'], { signal });
  let bytes = 0;
  for (const line of out.split('\n')) {
    const n = Number.parseInt(line, 10);
    if (Number.isFinite(n)) bytes += n;
  }
  return bytes;
}
