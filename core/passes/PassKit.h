#pragma once
#include "passes/GraphEdit.h"

#include <functional>
#include <optional>
#include <set>

namespace netfold {

/// Building blocks for the passes: a pass made from a function, and the common "drop a no-op
/// node" and "rewrite a node with its producer" shapes.
namespace passkit {

using GraphFn = std::function<void(Graph&, PassContext&)>;

/// A pass whose work is one function over each graph (subgraphs first). When triggers is not
/// empty, fn changes nothing in a model without one of those ops (default domain, any depth).
class FunctionPass : public Pass {
public:
    FunctionPass(PassInfo info, GraphFn fn, bool subgraphs = true, std::set<std::string> triggers = {})
        : m_info(std::move(info)), m_fn(std::move(fn)), m_subgraphs(subgraphs), m_triggers(std::move(triggers))
    {
    }
    PassInfo info() const override { return m_info; }

protected:
    void runOnGraph(Graph& graph, PassContext& ctx) const override { m_fn(graph, ctx); }
    bool visitsSubgraphs() const override { return m_subgraphs; }
    bool mayChangeGraph(const Graph& graph) const override;

private:
    PassInfo m_info;
    GraphFn m_fn;
    bool m_subgraphs;
    std::set<std::string> m_triggers;
};

/// Decides whether a node is a no-op: returns the input its (first) output equals, or nullopt
/// (setting why when the node was a candidate but must stay).
using NopTest = std::function<std::optional<std::string>(const Graph&, const GraphIndex&, const Node&,
                                                          const PassContext&, std::string& why)>;

/// True when graph or a body below it has a node of one of the ops (default domain).
bool holdsOp(const Graph& graph, const std::set<std::string>& ops);

/// Rewrites one node (at index i of g): returns true when it changed the graph.
using RewriteFn = std::function<bool(Graph& g, PassContext& ctx, const GraphIndex& index, int i)>;

/// A pass that is rewriteLoop over the given op types with fn, in models importing opset
/// minOpset or later; it cannot change a model without those ops (mayChange).
std::unique_ptr<Pass> rewritePass(PassInfo info, std::set<std::string> ops, RewriteFn fn, int64_t minOpset = 0);

/// A pass that drops nodes of the given op types when test() says they are no-ops.
std::unique_ptr<Pass> nopPass(PassInfo info, std::set<std::string> ops, NopTest test);

/// Calls fn(graph, index, nodeIndex) for each node of the given op types (default domain, not
/// pinned) until it returns true (it changed the graph), then starts over with a fresh index;
/// stops when a full sweep changes nothing.
void rewriteLoop(Graph& graph, PassContext& ctx, const std::set<std::string>& ops,
                 const std::function<bool(Graph&, const GraphIndex&, int)>& fn);

/// The single consumer's index of a value used exactly once (not a graph output), or -1.
int soleConsumer(const GraphIndex& index, const std::string& value);

/// The node producing value when it is the given op (default domain), or -1.
int producerOf(const Graph& graph, const GraphIndex& index, const std::string& value, const std::string& op);

/// Axes of a node: the `axes` attribute (older opsets) or its constant input at inputIndex.
std::optional<std::vector<int64_t>> axesOf(const Graph& graph, const GraphIndex& index, const Node& node,
                                           std::size_t inputIndex);

/// Rank of a value when known.
std::optional<int64_t> rankOf(const Graph& graph, const std::string& value);

/// Sorted, non-negative axes (rank needed for negative ones), or nullopt.
std::optional<std::vector<int64_t>> normalizeAxes(std::vector<int64_t> axes, std::optional<int64_t> rank);

/// Indices of a length-len vector that a Slice on axis 0 with constant parameters selects, or nullopt.
std::optional<std::vector<int64_t>> sliceIndices(const Graph& graph, const GraphIndex& index, const Node& slice,
                                                 std::size_t len);

} // namespace passkit
} // namespace netfold
