#!/bin/sh
# Install the ONNX Runtime harness dependencies into tests/ort/node_modules (npm registry only).
# ONNXRUNTIME_NODE_INSTALL=skip stops onnxruntime-node's postinstall from fetching the CUDA/TensorRT
# provider libraries from NuGet (not reachable here); the CPU binding ships inside the npm package.
set -e
cd "$(dirname "$0")"
if [ -f package-lock.json ]; then cmd=ci; else cmd=install; fi
ONNXRUNTIME_NODE_INSTALL=skip npm "$cmd" --no-audit --no-fund
node -e "require('onnxruntime-node'); console.log('onnxruntime-node', require('onnxruntime-node/package.json').version, 'ok')"
