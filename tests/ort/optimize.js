#!/usr/bin/env node
'use strict';
// Save ONNX Runtime's optimized version of a model.
//
// usage: node optimize.js IN.onnx OUT.onnx [--level basic|extended|all]
//
// Default level 'basic' (constant folding and redundant-node elimination only; the result is
// still a portable ONNX model). Prints one JSON line {ok, in, out, before:{nodes, op_counts},
// after:{nodes, op_counts}}. Exit 0 on success, 2 on error.
// ORT keeps external initializers as references to IN's side files (same relative location);
// those side files are copied next to OUT when missing there (listed in copied_external_data).

const fs = require('fs');
const path = require('path');
const C = require('./common');

function fail(msg) {
  process.stdout.write(JSON.stringify({ ok: false, error: msg }) + '\n');
  process.exit(2);
}

async function main() {
  const args = process.argv.slice(2);
  let level = 'basic';
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--level' && i + 1 < args.length) level = args[++i];
    else if (args[i].startsWith('--')) fail(`unknown option ${args[i]}; usage: node optimize.js IN.onnx OUT.onnx [--level basic|extended|all]`);
    else files.push(args[i]);
  }
  if (files.length !== 2) fail('usage: node optimize.js IN.onnx OUT.onnx [--level basic|extended|all]');
  if (!['basic', 'extended', 'all'].includes(level)) fail(`bad level '${level}'`);
  const [inPath, outPath] = files;
  const ort = C.loadOrt();
  try {
    const s = await ort.InferenceSession.create(inPath, {
      graphOptimizationLevel: level,
      optimizedModelFilePath: outPath,
      logSeverityLevel: 3,
    });
    if (s.release) await s.release();
  } catch (e) {
    fail(`failed to optimize ${inPath}: ${C.errorMessage(e)}`);
  }
  const out = { ok: true, level, in: inPath, out: outPath };
  // ORT writes initializers that were external in IN as references to the same relative
  // location; copy those side files next to OUT so OUT loads from its own folder.
  try {
    const copied = [];
    for (const loc of C.externalLocations(outPath)) {
      const src = path.resolve(path.dirname(inPath), loc);
      const dst = path.resolve(path.dirname(outPath), loc);
      if (src !== dst && fs.existsSync(src) && !fs.existsSync(dst)) {
        fs.mkdirSync(path.dirname(dst), { recursive: true });
        fs.copyFileSync(src, dst);
        copied.push(dst);
      }
    }
    if (copied.length) out.copied_external_data = copied;
  } catch (e) {
    out.external_data_error = C.errorMessage(e);
  }
  try {
    out.before = C.summarizeModel(inPath);
    out.after = C.summarizeModel(outPath);
  } catch (e) {
    out.summary_error = C.errorMessage(e);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => fail(C.errorMessage(e)));
