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
    /// True when the original model could not be evaluated (error says why, e.g. a cap it hit):
    /// nothing was compared, so the check says nothing about the simplified model.
    bool originalFailed = false;
};

/// Caps for a check, so a hostile model cannot make it take unbounded memory or time.
struct VerifyLimits {
    /// Bytes of all values computed while evaluating one model once; 0: computed from the models
    /// (the larger of 1 GiB and 4x their initializer bytes).
    uint64_t maxBytes = 0;
    /// Loop/Scan body runs per model evaluation.
    int64_t maxIterations = 1000000;
    /// Wall-clock seconds for the whole check.
    double maxSeconds = 120;
};

/// The memory budget VerifyLimits::maxBytes = 0 stands for.
uint64_t defaultCheckBudget(const Model& original, const Model& simplified);

/// Runs both models on `runs` random inputs (seeded; dynamic dims set to 2, or to `dynamicDim`)
/// with netfold's evaluator and compares every output: |a - b| <= atol + rtol * |b| with rtol 1e-4
/// and atol 1e-5 scaled by max(1, max|b|) (onnxsim's check).
VerifyResult verifyModels(const Model& original, const Model& simplified, int runs, uint64_t seed = 1,
                          int64_t dynamicDim = 2, const VerifyLimits& limits = {});

} // namespace netfold
