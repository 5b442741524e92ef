import type { Readable } from 'node:stream';
import type { ManagedChild } from './child-process.js';

/**
 * Follows ffmpeg's `-progress` report (`key=value` lines, a block about twice a second and one
 * more at the end) on `report`, calling `onField` for each line. A listener that throws stops
 * `child` with its error, so the job fails as it would from any other step, instead of the
 * error escaping from a stream event and crashing the process.
 */
export function followProgressReport(report: Readable, child: ManagedChild, onField: (key: string, value: string) => void): void {
  let pending = '';
  report.setEncoding('utf8');
  report.on('error', () => {}); // it closes with ffmpeg, whose exit status is what counts
  report.on('data', (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      try {
        onField(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
      } catch (err) {
        child.stop(err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
  });
}
