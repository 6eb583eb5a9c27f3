#pragma once
// netfold's own type and shape inference for the ai.onnx operator versions of opsets 18-23,
// which ONNX 1.12 (schemas up to opset 17) does not have. Used by ShapeInference.cpp for op
// versions ONNX 1.12 has no schema for, and for the few whose ONNX 1.12 inference function
// disagrees with the spec and with ONNX Runtime (STFT-17); everywhere else ONNX's inference is
// the reference.
#include <string>

namespace onnx {
struct InferenceContext;
struct DataPropagationContext;
} // namespace onnx

namespace netfold {

/// True when netfold has an inference rule for version `sinceVersion` (17-23) of ai.onnx op `op`.
bool hasOpsetRule(const std::string& op, int sinceVersion);

/// Infers the output types of the node in `ctx` (version `sinceVersion` of `op`). Throws
/// onnx::InferenceError (or std::exception) for inconsistent input; leaves outputs it cannot
/// infer unset. Returns false when there is no rule.
bool inferWithOpsetRule(const std::string& op, int sinceVersion, onnx::InferenceContext& ctx);

/// Propagates shape values (the int64 contents of shape vectors) through the node, as ONNX
/// does for Shape, Squeeze, Unsqueeze, Cast ... of older opsets. No-op for other ops.
void propagateWithOpsetRule(const std::string& op, int sinceVersion, onnx::DataPropagationContext& ctx);

} // namespace netfold
