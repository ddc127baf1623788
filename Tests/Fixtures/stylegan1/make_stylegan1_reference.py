"""Reference outputs of the original StyleGAN (NVlabs/stylegan, TensorFlow 1) for ToonKit's v1 support.

Builds two small random generators with the official network builder (`tflib.Network` over
`training.networks_stylegan.G_style`, as train.py does), perturbs every variable that starts at a
constant (biases, noise strengths, style biases, the constant input, dlatent_avg) so each one
matters, pickles them as the official code does, and records what the official code computes:

  a64.pkl  (G, D, Gs) as training_loop.py's misc.save_pkl writes it (protocol 4, Python 3.6's
           highest, which the 2019 pickles have), default settings: 64 px, z = w = 32, 8 mapping
           layers of 32, fmap_base 64, fmap_max 16 (channels 4:16 8:16 16:8 32:4 64:2).
           G's weights differ from Gs's (load Gs).
    a64_z.npy         z for seeds 0, 1: np.random.RandomState(seed).randn(1, 32), float64
    a64_w.npy         Gs.components.mapping.run(z, None): [2, 10, 32]
    a64_img_psi1.0.npy  Gs.run(z, None, truncation_psi=1, randomize_noise=False)
    a64_img_psi0.7.npy  Gs.run(z, None, truncation_psi=0.7, randomize_noise=False) (cutoff 8 of 10 ws)
    a64_ws_psi0.7.npy   the truncated ws G_style computes (lerp(dlatent_avg, w, psi) on ws 0-7)
    a64_mix.npy       generate_figures.py's style mixing: ws of seed 0 (dst) with ws 4-9 from seed 1
                      (src), Gs.components.synthesis.run(ws, randomize_noise=False)
    a64_lod1.5.npy    Gs.run(z of seed 0, None, truncation_psi=1, randomize_noise=False) with Gs's
                      lod variable set to 1.5 (progressive growing's blend of 16 px and 32 px)
  b16.pkl  Gs alone (protocol 5, what save_pkl writes under Python 3.8+), every setting away from
           its default: 16 px, conditional (label_size 3), z 12, w 10, 3 mapping layers of 20,
           use_wscale False, relu, use_pixel_norm True, blur_filter [1, 3, 3, 1], fused_scale True
           (the transposed-conv form at every resolution), static truncation_psi 0.6 and
           truncation_cutoff 4, fmap_base 32, fmap_max 8, lod 0.6 stored in both lod variables.
    b16_z.npy         seeds 3, 4; b16_labels.npy one-hot classes 2, 0
    b16_w.npy         Gs.components.mapping.run(z, labels)
    b16_img_default.npy  Gs.run(z, labels, randomize_noise=False): the stored psi 0.6 on 4 ws
    b16_img_psi1.0.npy   Gs.run(z, labels, truncation_psi=1, randomize_noise=False)

  c16.pkl  (G, D, Gs), protocol 4: G_style at 16 px (z = w = 16, 2 mapping layers of 16, fmap_base 64,
           fmap_max 16) and D_basic with its defaults (fmap_base 64, fmap_max 16, mbstd group 4), every
           constant of D moved too. ToonKit's training tests resume it.
    c16_images.npy    4 random images; c16_d.npy D.run(images, None); c16_d_grad.npy the gradient of
                      sum(D(images)) with respect to the images (what R1 squares)
    c16_d_lod1.3.npy  D.run(images, None) with D's lod variable at 1.3
    c16_z.npy, c16_ws.npy  z of seeds 5, 6 and their w broadcast to the 6 ws
    c16_img.npy       Gs.components.synthesis.run(ws, randomize_noise=False)
    c16_ws_grad.npy   d sum(image * c16_img_weights) / d ws through the synthesis (stored noise)
    c16_z_grad.npy    d sum(w * c16_w_weights) / d z through the mapping
  d16.pkl  (G, D, Gs), protocol 4, conditional (3 classes), D_basic with every setting changed: relu,
           use_wscale False, mbstd_group_size 2, mbstd_num_features 2, fused_scale True (the stride-2
           4x4 conv), blur_filter [1, 3, 3, 1], fmap_base 32, fmap_max 8.
    d16_images.npy, d16_labels.npy (classes 2, 0, 1, 2); d16_d.npy, d16_d_grad.npy as for c16;
    d16_d_grad_exact.npy  the same gradient with blur2d's custom gradient bypassed (TF differentiates
                      the blur itself): for an even filter the custom one is not the exact transpose
    d16_d_lod0.6.npy  with D's lod at 0.6

Each case runs one batch. reference.json lists the cases, the code's commit and the versions.

Patches (the official code targets TensorFlow 1.x; it runs here under TensorFlow 2's tf.compat.v1
graph mode, from PyPI tensorflow-cpu):
  1. `import tensorflow as tf` -> `import tensorflow.compat.v1 as tf` in dnnlib/tflib/*.py and
     training/networks_stylegan.py (a copy is patched; the checkout is left as it is), with
     tf.disable_v2_behavior() before anything is built.
  2. TensorFlow's CPU kernels do not take NCHW: tf.nn.conv2d, conv2d_transpose and
     depthwise_conv2d are wrapped to transpose NCHW to NHWC and back (the same arithmetic).
  3. The pickles' `build_module_src` (the whole networks_stylegan.py, which dnnlib stores so that
     unpickling can rebuild the graph) is replaced by a one-line placeholder before pickling, so no
     NVIDIA source is kept here. ToonKit never reads or runs it; a real pickle holds the source text
     in the same field. Everything else is as the official code writes it.
  4. tensorflow-cpu 2.x does not bring tensorboard, which dnnlib's autosummary imports (for
     training summaries only): empty stand-in modules are registered first.

Usage: python make_stylegan1_reference.py --repo /path/to/NVlabs/stylegan [--commit SHA] [--out DIR]
"""
import argparse
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import types

