"""Reference values for ToonKit's sliced Wasserstein distance, computed the way NVLabs'
progressive-GAN metric (metrics/sliced_wasserstein.py) computes them: scipy's 'mirror' 5x5 binomial
pyramid, per-channel normalised descriptors, random unit directions from numpy's RandomState.
Run: python3 make_swd_reference.py  (numpy 2.4, scipy 1.17) -> swd_reference.json
"""
import json
import numpy as np
import scipy.ndimage

binomial = np.float32([[1, 4, 6, 4, 1], [4, 16, 24, 16, 4], [6, 24, 36, 24, 6], [4, 16, 24, 16, 4], [1, 4, 6, 4, 1]]) / 256.0


def pyramid_down(x):
    return scipy.ndimage.convolve(x, binomial[None, None], mode="mirror")[:, :, ::2, ::2]


def pyramid_up(x):
    n, c, h, w = x.shape
    spread = np.zeros((n, c, h * 2, w * 2), x.dtype)
    spread[:, :, ::2, ::2] = x
    return scipy.ndimage.convolve(spread, binomial[None, None] * 4.0, mode="mirror")


def laplacian(x, levels):
    out = [np.float32(x)]
    for _ in range(1, levels):
        out.append(pyramid_down(out[-1]))
        out[-2] -= pyramid_up(out[-1])
    return out


def normalise(d):
    d = d.reshape(d.shape[0], 3, 7, 7).copy()
    d -= np.mean(d, axis=(0, 2, 3), keepdims=True)
    d /= np.std(d, axis=(0, 2, 3), keepdims=True)
    return d.reshape(d.shape[0], -1)


def sliced(a, b, repeats, per_repeat, random):
    results = []
    for _ in range(repeats):
        dirs = random.randn(a.shape[1], per_repeat)
        dirs /= np.sqrt(np.sum(np.square(dirs), axis=0, keepdims=True))
        dirs = dirs.astype(np.float32)
        pa, pb = np.sort(a @ dirs, axis=0), np.sort(b @ dirs, axis=0)
        results.append(np.mean(np.abs(pa - pb)))
    return float(np.mean(results)) * 1000


image = np.random.RandomState(3).uniform(0, 255, (1, 3, 32, 32)).astype(np.float32)
levels = laplacian(image, 2)
a = np.random.RandomState(1).randn(512, 147).astype(np.float32)
b = (np.random.RandomState(2).randn(512, 147) * 1.3 + 0.2).astype(np.float32)
swd = sliced(normalise(a), normalise(b), 4, 128, np.random.RandomState(0))
json.dump({"pyramid32": levels[0].ravel().tolist(), "pyramid16": levels[1].ravel().tolist(), "swd": swd},
          open("swd_reference.json", "w"))
print("swd", swd)
