"""PyTorch eager peer for the train-step benchmark: one TRM supervision train step at depth (n, T)
(T-1 cycles without gradient, the last with gradient, loss, backward, AdamW), float32, using
packages/export/fixtures/trm_reference.py.

    /usr/bin/python3 bench/train-step/torch_peer.py --threads 1 --d 256 --n 2 --T 2 --batch 64 --iters 5

Prints one JSON line: threads, seconds_per_step (median), flops_per_step (analytic), ...
"""

import argparse
import json
import os
import statistics
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'packages', 'export', 'fixtures'))
import trm_reference as trm  # noqa: E402


def net_flops(cfg, B):
    """2*m*n*k per matmul of one forward application of `net`."""
    S, it, i = trm.sizes(cfg)
    D = cfg['hidden']
    if cfg['mixer'] == 'mlp':
        mixer = 2 * (B * D) * S * (2 * it) + 2 * (B * D) * it * S
    else:
        mixer = 2 * (B * S) * D * (3 * D) + 2 * (B * S) * D * D + 2 * 2 * B * S * S * D
    channel = 2 * (B * S) * D * (2 * i) + 2 * (B * S) * i * D
    return cfg['layers'] * (mixer + channel)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--d', type=int, default=256)
    ap.add_argument('--n', type=int, default=2)
    ap.add_argument('--T', type=int, default=2)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--mixer', choices=['mlp', 'attention'], default='mlp')
    ap.add_argument('--heads', type=int, default=4)
    ap.add_argument('--prefix', type=int, default=1)
    ap.add_argument('--inter-multiple', type=int, default=256)
    ap.add_argument('--expansion', type=int, default=4)
    ap.add_argument('--iters', type=int, default=5)
    ap.add_argument('--warmup', type=int, default=1)
    ap.add_argument('--device', default='cpu', help='cpu or cuda')
    args = ap.parse_args()
    dev = torch.device(args.device)
    sync = torch.cuda.synchronize if dev.type == 'cuda' else (lambda: None)

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    cfg = trm.make_config(hidden=args.d, n=args.n, T=args.T, mixer=args.mixer, heads=args.heads,
                          prefix=args.prefix, interMultiple=args.inter_multiple, expansion=args.expansion)
    gen = torch.Generator().manual_seed(0)
    # NOTE: drawn on the CPU (same values on every device), then moved; tensors made inside a
    # step (rotary tables) land on the device by default.
    init = trm.init_params(cfg, gen)
    params = {k: v.to(dev).requires_grad_(k not in trm.FIXED) for k, v in init.items()}
    B, C = args.batch, cfg['cells']
    tokens = torch.randint(1, 11, (B, C), generator=gen).to(dev)
    labels = torch.randint(2, 11, (B, C), generator=gen).to(dev)
    torch.set_default_device(dev)
    w = torch.ones(B)
    opt = trm.make_adamw(params, lr=1e-4)
    y, z = (t.detach() for t in trm.initial_carry(params, cfg, B))

    times = []
    for step in range(args.warmup + args.iters):
        sync()
        start = time.perf_counter()
        loss, y, z = trm.train_step(params, cfg, opt, tokens, labels, w, y, z)
        sync()
        if step >= args.warmup:
            times.append(time.perf_counter() - start)

    seconds = statistics.median(times)
    S = cfg['prefix'] + C
    heads = 2 * B * C * args.d * 11 + 2 * B * args.d * 2
    applications = args.T * (args.n + 1) + 2 * (args.n + 1)  # SPEC 3 cost model
    flops = net_flops(cfg, B) * applications + 3 * heads
    print(json.dumps({
        'peer': 'torch-eager', 'torch': torch.__version__, 'device': args.device, 'threads': args.threads, 'd': args.d,
        'n': args.n, 'T': args.T, 'mixer': args.mixer, 'seq': S, 'batch': B,
        'interMultiple': args.inter_multiple, 'iters': args.iters, 'seconds_per_step': seconds,
        'flops_per_step': flops, 'gflops_per_second': flops / seconds / 1e9, 'final_loss': loss.item(),
    }))


if __name__ == '__main__':
    main()
