#include "model/Constant.h"

#include "model/DataType.h"
#include "model/Tensor.h"

#include <onnx/onnx_pb.h>

namespace netfold {

bool isConstantNode(const Node& node) { return node.opType == "Constant" && node.domain.empty(); }

TensorPtr constantValue(const Node& node)
{
    if (!isConstantNode(node))
        return nullptr;
    if (node.hasAttribute("value"))
        return node.attrTensor("value");
    if (const auto* a = node.attribute("value_float"))
        return Tensor::scalar(dtype::Float, a->f());
    if (const auto* a = node.attribute("value_floats"))
        return Tensor::fromDoubles(dtype::Float, {a->floats_size()},
                                   std::vector<double>(a->floats().begin(), a->floats().end()));
    if (const auto* a = node.attribute("value_int"))
        return Tensor::int64s({a->i()}, {});
    if (const auto* a = node.attribute("value_ints"))
        return Tensor::int64Vector(std::vector<int64_t>(a->ints().begin(), a->ints().end()));
    if (const auto* a = node.attribute("value_string"))
        return std::make_shared<const Tensor>(std::vector<int64_t>{}, std::vector<std::string>{a->s()});
    if (const auto* a = node.attribute("value_strings"))
        return std::make_shared<const Tensor>(std::vector<int64_t>{a->strings_size()},
                                              std::vector<std::string>(a->strings().begin(), a->strings().end()));
    return nullptr;
}

} // namespace netfold
