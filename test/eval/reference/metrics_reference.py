#!/usr/bin/env python3
"""Independent reference values for test/eval (numpy/scipy, float64, direct 2-D filtering).

Run: python3 test/eval/reference/metrics_reference.py  (numpy >= 1.22, scipy)
Prints JSON; the numbers are pasted into the tests with a pointer back here.

Each metric is written straight from its publication / reference release, deliberately
without the shortcuts of src/eval (separable filtering, native-scale HDR statistics, lookup
tables), so agreement checks those shortcuts:
- SSIM: Wang et al. 2004 ssim_index.m: 2-D 11x11 Gaussian (sigma 1.5) 'valid' filtering.
- TMQI: Yeganeh & Wang 2013 TMQI.m v1.0, transcribed: HDR rescaled to [0, 2^32-1] with the
  rounded factor, 2-D 'valid' filtering, 2x2 mean + decimation with symmetric edges,
  normcdf mapping, blkproc-style block std. Two variants of the block statistics are printed:
  'own' (partial edge blocks use their own pixels, as src/eval does) and 'zeropad' (blkproc).
- mu-PSNR: NTIRE psnr_tanh_norm_mu_tonemap with numpy.percentile.
- BD-rate / BD-PSNR: VCEG-M33 with numpy.polyfit / polyint (the widely used bjontegaard2 form).
"""
import json
import numpy as np
from scipy.signal import correlate2d
from scipy.stats import norm, beta

W, H = 192, 176


def synthetic():
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    # HDR luminance in cd/m2: smooth structure, fine texture and a bright highlight.
    base = 0.5 + 0.5 * np.sin(x / 9.0) * np.cos(y / 7.0)
    tex = ((x * 37 + y * 91) % 17) / 17.0
    hdr = 0.05 + 800.0 * base ** 3 + 20.0 * tex + 3000.0 * np.exp(-((x - 140) ** 2 + (y - 50) ** 2) / 200.0)
    hdr = hdr.astype(np.float32).astype(np.float64)
    # SDR: a global Reinhard-like curve with gamma, 8-bit rounded.
    sdr = np.round(255.0 * (hdr / (hdr + 60.0)) ** (1 / 2.2)).astype(np.float64)
    return hdr, sdr


def gauss2d(size=11, sigma=1.5):
    h = (size - 1) / 2
    g = np.exp(-(np.arange(size) - h) ** 2 / (2 * sigma ** 2))
    k = np.outer(g, g)
    return k / k.sum()


def filt(img, k):
    return correlate2d(img, k, mode='valid')


def ssim(a, b, L):
    k = gauss2d()
    c1, c2 = (0.01 * L) ** 2, (0.03 * L) ** 2
    mu1, mu2 = filt(a, k), filt(b, k)
    s1 = filt(a * a, k) - mu1 * mu1
    s2 = filt(b * b, k) - mu2 * mu2
    s12 = filt(a * b, k) - mu1 * mu2
    m = ((2 * mu1 * mu2 + c1) * (2 * s12 + c2)) / ((mu1 ** 2 + mu2 ** 2 + c1) * (s1 + s2 + c2))
    return float(m.mean())


def pu21(y):
    p = [0.353487901, 0.3734658629, 8.277049286e-05, 0.9062562627, 0.09150303166, 0.9099517204, 596.3148142]
    y = np.clip(y, 0.005, 10000)
    v = p[6] * (((p[0] + p[1] * y ** p[3]) / (1 + p[2] * y ** p[3])) ** p[4] - p[5])
    return np.maximum(v, 0)


def halve(img):
    padded = np.pad(img, ((0, 1), (0, 1)), mode='symmetric')
    f = (padded[:-1, :-1] + padded[1:, :-1] + padded[:-1, 1:] + padded[1:, 1:]) / 4
    return f[0::2, 0::2]


def slocal(l_hdr, l_ldr, sf):
    k = gauss2d()
    mu1, mu2 = filt(l_hdr, k), filt(l_ldr, k)
    s1 = np.sqrt(np.maximum(0, filt(l_hdr * l_hdr, k) - mu1 * mu1))
    s2 = np.sqrt(np.maximum(0, filt(l_ldr * l_ldr, k) - mu2 * mu2))
    s12 = filt(l_hdr * l_ldr, k) - mu1 * mu2
    csf = 100 * 2.6 * (0.0192 + 0.114 * sf) * np.exp(-(0.114 * sf) ** 1.1)
    u = 128 / (1.4 * csf)
    p1 = norm.cdf(s1, u, u / 3)
    p2 = norm.cdf(s2, u, u / 3)
    m = ((2 * p1 * p2 + 0.01) / (p1 * p1 + p2 * p2 + 0.01)) * ((s12 + 10) / (s1 * s2 + 10))
    return float(m.mean())


def block_std_mean(l_ldr, zeropad):
    h, w = l_ldr.shape
    if zeropad:
        ph, pw = (-h) % 11, (-w) % 11
        img = np.pad(l_ldr, ((0, ph), (0, pw)))
        out = np.zeros_like(img)
        for by in range(0, img.shape[0], 11):
            for bx in range(0, img.shape[1], 11):
                out[by:by + 11, bx:bx + 11] = np.std(img[by:by + 11, bx:bx + 11], ddof=1)
        return float(out[:h, :w].mean())
    out = np.zeros_like(l_ldr)
    for by in range(0, h, 11):
        for bx in range(0, w, 11):
            blk = l_ldr[by:by + 11, bx:bx + 11]
            out[by:by + 11, bx:bx + 11] = np.std(blk, ddof=1) if blk.size > 1 else 0
    return float(out.mean())


