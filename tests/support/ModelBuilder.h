#pragma once
#include "model/Graph.h"

#include <onnx/onnx_pb.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace netfold::test {

/// A dimension given as a number or a symbolic name.
struct DimSpec {
    DimSpec(int64_t v) : value(v) {}
    DimSpec(int v) : value(v) {}
    DimSpec(const char* p) : param(p) {}
    int64_t value = -1;
    std::string param;
};

/// Builds synthetic ONNX models for tests, straight as protobuf (so broken models can be made too).
class ModelBuilder {
public:
    explicit ModelBuilder(int64_t opset = 15, const std::string& graphName = "test");

    ModelBuilder& input(const std::string& name, int32_t dtype, std::vector<DimSpec> dims);
    ModelBuilder& output(const std::string& name, int32_t dtype = 0, std::vector<DimSpec> dims = {}, bool withShape = false);
    ModelBuilder& initializer(const std::string& name, const Tensor& tensor);
    ModelBuilder& floats(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& values);
    ModelBuilder& ints(const std::string& name, std::vector<int64_t> dims, const std::vector<int64_t>& values);
    /// Adds a node; attributes follow with attr*(...) on the returned proto's builder calls below.
    ModelBuilder& node(const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs,
                       const std::string& name = {}, const std::string& domain = {});
    ModelBuilder& attr(const std::string& name, int64_t value);
    ModelBuilder& attr(const std::string& name, float value);
    ModelBuilder& attr(const std::string& name, const std::string& value);
    ModelBuilder& attr(const std::string& name, std::vector<int64_t> values);
    ModelBuilder& attrFloats(const std::string& name, std::vector<float> values);
    ModelBuilder& attr(const std::string& name, const Tensor& value);
    ModelBuilder& attrGraph(const std::string& name, const onnx::GraphProto& graph);
    ModelBuilder& opset(const std::string& domain, int64_t version);

    onnx::ModelProto& proto() { return m_model; }
    /// The graph so far (for use as a subgraph).
    const onnx::GraphProto& graph() const { return m_model.graph(); }
    std::string bytes() const;
    /// Loads the built model through netfold's loader (shape inference on).
    Model build(bool inferShapes = true) const;
    /// Writes the model to a file.
    void save(const std::string& path) const;

private:
    onnx::ModelProto m_model;
    onnx::NodeProto* m_last = nullptr;
};

/// y = x + DFT(ConstantOfShape([1, 65536, 1])) at opset 17: folding the DFT is 2^32 steps, tens of
/// seconds, for the fold's time cap and Cancel.
ModelBuilder slowFoldModel();

/// y = x + Expand(c, [1024, 1024]) at opset 17, nodes '/blk/Expand' and '/blk/Add': the Expand's
/// 4 MB output is over the default 1.5 MB size limit, so folding keeps it at that limit.
ModelBuilder bigExpandModel();

} // namespace netfold::test
