"""PyTorch eager peer for the graph benchmark: one train step (forward, backward, AdamW) of the
two-block model of packages/graph/fixtures/make_two_block.py at benchmark size, float32.

    /usr/bin/python3 bench/graph/torch_peer.py --threads 1 --d 256 --seq 82 --batch 64 --iters 10 --warmup 2

Prints one JSON line: threads, seconds_per_step (median), flops_per_step (analytic), gflops, ...
"""

import argparse
import json
import os
import statistics
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'packages', 'graph', 'fixtures'))
import make_two_block as model  # noqa: E402


def forward_flops(cfg, B):
    """2*m*n*k per matmul of the forward pass."""
    S, C, D, V, it, i = cfg['seq'], cfg['cells'], cfg['hidden'], cfg['vocab'], cfg['interT'], cfg['inter']
    token = 2 * (B * D) * S * (2 * it) + 2 * (B * D) * it * S
    channel = 2 * (B * S) * D * (2 * i) + 2 * (B * S) * i * D
    heads = 2 * B * C * D * V + 2 * B * D * 2
    return cfg['blocks'] * (token + channel) + heads


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--d', type=int, default=256)
    ap.add_argument('--seq', type=int, default=82, help='prefix 1 + cells')
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--vocab', type=int, default=11)
    ap.add_argument('--inter-multiple', type=int, default=256)
    ap.add_argument('--iters', type=int, default=10)
    ap.add_argument('--warmup', type=int, default=2)
    args = ap.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    cfg = model.make_config('softmax', batch=args.batch, cells=args.seq - 1, prefix=1, hidden=args.d,
                            vocab=args.vocab, inter_multiple=args.inter_multiple)
    gen = torch.Generator().manual_seed(0)
    params = {k: v.requires_grad_(True) for k, v in model.init_params(cfg, gen).items()}
    tokens = torch.randint(1, args.vocab, (args.batch, cfg['cells']), generator=gen)
    labels = torch.randint(0, args.vocab, (args.batch, cfg['cells']), generator=gen)
    w = torch.ones(args.batch)
    a = cfg['adamw']
    opt = torch.optim.AdamW(list(params.values()), lr=a['lr'], betas=(a['beta1'], a['beta2']), eps=a['eps'],
                            weight_decay=a['weightDecay'])

    times = []
    for step in range(args.warmup + args.iters):
        start = time.perf_counter()
        logits, q_halt = model.forward(params, cfg, tokens)
        loss = model.loss_fn(logits, q_halt, labels, w, cfg)[0]
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step >= args.warmup:
            times.append(time.perf_counter() - start)

    seconds = statistics.median(times)
    flops = 3 * forward_flops(cfg, args.batch)
    print(json.dumps({
        'peer': 'torch-eager', 'torch': torch.__version__, 'threads': args.threads, 'd': args.d,
        'seq': args.seq, 'batch': args.batch, 'interT': cfg['interT'], 'inter': cfg['inter'],
        'iters': args.iters, 'seconds_per_step': seconds, 'flops_per_step': flops,
        'gflops_per_second': flops / seconds / 1e9, 'final_loss': loss.item(),
    }))


if __name__ == '__main__':
    main()
