#!/usr/bin/env python3
"""Time a peer's StyleGAN2 training on CPU, as `toon-bench train --cfg C --resolution R --batch B
[--phases]` times ToonKit's.

    python Benchmarks/peers/torch_train.py --impl nvlabs --repo $PEERS/stylegan2-ada-pytorch \\
        --cfg paper512 --resolution 64 --batch 8 --phases --runs 3

--impl nvlabs: stylegan2-ada-pytorch's `StyleGAN2Loss.accumulate_gradients` with the phases of its
training_loop.py (Gmain, Greg every 4th step, Dmain, Dreg every 16th, lazy-regularisation Adam), then
G_ema. --cfg paper256 (channel base 16384, gamma 1) or paper512 (channel base 32768, the config-f
widths, gamma 0.5), both with channel max 512, 8 mapping layers and fp32 (no fp16 layers, no clamp).

--impl rosinality: rosinality/stylegan2-pytorch's `train.py` loss functions and step (D, R1 every 16th,
G, path length every 4th, its defaults r1 10, path weight 2, path batch shrink 2, mixing 0.9) with
`Generator(R, 512, 8, channel_multiplier=2)` and its Discriminator: the config-f widths (--cfg is
ignored).

Without --phases: one warm-up run of 16 steps, then --runs timed runs of 16 steps (they hold 4 Greg and
1 Dreg); the figure is per step. With --phases: each phase run once per round (one warm-up round, then
--runs rounds), a median per phase, and the iteration as the schedule weighs them: Gmain + Dmain + G_ema
+ Greg / 4 + Dreg / 16 (toon-bench's --phases uses the same rule). Random reals, no augmentation.
Prints one JSON object with the process's peak RSS. Test tooling only: the peer is imported from
--repo, never copied or changed on disk.
"""
import argparse
import copy
import json
import math
import os
import random
import resource
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_models  # noqa: E402

INTERVALS = {"Greg": 4, "Dreg": 16}


def nvlabs_phases(repo, cfg, r, batch):
    """The phases of NVLabs' training loop, in its order, as name -> callable(step)."""
    peer_models.add_nvlabs(repo)
    import torch
    from training import networks
    from training.loss import StyleGAN2Loss

    base, gamma = {"paper256": (16384, 1.0), "paper512": (32768, 0.5)}[cfg]
    common = dict(channel_base=base, channel_max=512, num_fp16_res=0, conv_clamp=None)
    G = networks.Generator(z_dim=512, c_dim=0, w_dim=512, img_resolution=r, img_channels=3,
                           mapping_kwargs=dict(num_layers=8), synthesis_kwargs=common).train().requires_grad_(False)
    D = networks.Discriminator(c_dim=0, img_resolution=r, img_channels=3, **common,
                               epilogue_kwargs=dict(mbstd_group_size=min(8, batch))).train().requires_grad_(False)
    G_ema = copy.deepcopy(G).eval()
    loss = StyleGAN2Loss(torch.device("cpu"), G_mapping=G.mapping, G_synthesis=G.synthesis, D=D, r1_gamma=gamma)
    reals = torch.rand([64, 3, r, r]) * 2 - 1
    c = torch.zeros([batch, 0])

    def phase(name, module, opt, gain):
        def run(step):
            real = reals[torch.randint(0, 64, [batch])]
            opt.zero_grad(set_to_none=True)
            module.requires_grad_(True)
            loss.accumulate_gradients(phase=name, real_img=real, real_c=c, gen_z=torch.randn([batch, 512]),
                                      gen_c=c, sync=True, gain=gain)
            module.requires_grad_(False)
            for param in module.parameters():
                if param.grad is not None:
                    torch.nan_to_num(param.grad, nan=0, posinf=1e5, neginf=-1e5, out=param.grad)
            opt.step()
        return run

    def ema(step):
        beta = 0.5 ** (batch / (20 * 1000))
        with torch.no_grad():
            for p_ema, p_live in zip(G_ema.parameters(), G.parameters()):
                p_ema.copy_(p_live.lerp(p_ema, beta))

    phases = {}
    for name, module, interval in [("G", G, 4), ("D", D, 16)]:
        ratio = interval / (interval + 1)
        opt = torch.optim.Adam(module.parameters(), lr=0.0025 * ratio, betas=(0.0, 0.99 ** ratio), eps=1e-8)
        phases[name + "main"] = phase(name + "main", module, opt, 1)
        phases[name + "reg"] = phase(name + "reg", module, opt, interval)
    phases["Gema"] = ema
    return phases, G, D


