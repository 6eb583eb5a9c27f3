#pragma once
#include "../model/Graph.h"
#include "../util/Json.h"

#include <string>
#include <vector>

namespace netfold {

/// How two models differ (any two models; nodes are matched by name, then by op type and
/// inputs for unnamed ones).
struct ModelDiff {
    struct NodeRef {
        std::string label;
        std::string opType;
    };
    struct Changed {
        std::string label;
        std::string opType;
        std::vector<std::string> what; ///< "inputs", "attribute 'pads'", "op type Conv -> ConvTranspose"
    };
    std::vector<NodeRef> onlyInA;
    std::vector<NodeRef> onlyInB;
    std::vector<Changed> changed;
    std::vector<std::string> initializersOnlyInA;
    std::vector<std::string> initializersOnlyInB;
    std::vector<std::string> initializersChanged;
    std::vector<std::string> interfaceChanges; ///< inputs/outputs added, removed or retyped

    bool identical() const
    {
        return onlyInA.empty() && onlyInB.empty() && changed.empty() && initializersOnlyInA.empty()
               && initializersOnlyInB.empty() && initializersChanged.empty() && interfaceChanges.empty();
    }
    Json toJson() const;
    std::string toText() const;
};

/// Compares the main graphs of two models.
ModelDiff diffModels(const Model& a, const Model& b);

} // namespace netfold
