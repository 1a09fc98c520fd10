"""PyTorch eager peer for bench/trainer: the whole ACT training loop of SPEC section 5 (B slots with
carry, refill of halted slots with augmented puzzles, paper depth curriculum, per-sample HSW weights,
one supervision step + AdamW per optimizer step, exploration, halting, EMA of every parameter),
float32, using packages/export/fixtures/trm_reference.py for the model, loss and AdamW.

    /usr/bin/python3 bench/trainer/torch_peer.py --preset-json run.json --data puzzles.txt \\
        --batch 32 --steps 60 --threads 1 [--params params.bin] [--warmup 2]

run.json holds {config, lr: {lr, warmup}, ema, explore, lambda, params: [{name, dims}]}; puzzles.txt
one `puzzle solution` pair a line (81 digits each, 0 = blank); params.bin the float32 starting
parameters in the order of run.json's `params`. Prints one JSON line.
"""

import argparse
import json
import math
import os
import resource
import sys
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'packages', 'export', 'fixtures'))
import trm_reference as trm  # noqa: E402

PAPER_STAGES = ((0.3, 2, 1), (0.6, 4, 2), (None, 6, 3))  # (until, n, T), SPEC section 6


def stage_at(step, total):
    p = step / total
    for i, (until, n, T) in enumerate(PAPER_STAGES):
        if until is None or p < until:
            return i, n, T


def read_puzzles(path):
    pairs = [line.split() for line in open(path) if line.strip()]
    digits = lambda s: np.frombuffer(s.encode(), dtype=np.uint8) - ord('0')  # noqa: E731
    return np.stack([digits(p) for p, _ in pairs]), np.stack([digits(s) for _, s in pairs])


def line_order(rng):
    return np.concatenate([g * 3 + rng.permutation(3) for g in rng.permutation(3)])


def augment(puzzle, solution, rng):
    """SPEC section 1: permute digits, transpose with p 0.5, shuffle bands/rows and stacks/columns."""
    digit = np.concatenate([[0], rng.permutation(9) + 1]).astype(np.uint8)
    transpose = rng.random() < 0.5
    rows, cols = line_order(rng), line_order(rng)
    cell = cols[None, :] * 9 + rows[:, None] if transpose else rows[:, None] * 9 + cols[None, :]
    return digit[puzzle[cell.ravel()]], digit[solution[cell.ravel()]]


class Loader:
    """Shuffled epochs over the puzzles, each drawn example augmented; ids = digit + 1."""

    def __init__(self, puzzles, solutions, seed):
        self.puzzles, self.solutions = puzzles, solutions
        self.rng = np.random.default_rng(seed)
        self.order, self.pos = self.rng.permutation(len(puzzles)), 0

    def next(self, count):
        tokens, labels = np.empty((count, 81), np.int64), np.empty((count, 81), np.int64)
        for k in range(count):
            if self.pos == len(self.order):
                self.order, self.pos = self.rng.permutation(len(self.puzzles)), 0
            i = self.order[self.pos]
            self.pos += 1
            p, s = augment(self.puzzles[i], self.solutions[i], self.rng)
            tokens[k], labels[k] = p.astype(np.int64) + 1, s.astype(np.int64) + 1
        return torch.from_numpy(tokens), torch.from_numpy(labels)


