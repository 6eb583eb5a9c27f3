#pragma once
#include "../util/Format.h"
#include "../util/Json.h"
#include "Graph.h"

#include <string>

namespace netfold {

/// What `netfold-cli info --json` prints: counts, inputs, outputs, initializers, inference notes.
Json modelInfoJson(const Model& model);
/// The same as readable text.
std::string modelInfoText(const Model& model);
/// A value's name, dtype and shape as JSON ({name, dtype, shape: [1, "batch", null]}).
Json valueInfoJson(const std::string& name, const ValueType& type);

} // namespace netfold