import numpy as np

PLACEHOLDER = "# networks_stylegan.py of NVlabs/stylegan (omitted from ToonKit's fixtures; never read)\n"


def patched_copy(repo):
    work = tempfile.mkdtemp(prefix="stylegan1-")
    shutil.copytree(os.path.join(repo, "dnnlib"), os.path.join(work, "dnnlib"))
    os.makedirs(os.path.join(work, "training"))
    for name in ["__init__.py", "networks_stylegan.py"]:
        shutil.copy(os.path.join(repo, "training", name), os.path.join(work, "training", name))
    paths = [os.path.join(work, "training", "networks_stylegan.py")]
    for root, _, files in os.walk(os.path.join(work, "dnnlib")):
        paths += [os.path.join(root, f) for f in files if f.endswith(".py")]
    for path in paths:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
        text = text.replace("import tensorflow as tf\n", "import tensorflow.compat.v1 as tf\n")
        text = text.replace("shape = [1, use_noise, 2**res, 2**res]", "shape = [1, int(use_noise), 2**res, 2**res]")
        with open(path, "w") as f:
            f.write(text)
    return work


def install_nchw_wrappers(tf):
    def value(d):
        return d.value if hasattr(d, "value") else d

    def to_nhwc(x):
        return tf.transpose(x, [0, 2, 3, 1])

    def to_nchw(x):
        return tf.transpose(x, [0, 3, 1, 2])

    conv2d, conv2d_transpose, depthwise = tf.nn.conv2d, tf.nn.conv2d_transpose, tf.nn.depthwise_conv2d

    def conv2d_nchw(input, filter=None, strides=None, padding=None, data_format="NHWC", **kw):
        if data_format != "NCHW":
            return conv2d(input, filter, strides=strides, padding=padding, data_format=data_format, **kw)
        s = [strides[0], strides[2], strides[3], strides[1]]
        return to_nchw(conv2d(to_nhwc(input), filter, strides=s, padding=padding, data_format="NHWC"))

    def conv2d_transpose_nchw(value_, filter=None, output_shape=None, strides=None, padding="SAME", data_format="NHWC", **kw):
        if data_format != "NCHW":
            return conv2d_transpose(value_, filter, output_shape, strides=strides, padding=padding, data_format=data_format, **kw)
        os_ = [value(d) for d in output_shape]
        os_ = tf.stack([tf.cast(d, tf.int32) for d in [os_[0], os_[2], os_[3], os_[1]]])
        s = [strides[0], strides[2], strides[3], strides[1]]
        return to_nchw(conv2d_transpose(to_nhwc(value_), filter, os_, strides=s, padding=padding, data_format="NHWC"))

    def depthwise_nchw(input, filter, strides, padding, data_format=None, **kw):
        if data_format != "NCHW":
            return depthwise(input, filter, strides, padding, data_format=data_format, **kw)
        s = [strides[0], strides[2], strides[3], strides[1]]
        return to_nchw(depthwise(to_nhwc(input), filter, s, padding, data_format="NHWC"))

    tf.nn.conv2d, tf.nn.conv2d_transpose, tf.nn.depthwise_conv2d = conv2d_nchw, conv2d_transpose_nchw, depthwise_nchw


