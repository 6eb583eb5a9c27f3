#!/usr/bin/env node
'use strict';
// Compare two ONNX models numerically with ONNX Runtime (all graph optimizations disabled).
//
// usage: node compare.js ORIGINAL.onnx SIMPLIFIED.onnx [--runs N] [--seed S]
//                        [--shape name:1,3,64,64 ...] [--default-dim D] [--rtol R] [--atol A]
//
// Random inputs are generated for every input of ORIGINAL (floats uniform[-1,1], integers in
// [0,4), bool 0/1); a symbolic/unknown dim becomes SIMPLIFIED's static size for that dim if it
// has one, else --default-dim (2), unless --shape gives the full shape of that input. Each output of ORIGINAL (b) is compared by name with SIMPLIFIED's (a):
// same dtype and shape, and |a-b| <= atol + rtol*|b| elementwise, with rtol 1e-4 and
// atol 1e-5 * max(1, max|b|) by default (--atol sets the absolute value instead); integer, bool
// and string outputs must match exactly; NaN matches NaN.
// Prints one JSON line {ok, runs, outputs:[{name, dtype, shape, max_abs, max_rel, ok}], ...}.
// Exit: 0 equal, 1 different, 2 error (bad usage, model failed to load or run).

const C = require('./common');

function usage(msg) {
  fail(`${msg}; usage: node compare.js ORIGINAL.onnx SIMPLIFIED.onnx [--runs N] [--seed S] [--shape name:d0,d1,...] [--default-dim D] [--rtol R] [--atol A]`);
}

function fail(msg, extra = {}) {
  process.stdout.write(JSON.stringify({ ok: false, error: msg, ...extra }) + '\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { files: [], runs: 1, seed: 0, shapes: {}, defaultDim: 2, rtol: 1e-4, atol: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`missing value for ${a}`);
      return argv[++i];
    };
    const shapeArg = (s) => {
      const k = s.lastIndexOf(':');
      if (k <= 0) usage(`bad --shape '${s}'`);
      const dims = s.slice(k + 1) === '' ? [] : s.slice(k + 1).split(/[,x]/).map(Number);
      if (dims.some((d) => !Number.isInteger(d) || d < 0)) usage(`bad --shape '${s}'`);
      o.shapes[s.slice(0, k)] = dims;
    };
    if (a === '--runs') o.runs = Number(val());
    else if (a === '--seed') o.seed = Number(val());
    else if (a === '--default-dim') o.defaultDim = Number(val());
    else if (a === '--rtol') o.rtol = Number(val());
    else if (a === '--atol') o.atol = Number(val());
    else if (a === '--shape') {
      shapeArg(val());
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--') && argv[i + 1].includes(':')) shapeArg(argv[++i]);
    } else if (a.startsWith('--shape=')) shapeArg(a.slice(8));
    else if (a === '-h' || a === '--help') usage('help');
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.files.length !== 2) usage('need exactly two model files');
  if (!(Number.isInteger(o.runs) && o.runs >= 1)) usage('--runs must be a positive integer');
  if (!Number.isFinite(o.seed)) usage('--seed must be a number');
  return o;
}

