#pragma once
#include "passes/Pipeline.h"
#include "util/Json.h"

#include <map>
#include <string>
#include <vector>

namespace netfold {

/// Counts that the before/after summary shows.
struct ModelStats {
    std::size_t nodes = 0;      ///< main graph
    std::size_t nodesTotal = 0; ///< main graph and every If/Loop/Scan body
    std::map<std::string, int> ops;      ///< main graph
    std::map<std::string, int> opsTotal; ///< main graph and bodies
    std::size_t initializers = 0;
    uint64_t initializerBytes = 0;
};
ModelStats statsOf(const Model& model);

/// onnxsim's before/after table: one row per op type (nodes in bodies counted), then node
/// counts (top level, and with bodies when a model has any) and initializer bytes.
std::string opCountTable(const Model& before, const Model& after);
/// One line per step ("round 1  fold_constants: 7 folded, 1 constant (+12 B)  [nodes 15 -> 8]")
/// plus, when detailed, one line per removed or added node, named with its body path
/// ("If 'x' / then_branch / Relu_3").
std::string stepsText(const Pipeline& pipeline, bool detailed);
/// A step as a line.
std::string stepSummary(const Step& step);
/// A node of the simplified model that a limit kept from folding (Pipeline::keptAtLimit).
struct LimitedNode {
    std::string node; ///< its name (its label when unnamed)
    std::string op;
    std::string reason; ///< what stopped it, one line
};
/// Those nodes in graph order.
std::vector<LimitedNode> keptAtLimitList(const Pipeline& pipeline);
/// The whole run as JSON: nodes and op counts before and after, every step's record and the
/// nodes kept at a limit.
Json pipelineReport(const Pipeline& pipeline);
/// The same as Markdown (for Save Report).
std::string pipelineMarkdown(const Pipeline& pipeline);

} // namespace netfold
