"""Reference values for ToonKit's MSE, PSNR and SSIM (Sources/ToonMetrics/ImageSimilarity*.swift),
computed by scikit-image's skimage.metrics on 8-bit RGB images (H, W, 3), data_range 255.
Run: python3 make_ssim_reference.py  (numpy 2.4, scipy 1.17, scikit-image 0.26) -> ssim_reference.json

The images are small, deterministic and not square (20 rows, 24 columns), so a swapped axis shows:
  noise      RandomState(1) uniform bytes
  gradient   a smooth ramp across rows, columns and channels
  blurred    noise blurred (3x3 box, edges replicated) plus RandomState(2) noise, clipped to 0...255
  speckled   gradient plus RandomState(3) noise of std 12, clipped, rounded
Their bytes are stored (row-major, channel last) so the Swift test needs no recipe of its own.
"""
import json

import numpy as np
import scipy.ndimage
import skimage
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio, structural_similarity

H, W = 20, 24


def images():
    noise = np.random.RandomState(1).randint(0, 256, size=(H, W, 3)).astype(np.uint8)
    rows, cols = np.mgrid[0:H, 0:W]
    gradient = np.stack([rows * 11 + cols * 3, cols * 9 + 20, 230 - rows * 5 - cols * 4], axis=-1)
    gradient = np.clip(gradient, 0, 255).astype(np.uint8)
    box = scipy.ndimage.uniform_filter(noise.astype(np.float64), size=(3, 3, 1), mode="nearest")
    blurred = np.clip(np.rint(box + np.random.RandomState(2).normal(0, 6, size=box.shape)), 0, 255).astype(np.uint8)
    speckled = np.clip(np.rint(gradient + np.random.RandomState(3).normal(0, 12, size=gradient.shape)), 0, 255)
    return {"noise": noise, "gradient": gradient, "blurred": blurred, "speckled": speckled.astype(np.uint8)}


def metrics(a, b):
    return {
        "mse": float(mean_squared_error(a, b)),
        "psnr": float(peak_signal_noise_ratio(a, b, data_range=255)),
        # skimage's defaults: 7x7 uniform window, sample covariance.
        "ssim": float(structural_similarity(a, b, channel_axis=-1, data_range=255)),
        # Wang et al. 2004: Gaussian window of sigma 1.5 (11 taps), population covariance.
        "ssim_gaussian": float(structural_similarity(a, b, channel_axis=-1, data_range=255, gaussian_weights=True,
                                                     sigma=1.5, use_sample_covariance=False)),
    }


def main():
    named = images()
    pairs = [("noise", "blurred"), ("gradient", "speckled"), ("noise", "gradient"), ("blurred", "speckled")]
    out = {
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "skimage": skimage.__version__},
        "height": H,
        "width": W,
        "images": {name: image.reshape(-1).tolist() for name, image in named.items()},
        "pairs": [{"a": a, "b": b, **metrics(named[a], named[b])} for a, b in pairs],
    }
    with open("ssim_reference.json", "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    for pair in out["pairs"]:
        print(pair)


if __name__ == "__main__":
    main()
