"""PyTorch eager peer for bench/runtime: every puzzle runs all Nsup supervision steps (no
halting, as the reference code evaluates), on the weights the ONNX runtimes serve.

    /usr/bin/python3 bench/runtime/torch_peer.py --weights W.safetensors --config C.json \
        --puzzles P.json --batch 64 --threads 1 --steps 16

--puzzles is a JSON list of token-id rows (81 ids each). Prints one JSON line: seconds (the
timed pass, after one warm-up batch), predictions (token-id rows) and q_halt after the last step.
"""

import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'packages', 'export', 'fixtures'))
import trm_reference as trm  # noqa: E402


def read_safetensors(path):
    with open(path, 'rb') as f:
        data = f.read()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    header.pop('__metadata__', None)
    out = {}
    for name, h in header.items():
        if h['dtype'] != 'F32':
            raise ValueError(f'{name}: expected F32, got {h["dtype"]}')
        b, e = h['data_offsets']
        out[name] = torch.from_numpy(np.frombuffer(data[8 + n + b:8 + n + e], dtype='<f4').copy()).reshape(h['shape'])
    return out


def run(p, cfg, tokens, steps):
    y, z = trm.initial_carry(p, cfg, tokens.shape[0])
    for _ in range(steps):
        y, z, logits, q = trm.supervision_step(p, cfg, tokens, y, z)
    return logits.argmax(-1), q


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--weights', required=True)
    ap.add_argument('--config', required=True)
    ap.add_argument('--puzzles', required=True)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--steps', type=int, default=16)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    with open(a.config) as f:
        cfg = trm.make_config(**json.load(f))
    p = read_safetensors(a.weights)
    with open(a.puzzles) as f:
        tokens = torch.tensor(json.load(f), dtype=torch.long)
    preds, qs = [], []
    with torch.inference_mode():
        run(p, cfg, tokens[:a.batch], 1)
        start = time.perf_counter()
        for i in range(0, tokens.shape[0], a.batch):
            pr, q = run(p, cfg, tokens[i:i + a.batch], a.steps)
            preds.append(pr)
            qs.append(q)
        seconds = time.perf_counter() - start
    print(json.dumps({
        'seconds': seconds, 'threads': a.threads, 'torch': torch.__version__,
        'predictions': torch.cat(preds).tolist(), 'q_halt': torch.cat(qs).tolist(),
    }))


if __name__ == '__main__':
    main()
