// NOTE: the plugin protocol is defined once, in @cgar/common; the trainer implements it, and the
// @cgar/curriculum and @cgar/supervision plugins are written against the same definition.
export type { JsonValue, StepContext, TrainerPlugin } from '@cgar/common';
