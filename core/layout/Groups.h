#pragma once
#include "layout/LayoutGraph.h"

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace netfold {

/// The name scopes of a node (outermost first): the '/'-separated components of its name without the last one
/// (the node's own name). "/encoder/layers.0/self_attn/MatMul" -> {encoder, layers.0,
/// self_attn}; "model/dense_1/BiasAdd" -> {model, dense_1}; "Conv_3" and "p2o.Conv.12" -> {}.
std::vector<std::string> nameScopes(const std::string& nodeName);

/// One name scope holding nodes of a drawable graph.
struct ScopeGroup {
    /// Components joined with '/': "encoder/layers.0". Unique within a tree.
    std::string path;
    /// The last component: "layers.0".
    std::string title;
    int parent = -1;
    int depth = 0;
    std::vector<int> children;
    /// Graph nodes inside at any depth (inlined Constants count with the box drawing them).
    int nodeCount = 0;
    /// Drawn boxes inside at any depth.
    int drawnCount = 0;
};

/// The name-scope hierarchy of a flat drawable graph (buildLayoutGraph()'s result). A node with no
/// scope, no operator feeding it and readers in one scope only (torch.onnx's "Identity_12" of a
/// weight) is counted in that scope.
struct ScopeTree {
    /// Parents before children.
    std::vector<ScopeGroup> groups;
    /// Innermost group of every drawn node of the flat graph (-1: no scope, graph inputs and outputs).
    std::vector<int> groupOfNode;
    /// Graph nodes and drawn boxes of the whole flat graph.
    int totalNodes = 0;
    int totalDrawn = 0;

    /// Index of the group with this path, or -1.
    int find(const std::string& path) const;
    /// True when group lies inside ancestor (or is it).
    bool inside(int group, int ancestor) const;

    std::unordered_map<std::string, int> byPath;
};

ScopeTree buildScopeTree(const LayoutGraph& flat);

struct GroupOptions {
    /// Graphs of at most this many drawn boxes open with no group collapsed.
    int autoAbove = 250;
    /// Smaller groups are never collapsed by default (a box for two nodes hides more than it shows).
    int minGroupNodes = 6;
    /// A group holding more than this share of the graph's nodes is a wrapper ("encoder",
    /// "model"): it is opened and its children are looked at instead.
    double wrapperShare = 0.5;
    /// While fewer boxes than this would be drawn, the biggest collapsed group is opened.
    int minVisible = 12;
};

/// The scopes collapsed when a graph opens: none for small graphs; otherwise the outermost groups
/// of at least minGroupNodes nodes that are not wrappers, opened further while the drawing would
/// have fewer than minVisible boxes.
std::set<std::string> defaultCollapsed(const ScopeTree& tree, const GroupOptions& options = {});

/// The drawable graph with every collapsed group (the outermost one where they nest) drawn as one
/// Group node: title the scope's last component, name its path, a row with its node count,
/// members the NodeIds inside, entry where the block begins. Edges between groups carry the value and its shape label; edges
/// inside a group are dropped. A group whose collapse would close a cycle (a path leaving it and
/// coming back through another collapsed box) stays open, so the result is acyclic and in
/// topological order. `applied` receives the scopes actually drawn collapsed.
LayoutGraph groupLayoutGraph(const LayoutGraph& flat, const ScopeTree& tree, const std::set<std::string>& collapsed,
                             std::set<std::string>* applied = nullptr);

/// The scopes to open so that the node is drawn on its own: its collapsed group and every
/// collapsed group around it (empty when it is drawn already or unknown).
std::vector<std::string> scopesHiding(const LayoutGraph& flat, const ScopeTree& tree,
                                      const std::set<std::string>& collapsed, NodeId id);

} // namespace netfold
