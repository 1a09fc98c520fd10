/**
 * `@cgar/export/node`: crash-safe checkpoint files and official-weight import. Node only: they use
 * `node:crypto` (SHA-256 checksums), `node:fs` and `@cgar/common/node` (atomic writes). Everything
 * else (configs, presets, parameter specs and init, graphs, safetensors on bytes, FLOP counts) is in
 * the browser-safe root entry `@cgar/export`.
 */
export type { Checkpoint, LoadOptions } from './checkpoint.js';
export {
  CHECKPOINT_FORMAT,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint.js';
export {
  decodeOfficialWeights,
  exportOfficialWeights,
  importOfficialWeights,
  officialKey,
} from './import.js';
