#!/usr/bin/env node
'use strict';
// Print {nodes, op_counts, opset_imports} of an ONNX model's main graph (no ONNX Runtime needed).
// usage: node summary.js MODEL.onnx    Exit 0, or 2 if the file is not a readable model.

const C = require('./common');

try {
  if (process.argv.length !== 3) throw new Error('usage: node summary.js MODEL.onnx');
  process.stdout.write(JSON.stringify({ ok: true, ...C.summarizeModel(process.argv[2]) }) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, error: C.errorMessage(e) }) + '\n');
  process.exit(2);
}
