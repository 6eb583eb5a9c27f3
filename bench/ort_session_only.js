#!/usr/bin/env node
'use strict';
// Lean twin of tests/ort/optimize.js for timing: only creates the ORT session that writes the
// optimized model (no before/after summaries in JS), so its time and RSS are ORT's own.
//
// usage: node bench/ort_session_only.js IN.onnx OUT.onnx [--level basic|extended|all]
// Exit 0 on success, 2 on error.
const path = require('path');
const ort = require(path.join(__dirname, '..', 'tests', 'ort', 'node_modules', 'onnxruntime-node'));

async function main() {
  const args = process.argv.slice(2);
  let level = 'basic';
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--level' && i + 1 < args.length) level = args[++i];
    else files.push(args[i]);
  }
  if (files.length !== 2) throw new Error('usage: node ort_session_only.js IN.onnx OUT.onnx [--level L]');
  const s = await ort.InferenceSession.create(files[0], {
    graphOptimizationLevel: level,
    optimizedModelFilePath: files[1],
    logSeverityLevel: 3,
  });
  if (s.release) await s.release();
}

main().catch((e) => {
  process.stderr.write(String(e && e.message ? e.message : e) + '\n');
  process.exit(2);
});
