'use strict';
// Self-test of the ORT harness on tests/data fixtures.  Run: node --test tests/ort/
// (needs tests/ort/node_modules: sh tests/ort/install.sh)

const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const HERE = __dirname;
const DATA = path.join(HERE, '..', 'data');
const FIX = JSON.parse(fs.readFileSync(path.join(DATA, 'fixtures.json'), 'utf8'));
const d = (f) => path.join(DATA, f);

function run(script, args) {
  const r = spawnSync(process.execPath, [path.join(HERE, script), ...args], { encoding: 'utf8' });
  let json = null;
  try { json = JSON.parse(r.stdout.trim().split('\n').pop()); } catch (e) { /* not JSON */ }
  return { code: r.status, json, stdout: r.stdout, stderr: r.stderr };
}

// Fixtures ONNX Runtime cannot load on purpose: unknown custom op, and bfloat16 graph outputs
// (the JS API has no bfloat16 tensor type).
const ORT_UNLOADABLE = new Set(['custom_domain.onnx', 'fp16_bf16.onnx']);
const good = Object.keys(FIX).filter((f) => !f.startsWith('bad/'));

test('compare: every loadable fixture equals itself', () => {
  for (const f of good.filter((x) => !ORT_UNLOADABLE.has(x))) {
    const r = run('compare.js', [d(f), d(f), '--runs', '2']);
    assert.strictEqual(r.code, 0, `${f}: ${r.stdout}`);
    assert.strictEqual(r.json.ok, true);
    assert.deepStrictEqual(r.json.outputs.map((o) => o.name), FIX[f].outputs.map((o) => o.name));
  }
});

test('compare: unloadable fixtures and bad files exit 2', () => {
  for (const f of [...ORT_UNLOADABLE, 'bad/empty.onnx', 'bad/random.onnx', 'bad/truncated.onnx',
    'bad/not_a_model.onnx', 'bad/cycle.onnx', 'bad/dangling.onnx', 'bad/dup_outputs.onnx',
    'bad/missing_external.onnx', 'bad/huge_dim.onnx']) {
    const r = run('compare.js', [d(f), d(f)]);
    assert.strictEqual(r.code, 2, `${f}: ${r.stdout}`);
    assert.strictEqual(r.json.ok, false);
  }
});

test('compare: different models', () => {
  let r = run('compare.js', [d('seed_static.onnx'), d('tiny_resnet.onnx')]);
  assert.strictEqual(r.code, 2, r.stdout); // different inputs
  r = run('compare.js', [d('seed_static.onnx'), d('seed_bn_stats.onnx')]);
  assert.strictEqual(r.code, 1, r.stdout); // same interface, different weights
  assert.strictEqual(r.json.ok, false);
  assert.ok(r.json.outputs[0].max_abs > 1e-3);
});

test('compare: equivalent exports, shape override', () => {
  let r = run('compare.js', [d('seed_dynamic.onnx'), d('seed_view.onnx'), '--shape', 'input0:3,3,64,64', '--seed', '5']);
  assert.strictEqual(r.code, 0, r.stdout);
  assert.deepStrictEqual(r.json.inputs[0].shape, [3, 3, 64, 64]);
  r = run('compare.js', [d('seed_dynamic.onnx'), d('seed_static.onnx')]); // takes static 1 from the second
  assert.strictEqual(r.code, 0, r.stdout);
  r = run('compare.js', [d('transformer_dyn.onnx'), d('transformer_dyn.onnx'), '--shape', 'tokens:1,7,32']);
  assert.strictEqual(r.code, 0, r.stdout);
  assert.deepStrictEqual(r.json.outputs[0].shape, [1, 7, 32]);
});

test('optimize: ORT basic level node counts from SEED.md, and results stay equal', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netfold-ort-'));
  try {
    for (const [f, want] of [['seed_static.onnx', 8], ['seed_dynamic.onnx', 11], ['external_data.onnx', null]]) {
      const out = path.join(tmp, f.replace('.onnx', '.opt.onnx'));
      const r = run('optimize.js', [d(f), out]);
      assert.strictEqual(r.code, 0, r.stdout);
      assert.strictEqual(r.json.before.nodes, FIX[f].nodes);
      if (want !== null) assert.strictEqual(r.json.after.nodes, want, f);
      const c = run('compare.js', [d(f), out, '--runs', '2']);
      assert.strictEqual(c.code, 0, c.stdout);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('eval: JSON in, JSON out', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netfold-ort-'));
  try {
    const inp = path.join(tmp, 'in.json');
    const out = path.join(tmp, 'out.json');
    fs.writeFileSync(inp, JSON.stringify({ X: { dtype: 'float', dims: [2, 3], data: [-1, 0, 1, 2, 3, 'NaN'] } }));
    const r = run('eval.js', [d('if_model.onnx'), inp, out]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    const y = JSON.parse(fs.readFileSync(out, 'utf8')).Y;
    assert.deepStrictEqual(y.dims, [2, 3]);
    assert.strictEqual(y.dtype, 'float');
    // then-branch: relu(X + W), W = [0, .1, .2, .3, .4, .5]
    const want = [0, 0.1, 1.2, 2.3, 3.4];
    want.forEach((v, i) => assert.ok(Math.abs(y.data[i] - v) < 1e-6, `${i}: ${y.data[i]}`));
    assert.strictEqual(y.data[5], 'NaN');
    const bad = run('eval.js', [d('bad/truncated.onnx'), inp, out]);
    assert.strictEqual(bad.code, 2);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('summary: node counts agree with fixtures.json', () => {
  for (const f of good) {
    const r = run('summary.js', [d(f)]);
    assert.strictEqual(r.code, 0, `${f}: ${r.stdout}`);
    assert.strictEqual(r.json.nodes, FIX[f].nodes, f);
    assert.deepStrictEqual(r.json.op_counts, FIX[f].op_counts, f);
  }
});
