#include "shape/Open.h"

#include "shape/ShapeInference.h"

#include <onnx/onnx_pb.h>

namespace netfold {

namespace {

Model inferred(Model model)
{
    inferShapes(model);
    return model;
}

} // namespace

Model openModel(const std::string& path, const LoadOptions& options)
{
    return inferred(loadModel(path, options));
}

Model openModelBytes(const std::string& bytes, const LoadOptions& options)
{
    return inferred(modelFromBytes(bytes, options));
}

Model openModelProto(onnx::ModelProto&& proto, const std::string& baseDir, const LoadOptions& options)
{
    return inferred(modelFromProto(std::move(proto), baseDir, options));
}

} // namespace netfold
