#!/usr/bin/env node
'use strict';
// Run a model with ONNX Runtime on inputs given as JSON and write its outputs as JSON.
//
// usage: node eval.js MODEL.onnx INPUTS.json OUTPUTS.json [--outputs a,b] [--level disabled|basic|extended|all]
//
// JSON form (both files): { "name": { "dtype": "float", "dims": [1, 3], "data": [ ... ] }, ... }
// dtype: ONNX names as in tests/data/fixtures.json (float, double, float16, int8, uint8, int16,
// uint16, int32, uint32, int64, uint64, bool, string); float32/float64 accepted on input.
// data: flat, row-major. float16 as ordinary numbers; non-finite floats as "NaN", "Infinity",
// "-Infinity"; 64-bit integers outside +-2^53 as decimal strings; bool as true/false (0/1 accepted).
// bfloat16 is not supported by ONNX Runtime's JS API (models with bfloat16 inputs/outputs fail to load).
// INPUTS.json may be "-" for stdin, OUTPUTS.json "-" for stdout. Output keys are in the model's
// output order. Exit 0 on success, 2 on error (message as JSON {ok:false, error} on stdout,
// or stderr when OUTPUTS.json is "-").

const fs = require('fs');
const C = require('./common');

let outPath = null;
function fail(msg) {
  const line = JSON.stringify({ ok: false, error: msg }) + '\n';
  if (outPath === '-') process.stderr.write(line);
  else process.stdout.write(line);
  process.exit(2);
}

async function main() {
  const args = process.argv.slice(2);
  const files = [];
  let only = null;
  let level = 'disabled';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--outputs' && i + 1 < args.length) only = args[++i].split(',').filter(Boolean);
    else if (args[i] === '--level' && i + 1 < args.length) level = args[++i];
    else if (args[i].startsWith('--')) fail(`unknown option ${args[i]}`);
    else files.push(args[i]);
  }
  if (files.length !== 3) fail('usage: node eval.js MODEL.onnx INPUTS.json OUTPUTS.json [--outputs a,b] [--level L]');
  const [modelPath, inPath] = files;
  outPath = files[2];

  let spec;
  try {
    spec = JSON.parse(fs.readFileSync(inPath === '-' ? 0 : inPath, 'utf8'));
  } catch (e) {
    fail(`cannot read inputs ${inPath}: ${C.errorMessage(e)}`);
  }
  const ort = C.loadOrt();
  let session;
  try {
    session = await ort.InferenceSession.create(modelPath, { graphOptimizationLevel: level, logSeverityLevel: 3 });
  } catch (e) {
    fail(`failed to load ${modelPath}: ${C.errorMessage(e)}`);
  }
  const feeds = {};
  try {
    for (const [name, t] of Object.entries(spec)) feeds[name] = C.tensorFromJson(name, t);
  } catch (e) {
    fail(C.errorMessage(e));
  }
  const missing = session.inputNames.filter((n) => !(n in feeds));
  if (missing.length) fail(`missing inputs: ${missing.join(', ')}`);
  const fetches = only || session.outputNames;
  let res;
  try {
    res = await session.run(feeds, fetches);
  } catch (e) {
    fail(`run failed: ${C.errorMessage(e)}`);
  }
  const out = {};
  for (const n of fetches) out[n] = C.tensorToJson(res[n]);
  const text = JSON.stringify(out) + '\n';
  if (outPath === '-') process.stdout.write(text);
  else fs.writeFileSync(outPath, text);
}

main().catch((e) => fail(C.errorMessage(e)));
