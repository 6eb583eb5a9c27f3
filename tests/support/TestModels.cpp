#include "TestModels.h"

#include "ModelBuilder.h"
#include "TestSupport.h"

#include "model/DataType.h"
#include "model/ModelIO.h"
#include "shape/Open.h"
#include "model/Tensor.h"

#include <map>

namespace netfold::test {

Model chainModel(int blocks)
{
    ModelBuilder b(13, "chain");
    b.input("X", dtype::Float, {"batch", 8});
    b.ints("idx0", {}, {0});
    b.ints("axes0", {1}, {0});
    b.node("Shape", {"X"}, {"xshape"}, "input_shape");
    std::string x = "X";
    for (int i = 0; i < blocks; ++i) {
        const std::string p = "b" + std::to_string(i) + "_";
        b.node("Relu", {x}, {p + "a"}, p + "relu");
        b.node("Add", {p + "a", x}, {p + "b"}, p + "add");
        b.node("Shape", {p + "b"}, {p + "s"}, p + "shape");
        b.node("Gather", {p + "s", "idx0"}, {p + "g"}, p + "gather").attr("axis", int64_t(0));
        b.node("Unsqueeze", {p + "g", "axes0"}, {p + "u"}, p + "unsqueeze");
        b.node("Constant", {}, {p + "tail"}, p + "tail").attr("value", *Tensor::int64Vector({8}));
        b.node("Concat", {p + "u", p + "tail"}, {p + "c"}, p + "concat").attr("axis", int64_t(0));
        b.node("Reshape", {p + "b", p + "c"}, {p + "r"}, p + "reshape");
        x = p + "r";
    }
    b.node("Reshape", {x, "xshape"}, {"Y"}, "final");
    b.output("Y", dtype::Float);
    return b.build();
}

const Model& cachedModel(const QString& file)
{
    static std::map<QString, Model> cache;
    auto it = cache.find(file);
    if (it == cache.end())
        it = cache.emplace(file, openModel(dataPath(file).toStdString())).first;
    return it->second;
}

} // namespace netfold::test
