'use strict';
// Shared helpers for the ONNX Runtime harness scripts (compare.js, optimize.js, eval.js, summary.js).

const fs = require('fs');

let ort = null;
function loadOrt() {
  if (!ort) ort = require('onnxruntime-node');
  return ort;
}

// ONNX TensorProto.DataType names (lower case, as in tests/data/fixtures.json) <-> ORT JS tensor types.
const ONNX_TO_ORT = {
  float: 'float32', float32: 'float32', double: 'float64', float64: 'float64', float16: 'float16',
  int8: 'int8', uint8: 'uint8', int16: 'int16', uint16: 'uint16', int32: 'int32', uint32: 'uint32',
  int64: 'int64', uint64: 'uint64', bool: 'bool', string: 'string',
};
const ORT_TO_ONNX = {
  float32: 'float', float64: 'double', float16: 'float16', int8: 'int8', uint8: 'uint8', int16: 'int16',
  uint16: 'uint16', int32: 'int32', uint32: 'uint32', int64: 'int64', uint64: 'uint64', bool: 'bool',
  string: 'string',
};
const TYPED = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array, int8: Int8Array, uint8: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array,
  uint64: BigUint64Array, bool: Uint8Array,
};
const FLOAT_TYPES = new Set(['float32', 'float64', 'float16']);

function ortType(name) {
  const t = ONNX_TO_ORT[String(name).toLowerCase()];
  if (!t) throw new Error(`unsupported dtype '${name}' (ONNX Runtime's JS API has no such tensor type)`);
  return t;
}

// ---- float16 <-> float ----------------------------------------------------------------------
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
function floatToHalf(v) {
  // round-to-nearest-even conversion via float32 bits
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  let e = (x >>> 23) & 0xff;
  let m = x & 0x7fffff;
  if (e === 255) return sign | 0x7c00 | (m ? 0x200 : 0);
  e = e - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    m |= 0x800000;
    const shift = 14 - e;
    let hm = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (hm & 1))) hm++;
    return sign | hm;
  }
  let hm = m >>> 13;
  const rem = m & 0x1fff;
  let he = e;
  if (rem > 0x1000 || (rem === 0x1000 && (hm & 1))) {
    hm++;
    if (hm === 0x400) { hm = 0; he++; if (he >= 31) return sign | 0x7c00; }
  }
  return sign | (he << 10) | hm;
}