def perturb(net, tflib, rng):
    """Moves every variable that starts at a constant, so that each one changes the output."""
    names, variables = zip(*net.vars.items())
    values = tflib.run(list(variables))
    updates = {}
    for name, var, value in zip(names, variables, values):
        leaf = name.split("/")[-1]
        if name.endswith("lod"):
            continue
        if leaf == "bias" or name.endswith("Noise/weight") or leaf == "dlatent_avg":
            updates[var] = value + rng.standard_normal(value.shape).astype(np.float32) * 0.3
        elif leaf == "const":
            updates[var] = value + rng.standard_normal(value.shape).astype(np.float32) * 0.5
    tflib.set_vars(updates)


def strip_source(net):
    net._build_module_src = PLACEHOLDER
    for component in net.components.values():
        strip_source(component)


def one_hot(classes, n):
    labels = np.zeros([len(classes), n], np.float32)
    labels[np.arange(len(classes)), classes] = 1
    return labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--commit", help="the checkout's commit, where --repo is not a git work tree")
    args = parser.parse_args()
    sys.path.insert(0, patched_copy(args.repo))
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    install_nchw_wrappers(tf)
    for name in ["tensorboard", "tensorboard.summary", "tensorboard.plugins", "tensorboard.plugins.custom_scalar",
                 "tensorboard.plugins.custom_scalar.layout_pb2"]:
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["tensorboard"].summary = sys.modules["tensorboard.summary"]
    sys.modules["tensorboard.plugins.custom_scalar"].layout_pb2 = sys.modules["tensorboard.plugins.custom_scalar.layout_pb2"]
    import dnnlib.tflib as tflib

    # Network.run places its graph on /gpu:0: soft placement lets it fall back to the CPU.
    tflib.init_tf({"rnd.np_random_seed": 1000, "rnd.tf_random_seed": 1000, "allow_soft_placement": True})
    rng = np.random.default_rng(7)
    out = args.out
    cases = {}

    def save(name, array):
        np.save(os.path.join(out, name), np.asarray(array))

    # ---- a64: defaults, (G, D, Gs) ----
    G = tflib.Network("G", func_name="training.networks_stylegan.G_style", num_channels=3, resolution=64, label_size=0,
                      latent_size=32, dlatent_size=32, mapping_fmaps=32, fmap_base=64, fmap_max=16)
    D = tflib.Network("D", func_name="training.networks_stylegan.D_basic", num_channels=3, resolution=64, label_size=0,
                      fmap_base=32, fmap_max=4)
    perturb(G, tflib, rng)
    Gs = G.clone("Gs")
    perturb(G, tflib, rng)  # G moves on; Gs keeps its own weights, as after training
    perturb(Gs, tflib, rng)
    seeds = [0, 1]
    z = np.concatenate([np.random.RandomState(s).randn(1, 32) for s in seeds])
    save("a64_z.npy", z)
    w = Gs.components.mapping.run(z, None)
    save("a64_w.npy", w)
    save("a64_img_psi1.0.npy", Gs.run(z, None, truncation_psi=1, randomize_noise=False))
    save("a64_img_psi0.7.npy", Gs.run(z, None, truncation_psi=0.7, randomize_noise=False))
    avg = Gs.get_var("dlatent_avg")
    coefs = np.where(np.arange(w.shape[1]) < 8, 0.7, 1.0).astype(np.float32)[None, :, None]
    save("a64_ws_psi0.7.npy", avg + (w - avg) * coefs)
    mixed = w[0:1].copy()
    mixed[:, 4:10] = w[1:2, 4:10]
    save("a64_mix.npy", Gs.components.synthesis.run(mixed, randomize_noise=False))
    Gs.set_var("lod", np.float32(1.5))
    save("a64_lod1.5.npy", Gs.run(z[0:1], None, truncation_psi=1, randomize_noise=False))
    Gs.set_var("lod", np.float32(0))
    Gs.components.synthesis.set_var("lod", np.float32(0))
    for net in (G, D, Gs):
        strip_source(net)
    with open(os.path.join(out, "a64.pkl"), "wb") as f:
        pickle.dump((G, D, Gs), f, protocol=4)
    cases["a64"] = dict(pickle="a64.pkl", seeds=seeds, mix=dict(dst_seed=0, src_seed=1, src_ws=[4, 9]), lod_case=1.5,
                        truncation_cutoff=8)

    # ---- b16: every setting changed, Gs alone ----
    Gb = tflib.Network("G", func_name="training.networks_stylegan.G_style", num_channels=3, resolution=16, label_size=3,
                       latent_size=12, dlatent_size=10, mapping_layers=3, mapping_fmaps=20, use_wscale=False,
                       nonlinearity="relu", mapping_nonlinearity="relu", use_pixel_norm=True, blur_filter=[1, 3, 3, 1],
                       fused_scale=True, truncation_psi=0.6, truncation_cutoff=4, fmap_base=32, fmap_max=8)
    Gsb = Gb.clone("Gs")
    perturb(Gsb, tflib, rng)
    Gsb.set_var("lod", np.float32(0.6))
    Gsb.components.synthesis.set_var("lod", np.float32(0.6))
    seeds_b, classes = [3, 4], [2, 0]
    zb = np.concatenate([np.random.RandomState(s).randn(1, 12) for s in seeds_b])
    labels = one_hot(classes, 3)
    save("b16_z.npy", zb)
    save("b16_labels.npy", labels)
    save("b16_w.npy", Gsb.components.mapping.run(zb, labels))
    save("b16_img_default.npy", Gsb.run(zb, labels, randomize_noise=False))
    save("b16_img_psi1.0.npy", Gsb.run(zb, labels, truncation_psi=1, randomize_noise=False))
    strip_source(Gsb)
    with open(os.path.join(out, "b16.pkl"), "wb") as f:
        pickle.dump(Gsb, f, protocol=5)
    cases["b16"] = dict(pickle="b16.pkl", seeds=seeds_b, classes=classes, truncation_psi=0.6, truncation_cutoff=4, lod=0.6)

    # ---- c16 and d16: discriminators (D_basic) and the backward pass, for training ----
    def run_d(D, images, labels):
        return D.run(images, labels)

    def d_and_r1(D, images, labels):
        """D's scores, and the gradient of their sum with respect to the images (what R1 squares)."""
        x = tf.placeholder(tf.float32, [None] + list(images.shape[1:]))
        c = tf.placeholder(tf.float32, [None, labels.shape[1]])
        scores = D.get_output_for(x, c, is_training=True)
        grad = tf.gradients(tf.reduce_sum(scores), [x])[0]
        return tflib.run([scores, grad], {x: images, c: labels})

    def synthesis_grad(Gs, ws, weights):
        """d sum(image * weights) / d ws through G_synthesis with the stored noise."""
        x = tf.placeholder(tf.float32, [None] + list(ws.shape[1:]))
        image = Gs.components.synthesis.get_output_for(x, randomize_noise=False)
        return tflib.run(tf.gradients(tf.reduce_sum(image * weights), [x])[0], {x: ws})

    def mapping_grad(Gs, z, labels, weights):
        """d sum(w * weights) / d z through G_mapping."""
        x = tf.placeholder(tf.float32, [None, z.shape[1]])
        c = tf.placeholder(tf.float32, [None, labels.shape[1]])
        w = Gs.components.mapping.get_output_for(x, c)
        return tflib.run(tf.gradients(tf.reduce_sum(w * weights), [x])[0], {x: z, c: labels})

    # c16: defaults at 16 px, (G, D, Gs) with every constant of D moved; the training tests resume it.
    Gc = tflib.Network("G", func_name="training.networks_stylegan.G_style", num_channels=3, resolution=16, label_size=0,
                       latent_size=16, dlatent_size=16, mapping_layers=2, mapping_fmaps=16, fmap_base=64, fmap_max=16)
    Dc = tflib.Network("D", func_name="training.networks_stylegan.D_basic", num_channels=3, resolution=16, label_size=0,
                       fmap_base=64, fmap_max=16)
    perturb(Gc, tflib, rng)
    Gsc = Gc.clone("Gs")
    perturb(Gc, tflib, rng)
    perturb(Dc, tflib, rng)
    images_c = rng.standard_normal([4, 3, 16, 16]).astype(np.float32)
    no_labels = np.zeros([4, 0], np.float32)
    save("c16_images.npy", images_c)
    scores, r1_grad = d_and_r1(Dc, images_c, no_labels)
    save("c16_d.npy", scores)
    save("c16_d_grad.npy", r1_grad)
    Dc.set_var("lod", np.float32(1.3))
    save("c16_d_lod1.3.npy", run_d(Dc, images_c, no_labels))
    Dc.set_var("lod", np.float32(0))
    zc = np.concatenate([np.random.RandomState(s).randn(1, 16) for s in [5, 6]]).astype(np.float32)
    wsc = np.repeat(Gsc.components.mapping.run(zc, None)[:, :1], 6, axis=1)
    weights_img = rng.standard_normal([2, 3, 16, 16]).astype(np.float32)
    weights_w = rng.standard_normal([2, 6, 16]).astype(np.float32)
    save("c16_ws.npy", wsc)
    save("c16_img.npy", Gsc.components.synthesis.run(wsc, randomize_noise=False))
    save("c16_img_weights.npy", weights_img)
    save("c16_ws_grad.npy", synthesis_grad(Gsc, wsc, weights_img))
    save("c16_z.npy", zc)
    save("c16_w_weights.npy", weights_w)
    save("c16_z_grad.npy", mapping_grad(Gsc, zc, np.zeros([2, 0], np.float32), weights_w))
    for net in (Gc, Dc, Gsc):
        strip_source(net)
    with open(os.path.join(out, "c16.pkl"), "wb") as f:
        pickle.dump((Gc, Dc, Gsc), f, protocol=4)
    cases["c16"] = dict(pickle="c16.pkl", d_batch=4, d_lod_case=1.3, seeds=[5, 6])

    # d16: D with every setting away from its default, conditional; G tiny and conditional too.
    Gd = tflib.Network("G", func_name="training.networks_stylegan.G_style", num_channels=3, resolution=16, label_size=3,
                       latent_size=8, dlatent_size=8, mapping_layers=2, mapping_fmaps=8, fmap_base=32, fmap_max=8)
    Dd = tflib.Network("D", func_name="training.networks_stylegan.D_basic", num_channels=3, resolution=16, label_size=3,
                       fmap_base=32, fmap_max=8, nonlinearity="relu", use_wscale=False, mbstd_group_size=2,
                       mbstd_num_features=2, fused_scale=True, blur_filter=[1, 3, 3, 1])
    Gsd = Gd.clone("Gs")
    perturb(Dd, tflib, rng)
    images_d = rng.standard_normal([4, 3, 16, 16]).astype(np.float32)
    labels_d = one_hot([2, 0, 1, 2], 3)
    save("d16_images.npy", images_d)
    save("d16_labels.npy", labels_d)
    scores, r1_grad = d_and_r1(Dd, images_d, labels_d)
    save("d16_d.npy", scores)
    save("d16_d_grad.npy", r1_grad)
    # blur2d's custom gradient blurs the incoming gradient with the flipped filter and the same 'SAME'
    # padding: for an even filter that is not the transpose of the forward blur (its padding is
    # asymmetric), so the official input gradient is off by a pixel there. The true gradient, with
    # blur2d's custom gradient bypassed, for comparison:
    import training.networks_stylegan as networks
    custom_blur = networks.blur2d
    networks.blur2d = lambda x, f=[1, 2, 1], normalize=True: networks._blur2d(x, f, normalize)
    save("d16_d_grad_exact.npy", d_and_r1(Dd, images_d, labels_d)[1])
    networks.blur2d = custom_blur
    Dd.set_var("lod", np.float32(0.6))
    save("d16_d_lod0.6.npy", run_d(Dd, images_d, labels_d))
    Dd.set_var("lod", np.float32(0))
    for net in (Gd, Dd, Gsd):
        strip_source(net)
    with open(os.path.join(out, "d16.pkl"), "wb") as f:
        pickle.dump((Gd, Dd, Gsd), f, protocol=4)
    cases["d16"] = dict(pickle="d16.pkl", d_batch=4, classes=[2, 0, 1, 2], d_lod_case=0.6)

    commit = args.commit or subprocess.run(["git", "-C", args.repo, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    info = dict(code="NVlabs/stylegan", commit=commit or "unknown", tensorflow=tf.__version__, numpy=np.__version__,
                python=sys.version.split()[0], cases=cases,
                tolerance="1e-4 of each output's range (max - min); fp32, one batch per case")
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
