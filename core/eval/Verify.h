#pragma once
#include "model/Graph.h"

#include <atomic>
#include <map>
#include <string>
#include <vector>

namespace netfold {

/// Per-output agreement between two models on the same random inputs (only outputs that were
/// actually computed by both models and compared are reported).
struct OutputDiff {
    std::string name;
    double maxAbs = 0;
    double maxRel = 0;
    bool ok = true;
    std::string problem; ///< e.g. "shapes differ"
};

/// How to verify: number of random inputs, seed, and input shapes chosen by the user.
struct VerifyOptions {
    int runs = 3;
    uint64_t seed = 1;
    /// Full shapes for some inputs (checked with checkInputShape first); the other inputs follow
    /// their static dims, and their symbolic dims get sizes the original model runs on.
    std::map<std::string, std::vector<int64_t>> inputShapes;
    /// First size tried for a symbolic dim; larger sizes are tried when the original fails on it.
    int64_t firstDim = 2;
    /// Largest size tried for a symbolic dim.
    int64_t maxDim = 4096;
    /// Grown sizes giving an input more elements than this are not tried.
    int64_t maxInputElements = int64_t(1) << 22;
    /// Nor, for the model's static dims and firstDim, more than this.
    int64_t maxFirstInputElements = int64_t(1) << 27;
    /// Caps, so a hostile model cannot make the check take unbounded memory or time.
    /// Bytes of all values computed while evaluating one model once; 0: defaultCheckBudget().
    uint64_t maxBytes = 0;
    /// Loop/Scan body runs per model evaluation.
    int64_t maxIterations = 1000000;
    /// Wall-clock seconds for the whole check.
    double maxSeconds = 120;
    /// Set (from another thread) to stop the check at the next node: the result is then
    /// cancelled, never a verdict against either model.
    const std::atomic<bool>* cancel = nullptr;
};

struct VerifyResult {
    /// True when both models were evaluated on at least one input and their outputs compared
    /// ("checked"); false when there was nothing to measure (see reason and blockers).
    bool ran = false;
    /// ran, and every output agrees and the simplified model ran wherever the original did.
    bool ok = false;
    std::vector<std::string> blockers; ///< ops that have no kernel
    std::vector<OutputDiff> outputs;   ///< measured outputs only (empty when !ran)
    int runs = 0;                      ///< random inputs both models were compared on
    /// Stopped through VerifyOptions::cancel: what was compared before stays in outputs and runs.
    bool cancelled = false;
    /// A failure after the comparison started (the simplified model failing where the original
    /// runs counts against it; the original failing on a later input ends the check).
    std::string error;
    /// Why nothing was compared, one line: "cannot check: the original model fails on input
    /// x[1,3,2]: ..." or "cannot check: no kernel for LSTM".
    std::string reason;
    /// The input shapes the comparison used (or, when the original failed, first tried).
    std::map<std::string, std::vector<int64_t>> inputShapes;
    /// How many input shape combinations were tried on the original model.
    int attempts = 0;

    /// "x[1,3,64,64], y[2]".
    std::string shapesText() const;
};

/// The memory budget VerifyOptions::maxBytes = 0 stands for: the larger of 1 GiB and 4x the
/// models' initializer bytes.
uint64_t defaultCheckBudget(const Model& original, const Model& simplified);

/// "" when dims is an acceptable shape for input `name` of model (a real input, same rank,
/// same static dims); otherwise one line naming the input, its shape and the given one.
std::string checkInputShape(const Model& model, const std::string& name, const std::vector<int64_t>& dims);

/// Runs both models on random inputs (seeded) with netfold's evaluator and compares every output:
/// |a - b| <= atol + rtol * |b| with rtol 1e-4 and atol 1e-5 scaled by max(1, max|b|) (onnxsim's
/// check). Inputs follow the original's static dims; symbolic dims start at firstDim and grow
/// (one name at a time, then all together) until the ORIGINAL model runs. When it never does, or
/// an op has no kernel, nothing is compared: ran is false and reason says why.
VerifyResult verifyModels(const Model& original, const Model& simplified, const VerifyOptions& options);
/// The same with default options.
VerifyResult verifyModels(const Model& original, const Model& simplified, int runs, uint64_t seed = 1);

} // namespace netfold
