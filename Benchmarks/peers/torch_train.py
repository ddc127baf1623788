#!/usr/bin/env python3
"""Time NVLabs' StyleGAN2 training step on CPU (stylegan2-ada-pytorch's loss and phases), as
`toon-bench train --cfg paper256 --resolution R --batch B` times ToonKit's.

    python Benchmarks/peers/torch_train.py --repo $PEERS/stylegan2-ada-pytorch --resolution 32 --batch 8

The phases of NVLabs' training_loop.py: Gmain and Dmain every step, Greg (path length) every 4th
and Dreg (R1) every 16th with lazy-regularisation Adam settings, then G_ema. Configuration
paper256 in fp32 (what --fp32 runs: no fp16 layers, no conv clamp), no augmentation, random real
images. One warm-up run of 16 steps, then --runs timed runs of 16 steps (which hold 4 Greg and
1 Dreg); prints one JSON object with the median ms per step. Test tooling only: the peer is
imported from --repo, never copied.
"""
import argparse
import copy
import json
import sys
import time

sys.dont_write_bytecode = True


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repo", required=True, help="checkout of NVlabs/stylegan2-ada-pytorch")
    p.add_argument("--resolution", type=int, default=32)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--runs", type=int, default=1, help="timed runs of 16 steps after one warm-up (default 1)")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    import torch
    sys.path.insert(0, args.repo)
    from training import networks
    from training.loss import StyleGAN2Loss

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    device = torch.device("cpu")
    r, batch = args.resolution, args.batch
    # paper256: fmaps 0.5 (channel base 16384), channel max 512, mapping 8, mbstd 8, lr 0.0025, gamma 1, ema 20 kimg.
    common = dict(channel_base=16384, channel_max=512, num_fp16_res=0, conv_clamp=None)
    G = networks.Generator(z_dim=512, c_dim=0, w_dim=512, img_resolution=r, img_channels=3,
                           mapping_kwargs=dict(num_layers=8), synthesis_kwargs=common).train().requires_grad_(False)
    D = networks.Discriminator(c_dim=0, img_resolution=r, img_channels=3, **common,
                               epilogue_kwargs=dict(mbstd_group_size=min(8, batch))).train().requires_grad_(False)
    G_ema = copy.deepcopy(G).eval()
    loss = StyleGAN2Loss(device, G_mapping=G.mapping, G_synthesis=G.synthesis, D=D, r1_gamma=1)

    phases = []
    for name, module, interval in [("G", G, 4), ("D", D, 16)]:
        ratio = interval / (interval + 1)
        opt = torch.optim.Adam(module.parameters(), lr=0.0025 * ratio, betas=(0.0, 0.99 ** ratio), eps=1e-8)
        phases += [(name + "main", module, opt, 1), (name + "reg", module, opt, interval)]  # NVLabs' order
    reals = torch.rand([64, 3, r, r]) * 2 - 1
    step_index = [0]

    def step():
        i = step_index[0]
        real = reals[torch.randint(0, 64, [batch])]
        c = torch.zeros([batch, 0])
        for name, module, opt, interval in phases:
            if i % interval != 0:
                continue
            opt.zero_grad(set_to_none=True)
            module.requires_grad_(True)
            loss.accumulate_gradients(phase=name, real_img=real, real_c=c, gen_z=torch.randn([batch, 512]),
                                      gen_c=c, sync=True, gain=interval)
            module.requires_grad_(False)
            for param in module.parameters():
                if param.grad is not None:
                    torch.nan_to_num(param.grad, nan=0, posinf=1e5, neginf=-1e5, out=param.grad)
            opt.step()
        beta = 0.5 ** (batch / (20 * 1000))
        with torch.no_grad():
            for p_ema, p_live in zip(G_ema.parameters(), G.parameters()):
                p_ema.copy_(p_live.lerp(p_ema, beta))
        step_index[0] += 1

    for _ in range(16):
        step()  # warm-up run
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for _ in range(16):
            step()
        times.append((time.perf_counter() - start) / 16)
    times.sort()
    print(json.dumps({
        "impl": "nvlabs",
        "name": f"train paper256 {r} b{batch} (per step)",
        "median_ms": times[len(times) // 2] * 1e3,
        "runs": args.runs,
        "threads": torch.get_num_threads(),
        "g_params": sum(t.numel() for t in G.parameters()),
        "d_params": sum(t.numel() for t in D.parameters()),
    }))


if __name__ == "__main__":
    main()
