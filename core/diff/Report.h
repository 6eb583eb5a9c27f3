#pragma once
#include "../passes/Pipeline.h"
#include "../util/Json.h"

#include <map>
#include <string>

namespace netfold {

/// Counts that the before/after summary shows.
struct ModelStats {
    std::size_t nodes = 0;
    std::map<std::string, int> ops;
    std::size_t initializers = 0;
    uint64_t initializerBytes = 0;
};
ModelStats statsOf(const Model& model);

/// onnxsim's before/after table: one row per op type, then totals and initializer bytes.
std::string opCountTable(const Model& before, const Model& after);
/// One line per step ("round 1  fold_constants: 7 folded, 1 constant (+12 B)") plus, when
/// detailed, one line per removed node.
std::string stepsText(const Pipeline& pipeline, bool detailed);
/// A step as a line.
std::string stepSummary(const Step& step);
/// The whole run as JSON: nodes and op counts before and after, and every step's record.
Json pipelineReport(const Pipeline& pipeline);
/// The same as Markdown (for Save Report).
std::string pipelineMarkdown(const Pipeline& pipeline);

} // namespace netfold
