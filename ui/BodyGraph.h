#pragma once
#include "model/Graph.h"

#include <memory>

namespace netfold {

/// The graph path leads to below model's main graph, as it is drawn. The main graph is the
/// model's own (aliasing model). A body gets, as named inputs of its own, the values it reads
/// from enclosing scopes (outer-scope reads of If/Loop/Scan bodies), each with the type it has
/// in the scope defining it, so the drawing shows where a body's values come from. nullptr when
/// path leads nowhere.
/// The doc string of the inputs drawableGraph() adds.
inline constexpr const char* kOuterScopeDoc = "outer scope";

std::shared_ptr<const Graph> drawableGraph(const std::shared_ptr<const Model>& model, const GraphPath& path);

} // namespace netfold