def rosinality_phases(repo, r, batch):
    """rosinality's train() loop body, phase by phase in its order (D, R1, G, path length, accumulate)."""
    # train.py imports its data set (lmdb), progress bar and torchvision at the top; none is used here.
    peer_models.stub_missing("lmdb", "tqdm", "torchvision", "wandb")
    train = peer_models.import_rosinality(repo, "train")
    model = peer_models.import_rosinality(repo, "model")
    import torch

    generator = model.Generator(r, 512, 8, channel_multiplier=2)
    discriminator = model.Discriminator(r, channel_multiplier=2)
    g_ema = copy.deepcopy(generator).eval()
    g_ratio, d_ratio = 4 / 5, 16 / 17
    g_optim = torch.optim.Adam(generator.parameters(), lr=0.002 * g_ratio, betas=(0.0, 0.99 ** g_ratio))
    d_optim = torch.optim.Adam(discriminator.parameters(), lr=0.002 * d_ratio, betas=(0.0, 0.99 ** d_ratio))
    reals = torch.rand([64, 3, r, r]) * 2 - 1
    mean_path_length = [0]

    def real_batch():
        return reals[torch.randint(0, 64, [batch])]

    def d_main(step):
        train.requires_grad(generator, False)
        train.requires_grad(discriminator, True)
        fake_img, _ = generator(train.mixing_noise(batch, 512, 0.9, "cpu"))
        d_loss = train.d_logistic_loss(discriminator(real_batch()), discriminator(fake_img))
        discriminator.zero_grad()
        d_loss.backward()
        d_optim.step()

    def d_reg(step):
        real_img = real_batch()
        real_img.requires_grad = True
        real_pred = discriminator(real_img)
        r1_loss = train.d_r1_loss(real_pred, real_img)
        discriminator.zero_grad()
        (10 / 2 * r1_loss * 16 + 0 * real_pred[0]).backward()
        d_optim.step()

    def g_main(step):
        train.requires_grad(generator, True)
        train.requires_grad(discriminator, False)
        fake_img, _ = generator(train.mixing_noise(batch, 512, 0.9, "cpu"))
        g_loss = train.g_nonsaturating_loss(discriminator(fake_img))
        generator.zero_grad()
        g_loss.backward()
        g_optim.step()

    def g_reg(step):
        noise = train.mixing_noise(max(1, batch // 2), 512, 0.9, "cpu")
        fake_img, latents = generator(noise, return_latents=True)
        path_loss, mean_path_length[0], _ = train.g_path_regularize(fake_img, latents, mean_path_length[0])
        generator.zero_grad()
        (2 * 4 * path_loss + 0 * fake_img[0, 0, 0, 0]).backward()
        g_optim.step()

    def ema(step):
        train.accumulate(g_ema, generator, 0.5 ** (32 / (10 * 1000)))

    return {"Dmain": d_main, "Dreg": d_reg, "Gmain": g_main, "Greg": g_reg, "Gema": ema}, generator, discriminator


def timed(run, step):
    start = time.perf_counter()
    run(step)
    return time.perf_counter() - start


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--impl", choices=["nvlabs", "rosinality"], default="nvlabs")
    p.add_argument("--repo", required=True, help="checkout of the peer named by --impl")
    p.add_argument("--cfg", choices=["paper256", "paper512"], default="paper256")
    p.add_argument("--resolution", type=int, default=32)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--runs", type=int, default=1, help="timed runs (or rounds with --phases) after one warm-up")
    p.add_argument("--phases", action="store_true", help="time each phase alone; weigh them by their schedule")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    random.seed(1)
    r, batch = args.resolution, args.batch
    if args.impl == "nvlabs":
        phases, G, D = nvlabs_phases(args.repo, args.cfg, r, batch)
    else:
        phases, G, D = rosinality_phases(args.repo, r, batch)
    result = {"impl": args.impl, "runs": args.runs, "threads": torch.get_num_threads(),
              "g_params": sum(t.numel() for t in G.parameters()),
              "d_params": sum(t.numel() for t in D.parameters())}
    cfg = args.cfg if args.impl == "nvlabs" else "config-f"

    if args.phases:
        for step in range(args.runs + 1):  # round 0 is the warm-up
            times = {name: timed(run, step) for name, run in phases.items()}
            if step > 0:
                for name, seconds in times.items():
                    result.setdefault("phase_ms", {}).setdefault(name, []).append(seconds * 1e3)
        medians = {name: sorted(ms)[len(ms) // 2] for name, ms in result["phase_ms"].items()}
        rounds = [sum(ms[i] / INTERVALS.get(name, 1) for name, ms in result["phase_ms"].items())
                  for i in range(args.runs)]
        result.update(name=f"train {cfg} {r} b{batch} (per iteration)", median_ms=sorted(rounds)[len(rounds) // 2],
                      phase_median_ms=medians)
    else:
        def run_steps(first):
            for step in range(first, first + 16):
                for name, run in phases.items():
                    if step % INTERVALS.get(name, 1) == 0:
                        run(step)
        run_steps(0)  # warm-up
        times = []
        for i in range(args.runs):
            start = time.perf_counter()
            run_steps(16 * (i + 1))
            times.append((time.perf_counter() - start) / 16)
        result.update(name=f"train {cfg} {r} b{batch} (per step)", median_ms=sorted(times)[len(times) // 2] * 1e3)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