async function createSession(path, which) {
  const ort = C.loadOrt();
  try {
    return await ort.InferenceSession.create(path, { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
  } catch (e) {
    fail(`failed to load ${which} model ${path}: ${C.errorMessage(e)}`);
  }
  return null;
}

function compareTensor(name, a, b, o, acc) {
  acc.dtype = C.ORT_TO_ONNX[b.type] || b.type;
  acc.shape = Array.from(b.dims);
  if (a.type !== b.type) return `dtype differs: ${C.ORT_TO_ONNX[a.type] || a.type} vs ${acc.dtype}`;
  if (a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) {
    return `shape differs: [${a.dims}] vs [${b.dims}]`;
  }
  const av = C.toNumbers(a);
  const bv = C.toNumbers(b);
  if (a.type === 'string') {
    const bad = av.findIndex((v, i) => v !== bv[i]);
    return bad >= 0 ? `string mismatch at ${bad}` : null;
  }
  const exact = !C.FLOAT_TYPES.has(a.type);
  let maxB = 0;
  for (const v of bv) if (Number.isFinite(v)) maxB = Math.max(maxB, Math.abs(v));
  const atol = o.atol !== null ? o.atol : 1e-5 * Math.max(1, maxB);
  let firstBad = -1;
  for (let i = 0; i < av.length; i++) {
    const x = av[i];
    const y = bv[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (x !== y) { acc.max_abs = Infinity; if (firstBad < 0) firstBad = i; }
      continue;
    }
    const d = Math.abs(x - y);
    acc.max_abs = Math.max(acc.max_abs, d);
    if (d > 0) acc.max_rel = Math.max(acc.max_rel, d / Math.max(Math.abs(y), Number.MIN_VALUE));
    const okHere = exact ? x === y : d <= atol + o.rtol * Math.abs(y);
    if (!okHere && firstBad < 0) firstBad = i;
  }
  if (firstBad >= 0) return `values differ (first at flat index ${firstBad}: ${av[firstBad]} vs ${bv[firstBad]})`;
  return null;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const [origPath, simpPath] = o.files;
  const orig = await createSession(origPath, 'original');
  const simp = await createSession(simpPath, 'simplified');

  const missing = simp.inputNames.filter((n) => !orig.inputNames.includes(n));
  if (missing.length) fail(`simplified model has inputs the original lacks: ${missing.join(', ')}`);
  for (const n of Object.keys(o.shapes)) if (!orig.inputNames.includes(n)) fail(`--shape for unknown input '${n}'`);

  const inputs = orig.inputMetadata.map((m) => {
    if (!m.isTensor) fail(`input '${m.name}' is not a tensor`);
    let type;
    try { type = C.ortType(C.ORT_TO_ONNX[m.type] || m.type); } catch (e) { fail(`input '${m.name}': ${C.errorMessage(e)}`); }
    // A symbolic/unknown dim of ORIGINAL takes SIMPLIFIED's static size if it has one there
    // (e.g. a simplifier that fixed the input shape), else --default-dim.
    const sm = simp.inputMetadata.find((x) => x.name === m.name);
    const dims = o.shapes[m.name] || (m.shape || []).map((d, i) => {
      if (typeof d === 'number' && d >= 0) return d;
      const sd = sm && sm.shape && sm.shape.length === m.shape.length ? sm.shape[i] : null;
      return typeof sd === 'number' && sd >= 0 ? sd : o.defaultDim;
    });
    return { name: m.name, type, dims };
  });

  const rng = C.makeRng(o.seed);
  const results = orig.outputNames.map((name) => ({ name, dtype: null, shape: null, max_abs: 0, max_rel: 0, ok: true }));
  const extra = simp.outputNames.filter((n) => !orig.outputNames.includes(n));
  let reason = null;
  for (let run = 0; run < o.runs; run++) {
    const feeds = {};
    try {
      for (const inp of inputs) feeds[inp.name] = C.randomTensor(inp.type, inp.dims, rng);
    } catch (e) {
      fail(`cannot generate inputs: ${C.errorMessage(e)}`);
    }
    const simpFeeds = {};
    for (const n of simp.inputNames) simpFeeds[n] = feeds[n];
    let ra;
    let rb;
    try { rb = await orig.run(feeds); } catch (e) { fail(`original model failed to run: ${C.errorMessage(e)}`, { run }); }
    try { ra = await simp.run(simpFeeds); } catch (e) { fail(`simplified model failed to run: ${C.errorMessage(e)}`, { run }); }
    for (const r of results) {
      if (!(r.name in ra)) { r.ok = false; r.error = 'missing in simplified model'; reason = reason || `output '${r.name}' missing`; continue; }
      const why = compareTensor(r.name, ra[r.name], rb[r.name], o, r);
      if (why && r.ok) { r.ok = false; r.error = `run ${run}: ${why}`; reason = reason || `output '${r.name}': ${why}`; }
    }
  }
  const ok = results.every((r) => r.ok);
  const out = { ok, runs: o.runs, seed: o.seed, inputs: inputs.map((i) => ({ name: i.name, dtype: C.ORT_TO_ONNX[i.type], shape: i.dims })), outputs: results };
  if (extra.length) out.extra_outputs = extra;
  if (!ok) out.reason = reason;
  process.stdout.write(JSON.stringify(out, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) + '\n');
  process.exit(ok ? 0 : 1);
}

main().catch((e) => fail(C.errorMessage(e)));
