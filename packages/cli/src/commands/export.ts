import { buildHaltingGraph, buildStepGraph, nonFiniteTensors, type TrmParams } from '@cgar/export';
import { loadCheckpoint } from '@cgar/export/node';
import { defineCommand, UsageError } from '../command.js';
import { refuseOverwrite, writeFileAtomic } from '../files.js';
import { choiceFlag } from '../flags.js';

export const exportCommand = defineCommand({
  summary: 'Export a checkpoint as a deployable ONNX model (parameters embedded)',
  usage: 'export --checkpoint FILE --out model.onnx [--graph halting|step] [--raw]',
  description:
    "'halting' (default): adaptive-halting inference in one run (an ONNX Loop), for cgar solve\n" +
    "--mode graph and @cgar/runtime; 'step': one supervision step, for --mode host. EMA weights\n" +
    'unless --raw. Standard ONNX ops only: runs on any onnxruntime execution provider.',
  options: {
    checkpoint: { type: 'string', short: 'c', valueName: 'FILE', description: 'checkpoint from cgar train' },
    out: { type: 'string', short: 'o', valueName: 'FILE', description: 'output .onnx file' },
    graph: { type: 'string', valueName: 'KIND', description: 'halting (default) or step' },
    raw: { type: 'boolean', description: 'export the raw weights instead of the EMA' },
  },
  async run({ values, io }) {
    if (!values.checkpoint) throw new UsageError('--checkpoint FILE is required');
    if (!values.out) throw new UsageError('--out FILE is required');
    const kind = choiceFlag('graph', values.graph, ['halting', 'step'] as const, 'halting');
    refuseOverwrite('--out', values.out, [values.checkpoint]);
    const ckpt = await loadCheckpoint(values.checkpoint);
    const params = (values.raw || !ckpt.ema ? ckpt.params : ckpt.ema) as TrmParams;
    const bad = nonFiniteTensors(params);
    if (bad.length)
      throw new Error(
        `${values.checkpoint} has ${values.raw || !ckpt.ema ? '' : 'EMA '}weights that are NaN or infinite (a diverged run?), so the model would answer garbage:\n  - ${bad.join('\n  - ')}\nExport an earlier checkpoint.`,
      );
    const model =
      kind === 'halting' ? buildHaltingGraph(ckpt.config, params) : buildStepGraph(ckpt.config, params);
    writeFileAtomic(values.out, model.bytes);
    io.stdout(
      `wrote ${values.out} (${kind} graph, ${(model.bytes.length / 1e6).toFixed(2)} MB, step ${ckpt.step})\n`,
    );
    return 0;
  },
});
