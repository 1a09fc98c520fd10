import { buildModel, Graph, identity, type OrtModule } from '@cgar/graph';
import type { ExecutionProvider } from './options.js';

/** onnxruntime-node session options for an execution provider and a thread count. */
export function sessionOptions(ep: ExecutionProvider, threads?: number): object {
  return {
    executionProviders: ep === 'cpu' ? ['cpu'] : [ep, 'cpu'],
    graphOptimizationLevel: 'all',
    ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
  };
}

/**
 * Checks that onnxruntime was installed with `ep` by opening a one-op model with that provider
 * alone, so a missing CUDA build fails with advice rather than a native error mid-run.
 */
export async function checkProvider(ort: OrtModule, ep: ExecutionProvider): Promise<void> {
  if (ep === 'cpu') return;
  const g = new Graph('probe');
  const x = g.input('x', 'float32', [1]);
  try {
    await ort.InferenceSession.create(buildModel(g, { outputs: { y: identity(x) } }).bytes, {
      executionProviders: [ep],
    });
  } catch (e) {
    const hint =
      ep === 'cuda'
        ? 'reinstall with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci` on a machine with CUDA 12'
        : 'WebGPU needs an onnxruntime build with WebGPU support';
    throw new Error(
      `execution provider '${ep}' is not available (${(e as Error).message.split('\n')[0]}); ${hint}`,
    );
  }
}
