#!/usr/bin/env node
// The `cgar` command: a committed launcher, so npm links it before the first build.
import '../dist/bin.js';
