#pragma once
#include <string>
#include <vector>

namespace netfold {

/// One ai.onnx operator version introduced in opsets 18-23, which ONNX 1.12 (opsets up to 17)
/// does not know: its signature as the operator changelog gives it, and netfold's summary.
struct OpsetOpInfo {
    std::string op;
    int sinceVersion = 0;
    std::vector<std::string> inputs;     ///< "name (optional, ...) : T" per input, in order
    std::vector<std::string> outputs;    ///< same for outputs
    std::vector<std::string> attributes; ///< "name : int (default is 0)"
    std::vector<std::string> typeConstraints; ///< "T : tensor(float), ..."
    std::string summary;                 ///< one line, netfold's words
    std::string change;                  ///< what this version changed, one line ("" for a new op)
};

/// Newest ai.onnx opset netfold's own table covers (23).
int newestTableOpset();

/// The version of ai.onnx op `op` that a model importing ai.onnx opset `opset` uses, when that
/// version was introduced after opset 17 (so ONNX 1.12 has no schema for it); nullptr when the
/// op did not change between opset 18 and `opset`, changed again after opset 23, or is not an
/// ai.onnx op.
const OpsetOpInfo* newerOpVersion(const std::string& op, int opset);

/// The version of `op` a model at `opset` uses when that version came after opset 23 (netfold's
/// table ends there, so it neither infers nor documents it); 0 otherwise.
int laterOpVersion(const std::string& op, int opset);

/// Every entry of the table (one per operator version introduced in opsets 18-23).
const std::vector<OpsetOpInfo>& newerOpVersions();

} // namespace netfold
