#pragma once
#include "model/Graph.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace netfold {

/// What a drawn node stands for: an operator, a graph input or output, or a collapsed name
/// scope (layout/Groups.h).
enum class LayoutNodeKind : uint8_t { Op, Input, Output, Group };

/// One line inside a node box (as Netron draws them): an initializer or inlined constant input,
/// an attribute, a subgraph, for graph inputs and outputs the value's type, for a collapsed
/// group its node count.
struct NodeRow {
    enum class Kind : uint8_t { Initializer, Constant, Attribute, Subgraph, Type, Count };
    Kind kind = Kind::Initializer;
    /// "W", "shape", "kernel_shape"; empty for Type rows.
    std::string label;
    /// "⟨64×3×3×3⟩", "= [0, -1]", "= 3, 3", "float[1,3,64,64]".
    std::string text;
    /// The value read (initializer or Constant output), for Initializer and Constant rows.
    std::string value;
    /// The inlined Constant node, for Constant rows.
    NodeId constant = kNoNode;
};

/// A box in the drawing: an operator node, a graph input or a graph output.
struct LayoutNode {
    LayoutNodeKind kind = LayoutNodeKind::Op;
    /// The operator node (Op only).
    NodeId id = kNoNode;
    /// Op type for Op nodes; the value name for inputs and outputs.
    std::string title;
    std::string opType;
    std::string domain;
    /// Node name (Op), value name (Input, Output) or scope path (Group: "encoder/layers.0").
    std::string name;
    std::vector<NodeRow> rows;
    /// Group only: the ScopeTree index, the graph nodes inside (inlined Constants included,
    /// sorted), and its entry: the first node in graph order that a value from outside the group
    /// flows into (where the block begins when it is drawn open).
    int group = -1;
    std::vector<NodeId> members;
    NodeId entry = kNoNode;
    /// Width and height in points (1/72 inch); measured by the caller before layout.
    double width = 0;
    double height = 0;
};

/// A value flowing from one drawn node to another: one per (value, consumer) pair.
struct LayoutEdge {
    int from = -1;
    int to = -1;
    std::string value;
    /// Shape text for an optional edge label ("1×3×64×64"); empty when unknown.
    std::string label;
};

/// The drawable form of a Graph: Constant nodes folded into their consumers, initializers listed
/// inside the nodes reading them, graph inputs and outputs as nodes of their own. Nodes are in
/// topological order (every edge goes from a lower to a higher index).
struct LayoutGraph {
    std::vector<LayoutNode> nodes;
    std::vector<LayoutEdge> edges;
    /// Drawn node of every NodeId, inlined Constants included (they map to their first consumer).
    std::unordered_map<NodeId, int> nodeOf;
    /// Drawn node of every graph input and output by value name.
    std::unordered_map<std::string, int> inputOf;
    std::unordered_map<std::string, int> outputOf;

    /// Drawn node showing the NodeId, or -1.
    int findNode(NodeId id) const;
};

struct LayoutGraphOptions {
    /// Rows for attributes (off by default, as in Netron).
    bool attributes = false;
    /// Rows for initializer and inlined-constant inputs.
    bool initializers = true;
    /// Draw single-use and multi-use Constant nodes inside their consumers.
    bool inlineConstants = true;
    /// Constants with at most this many elements show their values.
    int maxShownElements = 6;
    /// Default-domain opset, used to name inputs from the ONNX schemas (0: latest known).
    int64_t opset = 0;
};

/// Builds the drawable form of a graph (top level only; subgraphs appear as rows).
LayoutGraph buildLayoutGraph(const Graph& graph, const LayoutGraphOptions& options = {});

/// "1×3×64×64", "batch×10", "" for an unknown shape; "scalar" for rank 0.
std::string shapeLabel(const ValueType& type);
/// The n-th input's name in the op's ONNX schema ("X", "W", "B", "shape"), or "input n".
std::string schemaInputName(const std::string& opType, const std::string& domain, int64_t opset, std::size_t n);

} // namespace netfold
