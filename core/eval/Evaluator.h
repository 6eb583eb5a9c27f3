#pragma once
#include "model/Graph.h"

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace netfold {

/// Caps shared by every node of one evaluation (a --check run): the bytes of all outputs
/// computed, Loop/Scan iterations and wall-clock time. Exceeding one throws Error naming the node.
struct EvalBudget {
    uint64_t maxBytes = 0;      ///< 0: no cap
    int64_t maxIterations = 0;  ///< Loop/Scan body runs in total; 0: no cap
    double maxSeconds = 0;      ///< 0: no cap
    const std::atomic<bool>* cancel = nullptr; ///< set to stop the evaluation early
    std::atomic<uint64_t> usedBytes{0};
    std::atomic<int64_t> iterations{0};
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    /// Set when a cap stopped the evaluation (an output or the memory budget over its limit, the
    /// iteration or time cap): raising it might let the evaluation through. Not set by cancel
    /// or by a model the kernels refuse.
    std::atomic<bool> limitReached{false};
    /// Starts counting again (bytes, iterations, clock).
    void reset()
    {
        usedBytes = 0;
        iterations = 0;
        limitReached = false;
        start = std::chrono::steady_clock::now();
    }
};

/// Limits for evaluation.
struct EvalOptions {
    /// A kernel refuses (throws Error) before allocating an output larger than this.
    std::size_t maxOutputBytes = std::size_t(1) << 31;
    /// A single Loop may run at most this many iterations (its trip count may say more).
    int64_t maxLoopIterations = int64_t(1) << 24;
    /// Optional shared caps (not owned).
    EvalBudget* budget = nullptr;
};

/// True when netfold has a reference kernel for the op (default ONNX domain).
bool hasKernel(const std::string& opType, const std::string& domain = {});
/// The ops with kernels, sorted.
std::vector<std::string> supportedOps();
/// ai.onnx ops (opsets 1-17) deliberately without a kernel, with the reason ("random output").
const std::vector<std::pair<std::string, std::string>>& opsWithoutKernel();
/// The reason op has no kernel, or "" when it is not one of opsWithoutKernel().
std::string noKernelReason(const std::string& opType);

/// Evaluates one node on its input values (nullptr for an omitted optional input) with the
/// semantics of the given ai.onnx opset; returns one tensor per node output (nullptr for an
/// omitted output). Throws Error naming the node and the reason ("op 'NonZero' has no kernel",
/// "output would be 3.2 GB, over the 2.1 GB limit") when it cannot.
std::vector<TensorPtr> evaluateNode(const Node& node, const std::vector<TensorPtr>& inputs, int64_t opset,
                                    const EvalOptions& options = {});

/// Like evaluateNode, for a node whose subgraphs (If/Loop/Scan bodies) read values of the enclosing
/// graph: scope maps those names to their values.
std::vector<TensorPtr> evaluateNodeInScope(const Node& node, const std::vector<TensorPtr>& inputs, int64_t opset,
                                           const std::map<std::string, TensorPtr>& scope,
                                           const EvalOptions& options = {});

/// Runs a whole graph: feeds are the graph inputs (initializers are read from the graph),
/// outer holds values visible from enclosing graphs. Returns the graph outputs by name.
std::map<std::string, TensorPtr> evaluateGraph(const Model& model, const Graph& graph,
                                               const std::map<std::string, TensorPtr>& feeds,
                                               const std::map<std::string, TensorPtr>& outer = {},
                                               const EvalOptions& options = {});

/// Ops of a graph (subgraphs included) that have no kernel, sorted; empty when evaluateGraph can run it.
std::vector<std::string> missingKernels(const Graph& graph);

} // namespace netfold
