"""Makes the waifu2x reference pictures that Tests/UpscaleTests compare ToonKit against.

Inputs are small crops of scikit-image's data pictures (photos and an illustration); each case is
run through the `waifu2x` package's own command-line entry point, `waifu2x.run()` (its Chainer
code, CPU), with the case's --arch, --method, --noise_level and --scale_ratio, and the picture it
saves is kept as <case>.png beside the input. cases.json lists the cases.

Environment (once): a Python 3.11 venv with numpy<2 (Chainer 7.8 uses NumPy 1 APIs) and Chainer,
which needs setuptools<70 (its setup.py imports pkg_resources) and no build isolation:

    python3 -m venv /tmp/venv-w2x
    /tmp/venv-w2x/bin/pip install "setuptools<70" wheel "numpy<2"
    /tmp/venv-w2x/bin/pip install --no-build-isolation chainer==7.8.1
    /tmp/venv-w2x/bin/pip install pillow "scikit-image<0.25"
    /tmp/venv-w2x/bin/pip install --no-deps waifu2x==2024.0.1
    /tmp/venv-w2x/bin/python Tests/Fixtures/waifu2x/make_waifu2x_reference.py

No patch to waifu2x or Chainer is needed (made with chainer 7.8.1, numpy 1.26.4, Pillow 13.0.0,
scikit-image 0.24.0 on Python 3.11.7).
"""

import json
import os
import sys
import tempfile

import numpy as np
import skimage.data
from PIL import Image

import waifu2x

HERE = os.path.dirname(os.path.abspath(__file__))


def crop(array, top, left, height, width):
    return np.ascontiguousarray(array[top:top + height, left:left + width])


def logo_with_transparency():
    """scikit-image's logo (an illustration, RGBA but opaque) with its white made transparent:
    alpha = 255 - 2 * (mean distance to white), so the white background and stroke become fully
    transparent with soft edges; the colour under them stays white, which the reference fills in."""
    rgba = skimage.data.logo()[100:156, 10:74].copy()
    whiteness = rgba[:, :, :3].astype(np.int32).min(axis=2)
    rgba[:, :, 3] = np.clip((255 - whiteness) * 4, 0, 255).astype(np.uint8)
    return rgba


# Inputs: name -> (array, PIL mode, save options). Sizes straddle tile edges (64 input pixels per
# tile for the doubling networks, 128 for the others) so tiles meet inside some pictures.
INPUTS = {
    "astronaut_face": (crop(skimage.data.astronaut(), 40, 150, 72, 70), "RGB", {}),
    "chelsea_eye": (crop(skimage.data.chelsea(), 80, 120, 40, 52), "RGB", {}),
    "coffee_rim": (crop(skimage.data.coffee(), 150, 260, 66, 80), "RGB", {}),
    "camera_gray": (crop(skimage.data.camera(), 60, 200, 48, 40), "L", {}),
    "colorwheel_edge": (crop(skimage.data.colorwheel(), 20, 150, 40, 48), "RGB", {}),
    "logo_alpha": (logo_with_transparency(), "RGBA", {}),
    "logo_gray_alpha": (logo_with_transparency(), "LA", {}),
    # An RGB picture whose white stroke is transparent through a tRNS colour key (PIL mode RGB
    # with info["transparency"]): the reference upscales its alpha but fills nothing under it.
    "logo_keyed": (crop(skimage.data.logo()[:, :, :3], 90, 150, 40, 44), "RGB", {"transparency": (255, 255, 255)}),
}

# Cases: name -> (input, --arch, --method, --noise_level, --scale_ratio).
CASES = {
    "upconv7_scale_astronaut": ("astronaut_face", "UpConv7", "scale", 1, 2),
    "upconv7_noise1_scale_chelsea": ("chelsea_eye", "UpConv7", "noise_scale", 1, 2),
    "upconv7_noise0_scale4_chelsea": ("chelsea_eye", "UpConv7", "noise_scale", 0, 4),
    "upconv7_noise2_astronaut": ("astronaut_face", "UpConv7", "noise", 2, 1),
    "upconv7_scale_logo_keyed": ("logo_keyed", "UpConv7", "scale", 1, 2),
    "upresnet10_scale_coffee": ("coffee_rim", "UpResNet10", "scale", 1, 2),
    "upresnet10_noise3_scale_logo": ("logo_alpha", "UpResNet10", "noise_scale", 3, 2),
    "upresnet10_noise1_scale_logo_gray": ("logo_gray_alpha", "UpResNet10", "noise_scale", 1, 2),
    "upresnet10_noise0_scale_camera": ("camera_gray", "UpResNet10", "noise_scale", 0, 2),
    "vgg7_noise1_scale_camera": ("camera_gray", "VGG7", "noise_scale", 1, 2),
    "resnet10_noise0_colorwheel": ("colorwheel_edge", "ResNet10", "noise", 0, 1),
    "resnet10_scale_logo": ("logo_alpha", "ResNet10", "scale", 1, 2),
}


def save_input(name):
    array, mode, options = INPUTS[name]
    image = Image.fromarray(array)
    if image.mode != mode:
        image = image.convert(mode)
    path = os.path.join(HERE, name + ".png")
    image.save(path, optimize=True, **options)
    return path


def run_reference(source, output, arch, method, noise, scale):
    sys.argv = ["waifu2x", "--input", source, "--output", output, "--arch", arch, "--method", method,
                "--noise_level", str(noise), "--scale_ratio", str(scale), "--color", "rgb"]
    waifu2x.run(should_print=False)
    # The reference saves without optimisation; re-save smaller, same pixels.
    image = Image.open(output)
    image.load()
    image.save(output, optimize=True)


def main():
    inputs = {name: save_input(name) for name in INPUTS}
    manifest = []
    with tempfile.TemporaryDirectory():
        for case, (source, arch, method, noise, scale) in CASES.items():
            output = os.path.join(HERE, case + ".png")
            run_reference(inputs[source], output, arch, method, noise, scale)
            with Image.open(output) as made:
                size, mode = made.size, made.mode
            manifest.append({
                "case": case, "input": source + ".png", "arch": arch.lower(), "method": method,
                "noise": noise if method != "scale" else -1, "scale": scale, "output": case + ".png",
                "outputMode": mode, "outputSize": list(size),
            })
            print(case, mode, size)
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump({"waifu2x": "2024.0.1", "blockSize": 128, "cases": manifest}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
