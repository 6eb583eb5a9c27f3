#pragma once
#include "../model/Graph.h"

#include <string>
#include <vector>

namespace netfold {

/// Per-output agreement between two models on the same random inputs.
struct OutputDiff {
    std::string name;
    double maxAbs = 0;
    double maxRel = 0;
    bool ok = true;
    std::string problem; ///< e.g. "shape [1,10] vs [1,11]"
};

struct VerifyResult {
    bool ran = false;          ///< false when a model has ops without kernels (see blockers)
    bool ok = false;
    std::vector<std::string> blockers; ///< ops that have no kernel
    std::vector<OutputDiff> outputs;
    int runs = 0;
    std::string error;         ///< evaluation failure, one line
};

/// Runs both models on `runs` random inputs (seeded; dynamic dims set to 2, or to `dynamicDim`)
/// with netfold's evaluator and compares every output: |a - b| <= atol + rtol * |b| with rtol 1e-4
/// and atol 1e-5 scaled by max(1, max|b|) (onnxsim's check).
VerifyResult verifyModels(const Model& original, const Model& simplified, int runs, uint64_t seed = 1,
                          int64_t dynamicDim = 2);

} // namespace netfold
