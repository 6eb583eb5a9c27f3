#pragma once
// Opening a model the way the CLI, the GUI and the tests do: load it (model/ModelIO, which never
// infers) and run shape inference on it. It lives here because inference is above the model layer.
#include "model/ModelIO.h"

namespace netfold {

/// loadModel, then inferShapes. Throws Error as loadModel does.
Model openModel(const std::string& path, const LoadOptions& options = {});
/// modelFromBytes, then inferShapes.
Model openModelBytes(const std::string& bytes, const LoadOptions& options = {});
/// modelFromProto, then inferShapes.
Model openModelProto(onnx::ModelProto&& proto, const std::string& baseDir, const LoadOptions& options = {});

} // namespace netfold
