import { accessSync, constants, chmodSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { execFile } from 'node:child_process';
import { MissingCapabilityError } from './errors.js';

export type BinarySource = 'env' | 'path' | 'npm';
export type Binary = { path: string; source: BinarySource };

const require = createRequire(import.meta.url);

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fromNpm(pkg: string): string | undefined {
  try {
    const found = (require(pkg) as { path: string }).path;
    // npm >= 11 skips install scripts unless approved; the packages' only script is a chmod.
    if (!isExecutable(found)) chmodSync(found, 0o755);
    return found;
  } catch {
    return undefined;
  }
}

function resolveBinary(name: 'ffmpeg' | 'ffprobe'): Binary {
  const envName = name === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH';
  const fromEnv = process.env[envName];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new MissingCapabilityError(`${envName}=${fromEnv} is not an executable file — fix or unset it`);
    }
    return { path: fromEnv, source: 'env' };
  }
  const found = onPath(name);
  if (found) return { path: found, source: 'path' };
  const npm = fromNpm(name === 'ffmpeg' ? '@ffmpeg-installer/ffmpeg' : '@ffprobe-installer/ffprobe');
  if (npm) return { path: npm, source: 'npm' };
  throw new MissingCapabilityError(
    `${name} not found: set ${envName}, put ${name} on PATH, or run npm install (it ships one)`,
  );
}

let cached: { ffmpeg: Binary; ffprobe: Binary } | undefined;

/**
 * The ffmpeg and ffprobe this process uses: `$FFMPEG_PATH`/`$FFPROBE_PATH`, then PATH, then the
 * npm-shipped static builds. Resolved once.
 *
 * @example const { ffmpeg } = binaries(); spawn(ffmpeg.path, args)
 */
export function binaries(): { ffmpeg: Binary; ffprobe: Binary } {
  cached ??= { ffmpeg: resolveBinary('ffmpeg'), ffprobe: resolveBinary('ffprobe') };
  return cached;
}

/** Forget the resolved binaries (tests change PATH/env between cases). */
export function resetBinaries(): void {
  cached = undefined;
  capabilities = undefined;
}

export type Capabilities = {
  version: string;
  encoders: ReadonlySet<string>;
  decoders: ReadonlySet<string>;
  /** Output container formats (e.g. 'avif', which builds before 5.1 lack). */
  muxers: ReadonlySet<string>;
  filters: ReadonlySet<string>;
  /** Output pixel formats the build knows. */
  pixelFormats: ReadonlySet<string>;
};

let capabilities: Promise<Capabilities> | undefined;

/** The names `ffmpeg -hide_banner ARGS` lists (none if it cannot run: callers then report what is missing). */
function listNames(args: string[], pattern: RegExp): Promise<Set<string>> {
  return new Promise((resolve) => {
    execFile(binaries().ffmpeg.path, ['-hide_banner', ...args], { encoding: 'utf8', maxBuffer: 8 << 20 }, (_err, stdout) => {
      const names = new Set<string>();
      for (const line of (stdout ?? '').split('\n')) {
        const m = pattern.exec(line);
        if (m?.[1]) names.add(m[1]);
      }
      resolve(names);
    });
  });
}

/**
 * What the resolved ffmpeg can do, detected once by asking it (six listings, side by side: one
 * after another they held every job's start back ~0.25 s). The npm-shipped build is from 2018;
 * Debian's is newer: features are detected, never assumed.
 */
export function ffmpegCapabilities(): Promise<Capabilities> {
  capabilities ??= (async () => {
    const [version, encoders, decoders, muxers, filters, pixelFormats] = await Promise.all([
      listNames(['-version'], /^ffmpeg version (\S+)/),
      listNames(['-encoders'], /^ [VAS][.F][.S][.X][.B][.D] (\S+)/),
      listNames(['-decoders'], /^ [VAS][.F][.S][.X][.B][.D] (\S+)/),
      listNames(['-muxers'], /^ [ D]E (\S+)/),
      listNames(['-filters'], /^ [.T][.S][.C] (\S+)/),
      listNames(['-pix_fmts'], /^[I.]O[.H][.P][.B] (\S+)/),
    ]);
    return { version: [...version][0] ?? 'unknown', encoders, decoders, muxers, filters, pixelFormats };
  })();
  return capabilities;
}

/**
 * Run `job` while ffmpeg's capabilities are listed beside it (a job's first step, probing its
 * input, takes about as long), so the encoder check that follows waits for nothing. The listing
 * is awaited either way: no ffmpeg it started outlives the job.
 */
export async function besideCapabilityListing<T>(job: () => Promise<T>): Promise<T> {
  const listing = ffmpegCapabilities().then(() => {}, () => {}); // its own errors surface where it is used
  try {
    return await job();
  } finally {
    await listing;
  }
}

/** Throw a one-line error naming what the found ffmpeg lacks. */
export async function requireEncoder(name: string, why: string): Promise<void> {
  const caps = await ffmpegCapabilities();
  if (!caps.encoders.has(name)) {
    throw new MissingCapabilityError(
      `the ffmpeg found (${binaries().ffmpeg.path}, ${caps.version}) has no ${name} encoder, needed for ${why} — set FFMPEG_PATH to a build with it`,
    );
  }
}
