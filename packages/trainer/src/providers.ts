import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
 * Checks that `ep` can run here by opening a one-op model with that provider alone, so a
 * missing provider, library or device fails at start with the steps to fix it, not mid-run.
 * For `webgpu` on Linux it first makes sure a Vulkan loader is loaded (see {@link loadVulkanLoader}).
 *
 * @example
 * await checkProvider(ort, 'webgpu'); // throws "execution provider 'webgpu' is not available (...)"
 */
export async function checkProvider(ort: OrtModule, ep: ExecutionProvider): Promise<void> {
  if (ep === 'cpu') return;
  const loader = ep === 'webgpu' ? loadVulkanLoader() : undefined;
  const g = new Graph('probe');
  const x = g.input('x', 'float32', [1]);
  try {
    await ort.InferenceSession.create(buildModel(g, { outputs: { y: identity(x) } }).bytes, {
      executionProviders: [ep],
    });
  } catch (e) {
    const hint = ep === 'cuda' ? cudaAdvice() : webGpuAdvice(loader);
    throw new Error(`execution provider '${ep}' is not available (${nativeReason(e as Error)}); ${hint}`);
  }
}

/** The native error's first line, less onnxruntime's source location where it says more. */
const nativeReason = (e: Error) => (e.message.split('\n')[0] ?? '').replace(/^.*was false\. /, '');

// NOTE: glibc's RTLD_NODELETE; Node 20 does not export it in os.constants.dlopen.
const RTLD_NOW_NODELETE = 0x2 | 0x1000;
const CHROMIUM_DIR = '/usr/lib/chromium';
export const SWIFTSHADER_ICD = `${CHROMIUM_DIR}/vk_swiftshader_icd.json`;

/**
 * onnxruntime-node's WebGPU provider (Dawn) opens `libvulkan.so.1` by name. Where the system
 * has none, this loads the one shipped next to a Vulkan driver named in `VK_ICD_FILENAMES`, or
 * Chromium's, into the process (kept loaded), so that Dawn's later open finds it. Returns the
 * loader's path, `'system'` for the system's, or undefined when there is none (or off Linux).
 */
export function loadVulkanLoader(): string | undefined {
  if (process.platform !== 'linux') return 'system';
  const icdDirs = (process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES ?? '')
    .split(':')
    .filter(Boolean)
    .map((f) => dirname(f));
  for (const candidate of [
    'libvulkan.so.1',
    ...icdDirs.map((d) => join(d, 'libvulkan.so.1')),
    `${CHROMIUM_DIR}/libvulkan.so.1`,
  ]) {
    if (candidate.includes('/') && !existsSync(candidate)) continue;
    try {
      process.dlopen({ exports: {} }, candidate, RTLD_NOW_NODELETE);
    } catch (e) {
      // NOTE: a plain shared library is no Node addon: "did not self-register" means it loaded.
      if (!/self-register|No module/i.test((e as Error).message)) continue;
    }
    return candidate.includes('/') ? candidate : 'system';
  }
  return undefined;
}

function vulkanDrivers(): string[] {
  const named = (process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES ?? '')
    .split(':')
    .filter(Boolean);
  if (named.length) return named;
  const dirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
  return dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).map((f) => join(d, f)) : []));
}

function webGpuAdvice(loader: string | undefined): string {
  const software =
    `for a software GPU (slow, for tests), \`apt-get install chromium\` and set ` +
    `VK_ICD_FILENAMES=${SWIFTSHADER_ICD} (and XDG_RUNTIME_DIR to a writable folder)`;
  if (!loader) {
    return `no Vulkan loader (libvulkan.so.1) was found: install one (\`apt-get install libvulkan1\`, or Chromium, which ships its own in ${CHROMIUM_DIR}), then a Vulkan driver: your GPU's, or ${software}`;
  }
  const drivers = vulkanDrivers();
  const listed = drivers.length
    ? `the Vulkan driver(s) ${drivers.join(', ')}${drivers.some((d) => !existsSync(d)) ? ' (some missing)' : ''} gave Dawn no adapter`
    : 'no Vulkan driver (ICD file) is installed or named in VK_ICD_FILENAMES';
  return `a Vulkan loader is loaded (${loader}) but ${listed}; install your GPU's Vulkan driver (NVIDIA's ships nvidia_icd.json), or ${software}. Mesa's lavapipe is rejected by Dawn`;
}

/** The folder of the loaded onnxruntime native library (Linux), where install adds the CUDA provider. */
function ortLibraryDir(): string | undefined {
  try {
    const maps = readFileSync('/proc/self/maps', 'utf8');
    const line = maps.split('\n').find((l) => l.includes('libonnxruntime.so'));
    return line ? dirname(line.slice(line.indexOf('/'))) : undefined;
  } catch {
    return undefined;
  }
}

function cudaAdvice(): string {
  const install =
    'install it with `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install` ' +
    '(npm 11 skips that install script, so `npm ci` alone never brings CUDA; it downloads ' +
    'Microsoft.ML.OnnxRuntime.Gpu.Linux from nuget.org into onnxruntime-node/bin)';
  const needs =
    'it needs an NVIDIA driver (525 or later), CUDA 12.x (libcudart.so.12, libcublas.so.12, libcublasLt.so.12, ' +
    'libcufft.so.11, libcurand.so.10) and cuDNN 9.x (libcudnn.so.9) on the library path (ldconfig or LD_LIBRARY_PATH)';
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `onnxruntime-node ships CUDA for linux/x64 only (this is ${process.platform}/${process.arch})`;
  }
  const dir = ortLibraryDir();
  const lib = dir && join(dir, 'libonnxruntime_providers_cuda.so');
  if (!lib || !existsSync(lib)) return `the CUDA provider is not installed: ${install}; ${needs}`;
  return `the CUDA provider is installed (${lib}) but did not load or found no GPU: ${needs}; \`ldd ${lib} | grep 'not found'\` names the missing libraries`;
}