// ---- deterministic PRNG (mulberry32) ---------------------------------------------------------
function makeRng(seed) {
  let a = (seed >>> 0) || 0x9e3779b9;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function numel(dims) {
  return dims.reduce((a, b) => a * b, 1);
}

// Random tensor: floats uniform[-1,1], integers in [0,4), bool 0/1, strings "s0".."s3".
function randomTensor(type, dims, rng) {
  const O = loadOrt();
  const n = numel(dims);
  if (!Number.isSafeInteger(n) || n > 2 ** 28) throw new Error(`input of shape [${dims}] is too large to generate`);
  if (type === 'string') return new O.Tensor('string', Array.from({ length: n }, () => 's' + Math.floor(rng() * 4)), dims);
  const arr = new TYPED[type](n);
  for (let i = 0; i < n; i++) {
    if (type === 'float16') arr[i] = floatToHalf(rng() * 2 - 1);
    else if (FLOAT_TYPES.has(type)) arr[i] = rng() * 2 - 1;
    else if (type === 'bool') arr[i] = rng() < 0.5 ? 1 : 0;
    else if (type === 'int64' || type === 'uint64') arr[i] = BigInt(Math.floor(rng() * 4));
    else arr[i] = Math.floor(rng() * 4);
  }
  return new O.Tensor(type, arr, dims);
}

// Tensor data -> plain JS numbers (bigints become Numbers; float16 bits decoded).
function toNumbers(tensor) {
  const d = tensor.data;
  if (tensor.type === 'float16') {
    if (d instanceof Uint16Array) return Array.from(d, halfToFloat);
    return Array.from(d, Number);
  }
  if (tensor.type === 'string') return Array.from(d);
  return Array.from(d, Number);
}

// ---- JSON tensor form: {dtype, dims, data:[...]} ----------------------------------------------
// Non-finite floats are written as the strings "NaN", "Infinity", "-Infinity"; 64-bit integers
// outside the safe-integer range are written as decimal strings. Both forms are accepted on input.
function jsonNumber(v) {
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity' || v === 'inf') return Infinity;
    if (v === '-Infinity' || v === '-inf') return -Infinity;
    return Number(v);
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

function tensorFromJson(name, spec) {
  const O = loadOrt();
  const type = ortType(spec.dtype);
  const dims = (spec.dims || spec.shape || []).map(Number);
  const data = spec.data || [];
  if (data.length !== numel(dims)) throw new Error(`input '${name}': ${data.length} values for shape [${dims}]`);
  if (type === 'string') return new O.Tensor('string', data.map(String), dims);
  const arr = new TYPED[type](data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (type === 'int64' || type === 'uint64') arr[i] = BigInt(typeof v === 'boolean' ? (v ? 1 : 0) : v);
    else if (type === 'float16') arr[i] = floatToHalf(jsonNumber(v));
    else arr[i] = jsonNumber(v);
  }
  return new O.Tensor(type, arr, dims);
}

function tensorToJson(tensor) {
  const out = { dtype: ORT_TO_ONNX[tensor.type] || tensor.type, dims: Array.from(tensor.dims), data: [] };
  const d = tensor.data;
  if (tensor.type === 'string') out.data = Array.from(d);
  else if (tensor.type === 'bool') out.data = Array.from(d, (v) => !!v);
  else if (tensor.type === 'int64' || tensor.type === 'uint64') {
    out.data = Array.from(d, (v) => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()));
  } else {
    out.data = toNumbers(tensor).map((v) => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'));
  }
  return out;
}

// ---- minimal ONNX protobuf reader: node count / op types of the main graph --------------------
function readVarint(buf, pos) {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7n;
    if (shift > 63n) throw new Error('varint too long');
  }
  return [result, pos];
}

// Iterate over (field, wireType, value|[start,end]) of one message.
function* fields(buf, start, end) {
  let pos = start;
  while (pos < end) {
    let key;
    [key, pos] = readVarint(buf, pos);
    const field = Number(key >> 3n);
    const wt = Number(key & 7n);
    if (wt === 0) { let v; [v, pos] = readVarint(buf, pos); yield [field, wt, v]; }
    else if (wt === 1) { pos += 8; yield [field, wt, null]; }
    else if (wt === 5) { pos += 4; yield [field, wt, null]; }
    else if (wt === 2) {
      let len;
      [len, pos] = readVarint(buf, pos);
      const e = pos + Number(len);
      if (e > end) throw new Error('truncated length-delimited field');
      yield [field, wt, [pos, e]];
      pos = e;
    } else throw new Error(`bad wire type ${wt}`);
  }
}

function summarizeModel(path) {
  const buf = fs.readFileSync(path);
  const ops = {};
  let nodes = 0;
  const opsets = {};
  let graphSeen = false;
  for (const [f, wt, v] of fields(buf, 0, buf.length)) {
    if (f === 8 && wt === 2) { // opset_import
      let domain = '';
      let version = 0;
      for (const [g, gw, gv] of fields(buf, v[0], v[1])) {
        if (g === 1 && gw === 2) domain = buf.toString('utf8', gv[0], gv[1]);
        if (g === 2 && gw === 0) version = Number(gv);
      }
      opsets[domain || 'ai.onnx'] = version;
    }
    if (f !== 7 || wt !== 2) continue; // ModelProto.graph
    graphSeen = true;
    for (const [g, gw, gv] of fields(buf, v[0], v[1])) {
      if (g !== 1 || gw !== 2) continue; // GraphProto.node
      let op = '';
      let domain = '';
      for (const [h, hw, hv] of fields(buf, gv[0], gv[1])) {
        if (h === 4 && hw === 2) op = buf.toString('utf8', hv[0], hv[1]);
        if (h === 7 && hw === 2) domain = buf.toString('utf8', hv[0], hv[1]);
      }
      const key = domain && domain !== 'ai.onnx' ? `${domain}:${op}` : op;
      ops[key] = (ops[key] || 0) + 1;
      nodes++;
    }
  }
  if (!graphSeen) throw new Error('model has no graph');
  const sorted = {};
  for (const k of Object.keys(ops).sort()) sorted[k] = ops[k];
  return { nodes, op_counts: sorted, opset_imports: opsets };
}

// Locations of external-data files referenced by the main graph's initializers.
function externalLocations(path) {
  const buf = fs.readFileSync(path);
  const locs = new Set();
  for (const [f, wt, v] of fields(buf, 0, buf.length)) {
    if (f !== 7 || wt !== 2) continue; // ModelProto.graph
    for (const [g, gw, gv] of fields(buf, v[0], v[1])) {
      if (g !== 5 || gw !== 2) continue; // GraphProto.initializer
      for (const [h, hw, hv] of fields(buf, gv[0], gv[1])) {
        if (h !== 13 || hw !== 2) continue; // TensorProto.external_data
        let key = '';
        let value = '';
        for (const [k, kw, kv] of fields(buf, hv[0], hv[1])) {
          if (k === 1 && kw === 2) key = buf.toString('utf8', kv[0], kv[1]);
          if (k === 2 && kw === 2) value = buf.toString('utf8', kv[0], kv[1]);
        }
        if (key === 'location') locs.add(value);
      }
    }
  }
  return Array.from(locs);
}

function errorMessage(e) {
  return String((e && e.message) || e).split('\n')[0].slice(0, 500);
}

module.exports = {
  loadOrt, ortType, ONNX_TO_ORT, ORT_TO_ONNX, TYPED, FLOAT_TYPES, halfToFloat, floatToHalf, makeRng,
  numel, randomTensor, toNumbers, tensorFromJson, tensorToJson, summarizeModel, externalLocations, errorMessage,
};
