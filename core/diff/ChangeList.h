#pragma once
#include "passes/Pipeline.h"

#include <string>
#include <vector>

namespace netfold {

/// What one entry of the change list is about.
enum class ChangeKind {
    Folded,     ///< nodes computed ahead of time into a constant (a chain is one entry)
    Fused,      ///< nodes absorbed into another node (a new one or an existing one)
    Eliminated, ///< no-ops and duplicates dropped
    Added,      ///< a node a pass created that stands for nothing removed
    Changed     ///< a node a pass rewrote in place, for no removal listed elsewhere
};
constexpr int kChangeKindCount = 5;

/// "folded", "fused", "eliminated", "added", "changed".
const char* changeKindName(ChangeKind kind);

/// One change of a range of pipeline steps, as a person reads it: a folded chain is one entry
/// ("Shape -> Slice -> Concat folded into Reshape's shape [0, 64, -1]"), so is a fused block or
/// a node and the no-ops eliminated into it. Node ids are resolved against the two models the side
/// by side shows for the range: `before` (the input of the range's first step) and `after` (the
/// output of its last step).
struct ChangeEntry {
    ChangeKind kind = ChangeKind::Folded;
    std::string text;
    /// The name scope of the entry's focus node (node name up to its last '/' or '.'; "" for none).
    std::string scope;
    /// Indices (0-based) of the steps involved, ascending.
    std::vector<std::size_t> steps;
    /// Nodes the range removed that this entry accounts for (each removed node is in exactly one
    /// entry), in graph order. Some may be on neither side (added and removed within the range).
    std::vector<NodeId> removed;
    /// Nodes the range added that this entry accounts for (each surviving added node is in
    /// exactly one entry).
    std::vector<NodeId> added;
    /// The entry's nodes in the before model: the removed ones it has (or the changed node).
    std::vector<NodeId> beforeNodes;
    /// The entry's nodes in the after model: what replaced the removed ones (the node they were
    /// fused or eliminated into, the readers of the constant they were folded into), the added or
    /// changed node.
    std::vector<NodeId> afterNodes;
    /// The node to show on each side: one of beforeNodes / afterNodes when there are any (select
    /// it), otherwise the nearest node around the change that the side has (centre on it only).
    NodeId beforeFocus = kNoNode;
    NodeId afterFocus = kNoNode;
    bool beforeFocusIsChange = false;
    bool afterFocusIsChange = false;
    /// The graph both foci are in (empty: the main graph; else an If/Loop/Scan body).
    GraphPath path;
};

/// The changes of steps [first, last) of the pipeline, grouped by scope (scopes in the order
/// their first change appears in the before graph) and in graph order within a scope. Empty when
/// the range is empty.
std::vector<ChangeEntry> changeList(const Pipeline& pipeline, std::size_t first, std::size_t last);

/// The name scope of a node name: everything before the last '/' or '.', without a trailing
/// separator ("/enc/layers.0/self_attn/MatMul" -> "/enc/layers.0/self_attn", "p2o.Conv.12" ->
/// "p2o.Conv", "/Constant" and "Relu_3" -> "").
std::string scopeOf(const std::string& nodeName);

} // namespace netfold
