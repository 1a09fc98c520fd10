#!/usr/bin/env bash
# bench/gpu/check.sh: the CUDA checks, as one script to run as is on a Linux x64 machine with an
# NVIDIA GPU, from a clone of this repository with `npm ci` done (it runs `npm ci` otherwise).
#
#   bash bench/gpu/check.sh [OUT.json]        (default bench/results/gpu/check.json)
#
# 1. CPU reference: a tiny data set and `cgar train` of cpu-tiny on the CPU provider.
# 2. GPU: an NVIDIA driver and GPU (nvidia-smi), CUDA 12 and cuDNN 9 libraries.
# 3. onnxruntime-node's CUDA provider, installed by its own install script (npm 11 skips it).
# 4. `cgar train --ep cuda`, same config and seed, against the CPU run (losses and parameters).
# 5. bench/train-step: sudoku-mlp (D=512) train-step time at depths (2,1), (4,2), (6,3) on CUDA,
#    against PyTorch on CUDA when `$PYTHON -c 'import torch'` finds a GPU (PYTHON: python3 on PATH).
# 6. bench/runtime: @cgar/runtime puzzles per second on CUDA (CHECKPOINT=path for a trained model).
# Writes one JSON file with every figure, the machine and the status; exits 0 when all passed,
# 3 where a GPU piece is missing (the message names it and how to get it), 1 on other failures.
# On a machine without a GPU it does step 1 and stops at step 2, saying so.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-bench/results/gpu/check.json}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cgar-gpu-XXXXXX")
STAGE=start
TSX=(npx --no-install tsx)
# NOTE: the Python whose torch (and nvidia-* wheels) to use, also for bench/train-step's peer.
export PYTHON=${PYTHON:-$(command -v python3 || echo /usr/bin/python3)}
CGAR=("${TSX[@]}" packages/cli/src/bin.ts)

say() { printf '\n== %s\n' "$*" >&2; }

finish() { # status exit-code message
  mkdir -p "$(dirname "$OUT")"
  node -e '
    const fs = require("fs"), path = require("path");
    const [work, out, status, stage, message] = process.argv.slice(1);
    const result = { status, stage, message, date: new Date().toISOString(), node: process.version, work };
    for (const f of fs.readdirSync(work).filter((f) => f.endsWith(".json")).sort())
      result[path.basename(f, ".json")] = JSON.parse(fs.readFileSync(path.join(work, f), "utf8"));
    fs.writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  ' "$WORK" "$OUT" "$1" "$STAGE" "$3"
  printf '\ncheck.sh: %s at stage "%s"%s\nresult: %s\n' "$1" "$STAGE" "${3:+: $3}" "$OUT" >&2
  exit "$2"
}
need_gpu() { finish "needs a GPU" 3 "$*"; }
fail() { finish "failed" 1 "$*"; }

STAGE=prerequisites
say "prerequisites: Node 20+, npm ci"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  fail "Node 20 or later is needed (node --version: $(node --version 2>/dev/null || echo none))"
if [ ! -d node_modules/onnxruntime-node ]; then
  npm ci --no-audit --no-fund || fail "npm ci failed"
fi
ORT_BIN=node_modules/onnxruntime-node/bin/napi-v6/linux/x64
[ "$(uname -s)/$(uname -m)" = "Linux/x86_64" ] ||
  fail "onnxruntime-node ships its CUDA provider for linux/x64 only; this is $(uname -s)/$(uname -m)"

STAGE=cpu-reference
say "CPU reference: tiny data set, cgar train --preset cpu-tiny --ep cpu"
TRAIN=(train --preset cpu-tiny --data "$WORK/data" --steps 10 --batch 8 --seed 0 --threads 1 --eval-every 10 --eval-limit 16)
"${CGAR[@]}" build-data sudoku --out "$WORK/data" --train 64 --test 16 --min-givens 45 --max-givens 55 >&2 ||
  fail "cgar build-data failed"
"${CGAR[@]}" "${TRAIN[@]}" --out "$WORK/run-cpu" --ep cpu >&2 || fail "cgar train --ep cpu failed"

STAGE=gpu
say "GPU: NVIDIA driver and device"
command -v nvidia-smi >/dev/null ||
  need_gpu "no NVIDIA driver here (nvidia-smi not found); every later step needs an NVIDIA GPU with driver 525 or later (CUDA 12)"
