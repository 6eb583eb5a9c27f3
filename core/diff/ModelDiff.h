#pragma once
#include "model/Graph.h"
#include "util/Json.h"

#include <string>
#include <vector>

namespace netfold {

/// How two models differ (any two models). Nodes are matched by name, then by op type and inputs
/// for unnamed ones, graph by graph: the bodies of matched If/Loop/Scan nodes are compared too,
/// by path ("If 'x' / then_branch"); every node of a body only one model has counts as only there.
struct ModelDiff {
    struct NodeRef {
        std::string label;
        std::string opType;
        std::string where; ///< body path, "" for the main graph
    };
    /// One difference of a matched node, with the old and new value as text.
    struct Change {
        std::string what;   ///< "op type", "input 1", "inputs", "outputs", "attribute 'pads'"
        std::string before; ///< "" when absent in A
        std::string after;  ///< "" when absent in B
    };
    struct Changed {
        std::string label;
        std::string opType;
        std::string where;
        std::vector<Change> changes;
    };
    /// Many nodes that went the same way, summarised: "325 Constant nodes became initializers".
    struct Move {
        std::string kind; ///< "constant" (became initializers), "folded" (into initializers), "moved" (to another graph)
        std::string summary;
        std::vector<NodeRef> nodes;
    };
    struct InitializerRef {
        std::string name;
        std::string where;
        std::string before; ///< "float[3,3]" (changed ones: old and new type, or "values differ")
        std::string after;
    };
    std::vector<NodeRef> onlyInA; ///< removed nodes not covered by a move
    std::vector<NodeRef> onlyInB;
    std::vector<Changed> changed;
    std::vector<Move> moves;
    std::vector<InitializerRef> initializersOnlyInA;
    std::vector<InitializerRef> initializersOnlyInB;
    std::vector<InitializerRef> initializersChanged;
    std::vector<std::string> interfaceChanges; ///< inputs/outputs added, removed or retyped

    /// Nodes only in A, those that became or were folded into initializers included.
    std::size_t removedCount() const;
    /// Nodes that moved from one graph to another (a body inlined ...).
    std::size_t movedCount() const;
    bool identical() const
    {
        return onlyInA.empty() && onlyInB.empty() && changed.empty() && moves.empty() && initializersOnlyInA.empty()
               && initializersOnlyInB.empty() && initializersChanged.empty() && interfaceChanges.empty();
    }
    Json toJson() const;
    std::string toText() const;
};

/// Compares two models: main graphs and the bodies below them.
ModelDiff diffModels(const Model& a, const Model& b);

} // namespace netfold