def naturalness(l_ldr, zeropad):
    sig = block_std_mean(l_ldr, zeropad)
    a, b = 4.4, 10.1
    mode = (a - 1) / (a + b - 2)
    pc = beta.pdf(sig / 64.29, a, b) / beta.pdf(mode, a, b)
    pb = norm.pdf(l_ldr.mean(), 115.94, 27.99) / norm.pdf(115.94, 115.94, 27.99)
    return float(pb * pc)


def tmqi(hdr, ldr, zeropad=False):
    l_hdr = np.round((2 ** 32 - 1) / (hdr.max() - hdr.min())) * (hdr - hdr.min())
    l_ldr = ldr.astype(np.float64)
    weights = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
    s_local = []
    f = 32
    a_hdr, a_ldr = l_hdr, l_ldr
    for _ in range(5):
        f /= 2
        s_local.append(slocal(a_hdr, a_ldr, f))
        a_hdr, a_ldr = halve(a_hdr), halve(a_ldr)
    s = float(np.prod(np.array(s_local) ** np.array(weights)))
    n = naturalness(l_ldr, zeropad)
    q = 0.8012 * s ** 0.3046 + (1 - 0.8012) * n ** 0.7088
    return {'q': q, 's': s, 'n': n, 's_local': s_local}


def mu_psnr(ref, test):
    normv = np.percentile(ref, 99)
    t = lambda x: np.log(1 + 5000 * np.tanh(x / normv)) / np.log(1 + 5000)
    return float(-10 * np.log10(np.mean((t(ref) - t(test)) ** 2)))


def bd(r1, q1, r2, q2):
    l1, l2 = np.log10(r1), np.log10(r2)
    p1, p2 = np.polyfit(q1, l1, 3), np.polyfit(q2, l2, 3)
    lo, hi = max(min(q1), min(q2)), min(max(q1), max(q2))
    i1 = np.polyval(np.polyint(p1), hi) - np.polyval(np.polyint(p1), lo)
    i2 = np.polyval(np.polyint(p2), hi) - np.polyval(np.polyint(p2), lo)
    rate = (10 ** ((i2 - i1) / (hi - lo)) - 1) * 100
    p1, p2 = np.polyfit(l1, q1, 3), np.polyfit(l2, q2, 3)
    lo, hi = max(min(l1), min(l2)), min(max(l1), max(l2))
    i1 = np.polyval(np.polyint(p1), hi) - np.polyval(np.polyint(p1), lo)
    i2 = np.polyval(np.polyint(p2), hi) - np.polyval(np.polyint(p2), lo)
    return rate, (i2 - i1) / (hi - lo)


if __name__ == '__main__':
    hdr, sdr = synthetic()
    # A distorted HDR for the full-reference HDR metrics: gain, gamma and a ripple.
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    hdr2 = (1.1 * hdr ** 0.97 * (1 + 0.05 * np.sin(x / 3.0))).astype(np.float32).astype(np.float64)
    out = {
        'ssim_pu21': ssim(pu21(hdr), pu21(hdr2), 256),
        'ssim_sdr_255': ssim(sdr, np.clip(sdr + ((x * 7 + y * 3) % 11) - 5, 0, 255), 255),
        'tmqi_own_blocks': tmqi(hdr, sdr, False),
        'tmqi_zeropad_blocks': tmqi(hdr, sdr, True),
        'mu_psnr': mu_psnr(hdr, hdr2),
        # x265 preset ladder (FAU-LMS bjontegaard README test data), cubic VCEG-M33.
        'bd_fau': bd(np.array([9487.76, 4593.60, 2486.44, 1358.24]), np.array([40.037, 38.615, 36.845, 34.851]),
                     np.array([9787.80, 4469.00, 2451.52, 1356.24]), np.array([40.121, 38.651, 36.970, 34.987])),
    }
    print(json.dumps(out, indent=1))


def ictcp(rgb):
    """BT.2100 ICtCp (PQ) of absolute linear BT.2020 RGB in cd/m2, straight from the tables."""
    m1, m2 = 2610 / 16384, 2523 / 4096 * 128
    c1, c2, c3 = 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32
    lms = np.array([[1688, 2146, 262], [683, 2951, 462], [99, 309, 3688]]) / 4096 @ np.asarray(rgb, float)
    y = np.clip(lms / 10000, 0, 1) ** m1
    lms_ = ((c1 + c2 * y) / (1 + c3 * y)) ** m2
    return np.array([[2048, 2048, 0], [6610, -13613, 7003], [17933, -17390, -543]]) / 4096 @ lms_


def delta_e_itp(a, b):
    i1, t1, p1 = ictcp(a)
    i2, t2, p2 = ictcp(b)
    return float(720 * np.sqrt((i1 - i2) ** 2 + (0.5 * (t1 - t2)) ** 2 + (p1 - p2) ** 2))


if __name__ == '__main__':
    print(json.dumps({
        'delta_e_grey_100_110': delta_e_itp([100, 100, 100], [110, 110, 110]),
        'delta_e_red_vs_orange': delta_e_itp([200, 20, 10], [200, 60, 10]),
        'delta_e_saturated_vs_desaturated': delta_e_itp([20, 300, 40], [100, 260, 90]),
    }, indent=1))
