#include "ModelBuilder.h"

#include "model/DataType.h"

#include "model/ModelIO.h"
#include "shape/Open.h"

#include <fstream>
#include <stdexcept>

namespace netfold::test {

namespace {
void setType(onnx::ValueInfoProto* v, int32_t dtype, const std::vector<DimSpec>& dims, bool withShape)
{
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(dtype);
    if (!withShape)
        return;
    auto* s = t->mutable_shape();
    for (const auto& d : dims) {
        auto* pd = s->add_dim();
        if (!d.param.empty())
            pd->set_dim_param(d.param);
        else if (d.value >= 0)
            pd->set_dim_value(d.value);
    }
}
} // namespace

ModelBuilder::ModelBuilder(int64_t opset, const std::string& graphName)
{
    m_model.set_ir_version(8);
    m_model.set_producer_name("netfold-tests");
    auto* o = m_model.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    m_model.mutable_graph()->set_name(graphName);
}

ModelBuilder& ModelBuilder::opset(const std::string& domain, int64_t version)
{
    for (auto& o : *m_model.mutable_opset_import())
        if (o.domain() == domain) {
            o.set_version(version);
            return *this;
        }
    auto* o = m_model.add_opset_import();
    o->set_domain(domain);
    o->set_version(version);
    return *this;
}

ModelBuilder& ModelBuilder::input(const std::string& name, int32_t dtype, std::vector<DimSpec> dims)
{
    auto* v = m_model.mutable_graph()->add_input();
    v->set_name(name);
    setType(v, dtype, dims, true);
    return *this;
}

ModelBuilder& ModelBuilder::output(const std::string& name, int32_t dtype, std::vector<DimSpec> dims, bool withShape)
{
    auto* v = m_model.mutable_graph()->add_output();
    v->set_name(name);
    if (dtype)
        setType(v, dtype, dims, withShape || !dims.empty());
    return *this;
}

ModelBuilder& ModelBuilder::initializer(const std::string& name, const Tensor& tensor)
{
    tensor.toProto(*m_model.mutable_graph()->add_initializer(), name);
    return *this;
}

ModelBuilder& ModelBuilder::floats(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& values)
{
    std::vector<double> d(values.begin(), values.end());
    return initializer(name, *Tensor::fromDoubles(1, std::move(dims), d));
}

ModelBuilder& ModelBuilder::ints(const std::string& name, std::vector<int64_t> dims, const std::vector<int64_t>& values)
{
    return initializer(name, *Tensor::int64s(values, std::move(dims)));
}

ModelBuilder& ModelBuilder::node(const std::string& op, std::vector<std::string> inputs,
                                 std::vector<std::string> outputs, const std::string& name, const std::string& domain)
{
    m_last = m_model.mutable_graph()->add_node();
    m_last->set_op_type(op);
    m_last->set_name(name);
    if (!domain.empty())
        m_last->set_domain(domain);
    for (auto& i : inputs)
        m_last->add_input(i);
    for (auto& o : outputs)
        m_last->add_output(o);
    return *this;
}

#define NETFOLD_NEW_ATTR(kind)                                                                                           \
    if (!m_last)                                                                                                       \
        throw std::logic_error("attr() before node()");                                                                \
    auto* a = m_last->add_attribute();                                                                                 \
    a->set_name(name);                                                                                                 \
    a->set_type(onnx::AttributeProto::kind)

ModelBuilder& ModelBuilder::attr(const std::string& name, int64_t value)
{
    NETFOLD_NEW_ATTR(INT);
    a->set_i(value);
    return *this;
}

ModelBuilder& ModelBuilder::attr(const std::string& name, float value)
{
    NETFOLD_NEW_ATTR(FLOAT);
    a->set_f(value);
    return *this;
}

ModelBuilder& ModelBuilder::attr(const std::string& name, const std::string& value)
{
    NETFOLD_NEW_ATTR(STRING);
    a->set_s(value);
    return *this;
}

ModelBuilder& ModelBuilder::attr(const std::string& name, std::vector<int64_t> values)
{
    NETFOLD_NEW_ATTR(INTS);
    for (auto v : values)
        a->add_ints(v);
    return *this;
}

ModelBuilder& ModelBuilder::attrFloats(const std::string& name, std::vector<float> values)
{
    NETFOLD_NEW_ATTR(FLOATS);
    for (auto v : values)
        a->add_floats(v);
    return *this;
}

ModelBuilder& ModelBuilder::attr(const std::string& name, const Tensor& value)
{
    NETFOLD_NEW_ATTR(TENSOR);
    value.toProto(*a->mutable_t(), "");
    return *this;
}

ModelBuilder& ModelBuilder::attrGraph(const std::string& name, const onnx::GraphProto& graph)
{
    NETFOLD_NEW_ATTR(GRAPH);
    a->mutable_g()->CopyFrom(graph);
    return *this;
}

#undef NETFOLD_NEW_ATTR

std::string ModelBuilder::bytes() const
{
    std::string out;
    m_model.SerializeToString(&out);
    return out;
}

Model ModelBuilder::build(bool inferShapes) const
{
    return inferShapes ? openModelBytes(bytes()) : modelFromBytes(bytes());
}

void ModelBuilder::save(const std::string& path) const
{
    std::ofstream out(path, std::ios::binary);
    out << bytes();
    if (!out)
        throw std::runtime_error("cannot write " + path);
}

ModelBuilder slowFoldModel()
{
    ModelBuilder b(17);
    b.input("x", dtype::Float, {1, 65536, 2}).output("y", dtype::Float);
    b.ints("shape", {3}, {1, 65536, 1});
    b.node("ConstantOfShape", {"shape"}, {"zeros"});
    b.node("DFT", {"zeros"}, {"spectrum"}).attr("axis", int64_t(1));
    b.node("Add", {"x", "spectrum"}, {"y"});
    return b;
}

ModelBuilder bigExpandModel()
{
    ModelBuilder b(17);
    b.input("x", dtype::Float, {1024, 1024}).output("y", dtype::Float);
    b.floats("c", {1, 1}, {1.0f}).ints("shape", {2}, {1024, 1024});
    b.node("Expand", {"c", "shape"}, {"big"}, "/blk/Expand").node("Add", {"x", "big"}, {"y"}, "/blk/Add");
    return b;
}

} // namespace netfold::test
