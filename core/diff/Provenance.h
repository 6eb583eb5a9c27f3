#pragma once
#include "passes/Pipeline.h"

#include <map>
#include <string>
#include <vector>

namespace netfold {

/// What became of a node that a range of steps removed, resolved against the model after the
/// last step of the range: the node now doing its work or having absorbed it, and/or the
/// constant (initializer) it was folded into.
struct Outcome {
    NodeId node = kNoNode;
    std::string label;
    std::string opType;
    Fate fate = Fate::Eliminated;
    std::size_t step = 0;        ///< index of the step that removed it
    NodeId intoNode = kNoNode;   ///< a node of the "after" model
    std::string intoValue;       ///< an initializer of the "after" model
};

/// Outcomes of the nodes removed by steps [first, last) of the pipeline, by NodeId.
std::map<NodeId, Outcome> provenance(const Pipeline& pipeline, std::size_t first, std::size_t last);

/// The removed nodes that went into a node (or, with value set, a constant) of the "after" model.
std::vector<NodeId> absorbedInto(const std::map<NodeId, Outcome>& outcomes, NodeId node, const std::string& value = {});

} // namespace netfold
