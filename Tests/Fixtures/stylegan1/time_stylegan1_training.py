"""Times NVlabs/stylegan's own training iteration beside `toon train --resume` on the same network.

  --write PKL   builds a random G_style / D_basic pair with the official builder (the sizes below,
                train.py's other defaults) and pickles (G, D, Gs) as make_stylegan1_reference.py does
                (build_module_src replaced by a placeholder), for `toon train --resume PKL`.
  --steps N     then runs N iterations of training_loop.py's inner loop on random reals: the
                D_logistic_simplegp step (R1, gamma 10) with the Gs update, then the
                G_logistic_nonsaturating step, Adam (0, 0.99, 1e-8) at lr 0.001, style mixing 0.9,
                random noise; one untimed warm-up iteration first. Prints seconds per iteration.

The same patches as make_stylegan1_reference.py (TF 2 compat.v1, also in training/loss.py, NCHW wrappers, tensorboard stand-ins);
TensorFlow runs with --threads intra-op threads (the machine's cores by default).

Usage: python time_stylegan1_training.py --repo /path/to/NVlabs/stylegan --write /tmp/bench.pkl --steps 20
"""
import argparse
import os
import pickle
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_stylegan1_reference as reference  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--write", required=True)
    parser.add_argument("--steps", type=int, default=0)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--resolution", type=int, default=64)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    work = reference.patched_copy(args.repo)
    with open(os.path.join(args.repo, "training", "loss.py"), encoding="utf-8-sig") as f:
        text = f.read().replace("import tensorflow as tf\n", "import tensorflow.compat.v1 as tf\n")
    with open(os.path.join(work, "training", "loss.py"), "w") as f:
        f.write(text)
    sys.path.insert(0, work)
    import types
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    reference.install_nchw_wrappers(tf)
    for name in ["tensorboard", "tensorboard.summary", "tensorboard.plugins", "tensorboard.plugins.custom_scalar",
                 "tensorboard.plugins.custom_scalar.layout_pb2"]:
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["tensorboard"].summary = sys.modules["tensorboard.summary"]
    sys.modules["tensorboard.plugins.custom_scalar"].layout_pb2 = sys.modules["tensorboard.plugins.custom_scalar.layout_pb2"]
    import dnnlib.tflib as tflib
    tflib.init_tf({"rnd.np_random_seed": 1, "rnd.tf_random_seed": 1, "allow_soft_placement": True,
                   "intra_op_parallelism_threads": args.threads, "inter_op_parallelism_threads": 1})
    r = args.resolution
    sizes = dict(num_channels=3, resolution=r, label_size=0)
    G = tflib.Network("G", func_name="training.networks_stylegan.G_style", latent_size=128, dlatent_size=128,
                      mapping_fmaps=128, fmap_base=2048, fmap_max=128, **sizes)
    D = tflib.Network("D", func_name="training.networks_stylegan.D_basic", fmap_base=2048, fmap_max=128, **sizes)
    Gs = G.clone("Gs")
    if args.steps:
        from training import loss
        n = args.batch

        class Labels:  # what the losses ask of the training set (unconditional)
            def get_random_labels_tf(self, minibatch_size):
                return tf.zeros([minibatch_size, 0])

        adam = dict(tf_optimizer="tensorflow.compat.v1.train.AdamOptimizer")  # TF 2 keeps it under compat.v1
        reals = tf.placeholder(tf.float32, [n, 3, r, r])
        labels = tf.zeros([n, 0])
        G_opt = tflib.Optimizer(name="TrainG", learning_rate=0.001, beta1=0.0, beta2=0.99, epsilon=1e-8, **adam)
        D_opt = tflib.Optimizer(name="TrainD", learning_rate=0.001, beta1=0.0, beta2=0.99, epsilon=1e-8, **adam)
        G_loss = loss.G_logistic_nonsaturating(G, D, G_opt, training_set=Labels(), minibatch_size=n)
        D_loss = loss.D_logistic_simplegp(G, D, D_opt, training_set=Labels(), minibatch_size=n, reals=reals, labels=labels)
        G_opt.register_gradients(tf.reduce_mean(G_loss), G.trainables)
        D_opt.register_gradients(tf.reduce_mean(D_loss), D.trainables)
        G_train, D_train = G_opt.apply_updates(), D_opt.apply_updates()
        Gs_update = Gs.setup_as_moving_average_of(G, beta=0.5 ** (n / 10000.0))
        data = np.random.RandomState(0).uniform(-1, 1, [n, 3, r, r]).astype(np.float32)

        def iteration():
            tflib.run([D_train, Gs_update], {reals: data})
            tflib.run([G_train], {})

        iteration()
        start = time.perf_counter()
        for _ in range(args.steps):
            iteration()
        seconds = (time.perf_counter() - start) / args.steps
        print("official stylegan: %d px, batch %d, %.3f s per iteration (%d iterations, %d threads)" % (r, n, seconds, args.steps, args.threads))
    for net in (G, D, Gs):
        reference.strip_source(net)
    with open(args.write, "wb") as f:
        pickle.dump((G, D, Gs), f, protocol=4)


if __name__ == "__main__":
    main()
