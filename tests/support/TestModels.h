#pragma once
// Models shared by several suites.
#include "model/Graph.h"

#include <QString>

namespace netfold::test {

/// A residual chain of blocks (Relu, Add, Shape -> Gather -> Unsqueeze -> Concat(Constant) ->
/// Reshape) long enough to be chunked, plus one edge spanning the whole graph (Shape of the
/// input, read by the last Reshape) that must become a stub.
Model chainModel(int blocks);

/// A fixture under tests/data, loaded once per test process.
const Model& cachedModel(const QString& file);

} // namespace netfold::test
