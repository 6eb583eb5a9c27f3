#pragma once
#include "model/Graph.h"

namespace netfold {

/// True for a Constant node of the default domain.
bool isConstantNode(const Node& node);

/// The tensor a Constant node produces, from whichever value attribute it has: value,
/// value_float(s), value_int(s) or value_string(s). nullptr for any other node, and for a
/// Constant with none of them (sparse_value included). The one place netfold reads a
/// Constant's value: folding, the evaluator and the inspector all go through it.
TensorPtr constantValue(const Node& node);

} // namespace netfold
