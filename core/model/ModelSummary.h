#pragma once
#include "util/Format.h"
#include "util/Json.h"
#include "model/Graph.h"

#include <map>
#include <string>
#include <vector>

namespace netfold {

/// What `netfold-cli info --json` prints: counts, inputs, outputs, initializers, inference notes.
Json modelInfoJson(const Model& model);
/// The same as readable text.
std::string modelInfoText(const Model& model);
/// A value's name, dtype and shape as JSON ({name, dtype, shape: [1, "batch", null]}).
Json valueInfoJson(const std::string& name, const ValueType& type);
/// Op type counts of a graph and every If/Loop/Scan body below it (opCounts counts the top level).
std::map<std::string, int> opCountsTotal(const Graph& graph);
/// The bodies a path goes through, as text: "If 'x' / then_branch" ("" for the main graph).
std::string graphPathText(const Graph& root, const GraphPath& path);
/// Where a node is: "If 'x' / then_branch / Relu_7", or just its label in the main graph;
/// "" when root has no such node.
std::string nodePathText(const Graph& root, NodeId node);

/// Values (in the main graph and in bodies) whose shape is unknown, grouped by why.
struct UnknownShapes {
    struct Value {
        std::string name;
        std::string where; ///< body path ("" for the main graph)
        std::string node;  ///< producing node label ("" for a graph input)
    };
    struct Group {
        std::string reason;
        std::vector<Value> values;
    };
    std::vector<Group> groups;
    std::size_t count() const;
};
UnknownShapes unknownShapes(const Model& model);

} // namespace netfold
