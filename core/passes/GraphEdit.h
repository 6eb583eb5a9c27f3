#pragma once
#include "passes/Pass.h"

#include "model/DataType.h"
#include "util/Error.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace netfold {

/// Editing helpers shared by the passes. They keep a Graph consistent: every rename reaches
/// consumers, subgraph reads and graph outputs.
namespace edit {

/// A name not used by any value, initializer or node of the graph: base, base_1, base_2 ...
std::string uniqueName(const Graph& graph, const std::string& base);

/// The constant value of a name: a (non-input) initializer, or a Constant node's output; nullptr otherwise.
TensorPtr constantValue(const Graph& graph, const GraphIndex& index, const std::string& name);

/// Makes every reader of `from` (node inputs, subgraph outer reads) read `to` instead.
void replaceUses(Graph& graph, const std::string& from, const std::string& to);

/// Removes node `nodeIndex` whose output `output` is equal to value `input` (a no-op): readers
/// of output read input instead. When output is a graph output, input's producer is renamed so
/// the output name is kept. Returns false (and changes nothing) when that is impossible.
bool bypass(Graph& graph, int nodeIndex, const std::string& input, const std::string& output, std::string* why = nullptr);

/// Removes the nodes with these ids (keeps order of the rest).
void removeNodes(Graph& graph, const std::vector<NodeId>& ids);

/// Adds an initializer (and its type) under a fresh name derived from base; returns the name.
std::string addInitializer(Graph& graph, const std::string& base, TensorPtr tensor);

/// Records the removal of a node.
void recordRemoval(PassContext& ctx, const Node& node, Fate fate, NodeId into = kNoNode, const std::string& intoValue = {});

/// A copy of a node's proto, for editing attributes.
std::shared_ptr<onnx::NodeProto> mutableProto(const Node& node);
void setIntAttr(onnx::NodeProto& proto, const std::string& name, int64_t value);
void setIntsAttr(onnx::NodeProto& proto, const std::string& name, const std::vector<int64_t>& values);
void removeAttr(onnx::NodeProto& proto, const std::string& name);

/// True when the node must be kept (named in PassOptions::keepNodes).
bool isPinned(const PassContext& ctx, const Node& node);

/// The static dims of a value, if known.
std::optional<std::vector<int64_t>> staticShape(const Graph& graph, const std::string& name);

/// Removes type entries of values that no longer exist.
void pruneTypes(Graph& graph);

} // namespace edit
} // namespace netfold

namespace netfold::edit {
/// Dims that Shape(x) reports (start/end of opset 15 applied), when x's rank is known.
std::optional<std::vector<Dim>> shapeOpDims(const Graph& graph, const Node& shapeNode);
/// Replaces every use of `value` (produced by nodes now removed) by a new initializer holding
/// tensor, named `value` itself; records the constant with its contributing nodes.
void materializeConstant(Graph& graph, PassContext& ctx, const std::string& value, TensorPtr tensor,
                         const std::vector<NodeId>& from);
/// The same with the readers of the constant already known (no index is built).
void materializeConstant(Graph& graph, PassContext& ctx, const std::string& value, TensorPtr tensor,
                         const std::vector<NodeId>& from, std::vector<NodeId> consumers);
/// The ids of the nodes reading a value.
std::vector<NodeId> consumerIds(const Graph& graph, const GraphIndex& index, const std::string& value);
/// Removes, after a value became constant, the producers that nothing uses any more, walking up
/// through their inputs; records each as folded into `into`. Only nodes of `ops` are removed.
void removeDeadProducers(Graph& graph, PassContext& ctx, const std::vector<std::string>& values,
                         const std::string& into, std::vector<NodeId>* removed = nullptr);
/// The same for several roots at once (value, constant it went into), with one index;
/// removed[k] receives the nodes removed on behalf of roots[k].
void removeDeadProducers(Graph& graph, PassContext& ctx, const std::vector<std::pair<std::string, std::string>>& roots,
                         std::vector<std::vector<NodeId>>& removed);
} // namespace netfold::edit
