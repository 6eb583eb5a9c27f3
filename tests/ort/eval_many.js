#!/usr/bin/env node
'use strict';
// Run many models with ONNX Runtime in one process (node start-up costs ~0.3 s per call).
//
// usage: node eval_many.js MANIFEST.json RESULTS.json [--level disabled|basic|extended|all]
//
// MANIFEST.json: { "cases": [ { "name": "c1", "model": "/abs/c1.onnx", "inputs": { NAME: TENSOR, ... } }, ... ] }
// RESULTS.json:  { "c1": { "ok": true, "outputs": { NAME: TENSOR, ... } }, "c2": { "ok": false, "error": "..." } }
// TENSOR is the JSON form of eval.js ({dtype, dims, data}). One case failing (load or run) does not
// stop the others. Exit 0 when the manifest was processed, 2 when it could not be read or written.

const fs = require('fs');
const C = require('./common');

function fail(msg) {
  process.stderr.write(JSON.stringify({ ok: false, error: msg }) + '\n');
  process.exit(2);
}

async function runCase(ort, c, level) {
  let session;
  try {
    session = await ort.InferenceSession.create(c.model, { graphOptimizationLevel: level, logSeverityLevel: 3 });
  } catch (e) {
    return { ok: false, error: `failed to load: ${C.errorMessage(e)}` };
  }
  try {
    const feeds = {};
    for (const [name, t] of Object.entries(c.inputs || {})) feeds[name] = C.tensorFromJson(name, t);
    const res = await session.run(feeds, session.outputNames);
    const outputs = {};
    for (const n of session.outputNames) outputs[n] = C.tensorToJson(res[n]);
    return { ok: true, outputs };
  } catch (e) {
    return { ok: false, error: `run failed: ${C.errorMessage(e)}` };
  } finally {
    if (session.release) await session.release();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const files = [];
  let level = 'disabled';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--level' && i + 1 < args.length) level = args[++i];
    else if (args[i].startsWith('--')) fail(`unknown option ${args[i]}`);
    else files.push(args[i]);
  }
  if (files.length !== 2) fail('usage: node eval_many.js MANIFEST.json RESULTS.json [--level L]');
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(files[0], 'utf8'));
  } catch (e) {
    fail(`cannot read manifest ${files[0]}: ${C.errorMessage(e)}`);
  }
  let ort;
  try {
    ort = C.loadOrt();
  } catch (e) {
    fail(`cannot load onnxruntime-node: ${C.errorMessage(e)}`);
  }
  const results = {};
  for (const c of manifest.cases || []) results[c.name] = await runCase(ort, c, level);
  try {
    fs.writeFileSync(files[1], JSON.stringify(results) + '\n');
  } catch (e) {
    fail(`cannot write ${files[1]}: ${C.errorMessage(e)}`);
  }
}

main().catch((e) => fail(C.errorMessage(e)));
