import { describe, expect, it } from 'vitest';
import { entryKind, formatBytes, isModelName, unsafeNameReason, videoEntryFor } from '../../src/bundle/layout.js';

describe('entry names', () => {
  it.each([
    ['manifest.json', 'manifest'],
    ['checksums.sha256', 'checksums'],
    ['video.mkv', 'video'],
    ['video.mp4', 'video'],
    ['video.webm', 'video'],
    ['models/forward.onnx', 'model'],
    ['models/reverse-v2_1.onnx', 'model'],
  ] as const)('accepts %s as a %s', (name, kind) => {
    expect(unsafeNameReason(name)).toBeNull();
    expect(entryKind(name)).toBe(kind);
  });

  it.each([
    'video.MKV', // case variants would land on a different file on case-sensitive systems
    'video.avi',
    'video.mkv.exe',
    'videos.mkv',
    'Manifest.json',
    'models/',
    'models/.hidden',
    'models/sub/forward.onnx',
    'models/' + 'a'.repeat(129),
    'notes.txt',
    'manifest.json/',
  ])('refuses %s as no bundle entry', (name) => {
    expect(entryKind(name)).toBeNull();
  });

  it.each([
    ['../evil', 'escapes the bundle'],
    ['models/../../evil', 'escapes the bundle'],
    ['..', 'escapes the bundle'],
    ['/etc/passwd', 'is an absolute path'],
    ['C:/evil', 'starts with a drive letter'],
    ['c:evil', 'starts with a drive letter'],
    ['models\\evil.onnx', 'has a backslash in its name'],
    ['manifest.json\0.txt', 'has a NUL byte in its name'],
    ['', 'has an empty name'],
  ])('calls %j unsafe: %s', (name, reason) => {
    expect(unsafeNameReason(name)).toBe(reason);
  });

  it('does not mistake dots inside a name for a parent reference', () => {
    expect(unsafeNameReason('models/a..b.onnx')).toBeNull();
    expect(isModelName('a..b.onnx')).toBe(true);
  });

  it('maps video extensions case-insensitively to lower-case entry names', () => {
    expect(videoEntryFor('.MP4')).toBe('video.mp4');
    expect(videoEntryFor('.mov')).toBeNull();
  });

  it('formats sizes for messages', () => {
    expect(formatBytes(16 * 1024 * 1024)).toBe('16 MiB');
    expect(formatBytes(16 * 1024 * 1024 + 1)).toBe('16.0 MiB');
    expect(formatBytes(2048)).toBe('2 KiB');
    expect(formatBytes(12)).toBe('12 bytes');
  });
});
