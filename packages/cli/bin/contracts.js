#!/usr/bin/env node
'use strict';
let main;
try {
  main = require('../dist/main.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes('dist/main')) {
    process.stderr.write('contracts: the CLI is not built yet; run `npm run build` in the repository root\n');
    process.exit(2);
  }
  throw error;
}
main.cli();
