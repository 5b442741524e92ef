import { accessSync, constants, chmodSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
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

let capabilities: Capabilities | undefined;

function listNames(args: string[], pattern: RegExp): Set<string> {
  const { ffmpeg } = binaries();
  const out = spawnSync(ffmpeg.path, ['-hide_banner', ...args], { encoding: 'utf8', maxBuffer: 8 << 20 });
  const names = new Set<string>();
  for (const line of out.stdout.split('\n')) {
    const m = pattern.exec(line);
    if (m?.[1]) names.add(m[1]);
  }
  return names;
}

/**
 * What the resolved ffmpeg can do, detected once by asking it. The npm-shipped build is from
 * 2018; Debian's is newer: features are detected, never assumed.
 */
export function ffmpegCapabilities(): Capabilities {
  if (capabilities) return capabilities;
  const { ffmpeg } = binaries();
  const v = spawnSync(ffmpeg.path, ['-hide_banner', '-version'], { encoding: 'utf8' });
  const version = /ffmpeg version (\S+)/.exec(v.stdout)?.[1] ?? 'unknown';
  capabilities = {
    version,
    encoders: listNames(['-encoders'], /^ [VAS][.F][.S][.X][.B][.D] (\S+)/),
    decoders: listNames(['-decoders'], /^ [VAS][.F][.S][.X][.B][.D] (\S+)/),
    muxers: listNames(['-muxers'], /^ [ D]E (\S+)/),
    filters: listNames(['-filters'], /^ [.T][.S][.C] (\S+)/),
    pixelFormats: listNames(['-pix_fmts'], /^[I.]O[.H][.P][.B] (\S+)/),
  };
  return capabilities;
}

/** Throw a one-line error naming what the found ffmpeg lacks. */
export function requireEncoder(name: string, why: string): void {
  const caps = ffmpegCapabilities();
  if (!caps.encoders.has(name)) {
    throw new MissingCapabilityError(
      `the ffmpeg found (${binaries().ffmpeg.path}, ${caps.version}) has no ${name} encoder, needed for ${why} — set FFMPEG_PATH to a build with it`,
    );
  }
}