GPU=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1)
[ -n "$GPU" ] && ! grep -qi "fail\|error\|no devices" <<<"$GPU" || need_gpu "nvidia-smi finds no GPU: $GPU"
node -e 'const [n, d, m] = process.argv[1].split(", "); console.log(JSON.stringify({ name: n, driver: d, memory: m }))' \
  "$GPU" >"$WORK/gpu.json"

STAGE=cuda-libraries
say "CUDA 12 and cuDNN 9 libraries"
# NOTE: PyTorch's pip wheels bring CUDA 12 and cuDNN 9 as nvidia-* packages; use them when present.
if NV=$("$PYTHON" -c 'import nvidia, os; print(os.path.dirname(nvidia.__path__[0]) + "/nvidia")' 2>/dev/null); then
  for d in "$NV"/*/lib; do LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; done
  export LD_LIBRARY_PATH
fi
missing=()
for lib in libcudart.so.12 libcublas.so.12 libcublasLt.so.12 libcufft.so.11 libcurand.so.10 libcudnn.so.9; do
  found=
  ldconfig -p 2>/dev/null | grep -q "$lib" && found=1
  IFS=: read -ra dirs <<<"${LD_LIBRARY_PATH:-}"
  for d in "${dirs[@]}"; do [ -n "$d" ] && [ -e "$d/$lib" ] && found=1; done
  [ -n "$found" ] || missing+=("$lib")
done
[ ${#missing[@]} -eq 0 ] ||
  need_gpu "missing ${missing[*]}: install CUDA 12 and cuDNN 9 (NVIDIA's apt repository: cuda-libraries-12-x and libcudnn9-cuda-12; or pip install nvidia-cuda-runtime-cu12 nvidia-cublas-cu12 nvidia-cufft-cu12 nvidia-curand-cu12 nvidia-cudnn-cu12, which this script finds) and re-run"

STAGE=cuda-provider
say "onnxruntime-node's CUDA provider"
if [ ! -e "$ORT_BIN/libonnxruntime_providers_cuda.so" ]; then
  # NOTE: npm 11 skips onnxruntime-node's install script; run it ourselves. It downloads
  # Microsoft.ML.OnnxRuntime.Gpu.Linux (the same version) from nuget.org into $ORT_BIN.
  ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install >&2 ||
    fail "onnxruntime-node's install script failed (it needs https://api.nuget.org)"
fi
[ -e "$ORT_BIN/libonnxruntime_providers_cuda.so" ] ||
  fail "no $ORT_BIN/libonnxruntime_providers_cuda.so after the install script"
if ldd "$ORT_BIN/libonnxruntime_providers_cuda.so" | grep -q "not found"; then
  need_gpu "the CUDA provider cannot load: $(ldd "$ORT_BIN/libonnxruntime_providers_cuda.so" | grep 'not found' | tr -s ' \t\n' ' ')"
fi

STAGE=parity
say "cgar train --ep cuda against the CPU run"
"${CGAR[@]}" "${TRAIN[@]}" --out "$WORK/run-cuda" --ep cuda >&2 || fail "cgar train --ep cuda failed (its message says why)"
"${TSX[@]}" bench/gpu/compare.ts "$WORK/run-cpu" "$WORK/run-cuda" >"$WORK/parity.json" ||
  fail "CUDA and CPU runs differ past tolerance: $(cat "$WORK/parity.json")"

STAGE=train-step
say "bench/train-step: sudoku-mlp (D=512) on CUDA"
TORCH=(--no-torch)
if "$PYTHON" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  TORCH=(--torch-device cuda --python "$PYTHON")
else
  echo "PyTorch with CUDA not found: ours only" >&2
fi
"${TSX[@]}" bench/train-step/bench.ts --preset sudoku-mlp --ep cuda --batch 64 --iters 5 --warmup 2 --threads 1 \
  "${TORCH[@]}" --out "$WORK/train-step.json" >&2 || fail "bench/train-step --ep cuda failed"

STAGE=runtime
say "bench/runtime: puzzles per second on CUDA"
"${TSX[@]}" bench/runtime/bench.ts --ep cuda --no-torch --puzzles 256 --batch 64 \
  ${CHECKPOINT:+--checkpoint "$CHECKPOINT"} --out "$WORK/runtime.json" >&2 || fail "bench/runtime --ep cuda failed"

STAGE=done
finish "passed" 0 ""