def load_params(run, cfg, path, gen):
    if path is None:  # official init of the heads: q_halt starts at -5, so nothing halts early
        params = trm.init_params(cfg, gen)
        params['inner.q_head.weight'].zero_()
        params['inner.q_head.bias'].fill_(-5.0)
        return params
    flat = np.fromfile(path, dtype='<f4')
    params, off = {}, 0
    for entry in run['params']:
        size = int(np.prod(entry['dims']))
        params[entry['name']] = torch.from_numpy(flat[off:off + size].copy()).reshape(entry['dims'])
        off += size
    return params


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--preset-json', required=True)
    ap.add_argument('--data', required=True)
    ap.add_argument('--params')
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--steps', type=int, default=60)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--warmup', type=int, default=2, help='untimed steps at the start of each stage')
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    run = json.load(open(args.preset_json))
    cfg = trm.make_config(**{k: v for k, v in run['config'].items() if k in trm.make_config()})
    params = load_params(run, cfg, args.params, torch.Generator().manual_seed(args.seed))
    params = {k: v.requires_grad_(k not in trm.FIXED) for k, v in params.items()}
    ema = {k: v.detach().clone() for k, v in params.items()}
    opt = trm.make_adamw(params, lr=run['lr']['lr'])
    loader = Loader(*read_puzzles(args.data), args.seed)

    B, steps_total, nSup = args.batch, args.steps, cfg['nSup']
    S, D = cfg['prefix'] + cfg['cells'], cfg['hidden']
    decay = torch.tensor([run['lambda'] ** k for k in range(nSup)], dtype=torch.float64)
    hsw = (decay / decay.mean()).float()  # per-sample HSW: weights over t = 1..nSup average 1
    tokens = torch.zeros(B, cfg['cells'], dtype=torch.long)
    labels = torch.zeros(B, cfg['cells'], dtype=torch.long)
    y, z = torch.zeros(B, S, D), torch.zeros(B, S, D)
    steps, halted = torch.zeros(B, dtype=torch.long), torch.ones(B, dtype=torch.bool)

    seconds, counts = [0.0] * len(PAPER_STAGES), [0] * len(PAPER_STAGES)  # timed, per stage
    started, stage_steps, last_stage = time.perf_counter(), 0, -1
    for step in range(steps_total):
        t0 = time.perf_counter()
        refill = halted.nonzero().squeeze(1)
        if len(refill):
            tokens[refill], labels[refill] = loader.next(len(refill))
            y[refill], z[refill] = params['inner.H_init'].detach(), params['inner.L_init'].detach()
            steps[refill] = 0
        stage, n, T = stage_at(step, steps_total)
        w = hsw[steps]
        warm = run['lr']['warmup']
        lr = run['lr']['lr'] * (step + 1) / warm if step < warm else run['lr']['lr']
        for group in opt.param_groups:
            group['lr'] = lr

        y_next, z_next, logits, q_halt = trm.supervision_step(params, cfg, tokens, y, z, n, T)
        loss, lm, _, correct = trm.loss_fn(logits, q_halt, labels, w, cfg)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if not math.isfinite(loss.item()):
            raise SystemExit(f'torch_peer: loss is {loss.item()} at step {step + 1}')
        d = min(run['ema'], (1 + step) / (10 + step))  # warm-up decay, as the Trainer's default
        with torch.no_grad():
            for k, e in ema.items():
                e.mul_(d).add_(params[k], alpha=1 - d)
        y, z, q = y_next.detach(), z_next.detach(), q_halt.detach()
        explore = torch.rand(B) < run['explore']
        min_steps = torch.where(explore, torch.randint(2, nSup + 1, (B,)), torch.zeros(B, dtype=torch.long))
        steps += 1
        halted = (steps >= nSup) | ((q > 0) & (steps >= min_steps))
        _ = (correct.mean().item(), lm.mean().item())  # the metrics the Trainer reports

        stage_steps = stage_steps + 1 if stage == last_stage else 1
        last_stage = stage
        if stage_steps > args.warmup:
            seconds[stage] += time.perf_counter() - t0
            counts[stage] += 1

    print(json.dumps({
        'peer': 'torch-eager', 'torch': torch.__version__, 'threads': args.threads, 'batch': B,
        'steps': steps_total, 'timed_steps': sum(counts), 'seconds': sum(seconds),
        'total_seconds': time.perf_counter() - started,
        'puzzle_steps_per_second': B * sum(counts) / sum(seconds),
        'stage_puzzle_steps_per_second': [B * c / s if s else None for c, s in zip(counts, seconds)],
        'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        'final_loss': loss.item(),
    }))


if __name__ == '__main__':
    main()
