#include "shape/ShapeInference.h"

#include "model/DataType.h"
#include "util/Error.h"
#include "model/ModelIO.h"
#include "shape/OpsetRules.h"
#include "shape/OpsetTable.h"

#include <onnx/defs/schema.h>
#include <onnx/defs/tensor_proto_util.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <google/protobuf/arena.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_set>

namespace netfold {

namespace {

/// ai.onnx ops whose inputs, attributes or semantics changed in opsets 18-21 beyond new
/// element types; their opset-17 definitions cannot stand in for them.
const std::set<std::string>& changedAfter17()
{
    static const std::set<std::string> ops = {
        "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin",
        "ReduceProd", "ReduceSumSquare", "Split", "Pad", "Resize", "ScatterElements", "ScatterND", "LpPool",
        "Col2Im", "CenterCropPad", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "BitwiseNot", "Mish",
        "GroupNormalization", "AveragePool", "DeformConv", "DFT", "GridSample", "AffineGrid", "Gelu",
        "ImageDecoder", "RegexFullMatch", "StringConcat", "StringSplit", "QLinearMatMul", "OptionalHasElement",
        "OptionalGetElement"};
    return ops;
}

constexpr int64_t kMaxInputDataElements = 1 << 16;
/// The highest output rank inference builds from a length alone (see shapeInputIndex).
constexpr int64_t kMaxInferredRank = 1024;
/// Prefix of the notes for nodes kept from ONNX inference because it would crash on them.
constexpr const char* kUnsafe = "Not handed to ONNX inference: ";

/// OpSchemaRegistry lookups are slow (they take a lock and walk maps); schemas never change.
const onnx::OpSchema* cachedSchema(const std::string& op, int version, const std::string& domain)
{
    static std::mutex mutex;
    static std::map<std::tuple<std::string, int, std::string>, const onnx::OpSchema*> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto key = std::make_tuple(op, version, domain);
    auto it = cache.find(key);
    if (it == cache.end())
        it = cache.emplace(key, onnx::OpSchemaRegistry::Schema(op, version, domain)).first;
    return it->second;
}

/// Every op whose ONNX 1.12 inference onnxHazard, typeHazard or the shape-input check keep
/// nodes from (a local function holding one is not handed to ONNX: its nodes go unchecked).
const std::set<std::string> kGuardedOps = {
    "AveragePool", "Conv", "ConvInteger", "ConvTranspose", "ConstantOfShape", "DepthToSpace", "Einsum", "Expand",
    "GRU", "GatherND", "Gemm", "LSTM", "LayerNormalization", "LpPool", "MaxPool", "MaxRoiPool", "MaxUnpool",
    "QLinearConv", "RNN", "Reshape", "Resize", "STFT", "Scan", "SpaceToDepth", "Split", "SplitToSequence"};

/// Attribute values ONNX 1.12's own inference functions cannot take without crashing (they
/// truncate int64 to int and divide by it ...): a note instead of handing the node to ONNX.
std::string onnxHazard(const Node& node)
{
    auto outOfRange = [](const std::string& attr, const std::string& value) {
        return "Attribute " + quote(attr) + " " + value + " is out of range; outputs not inferred.";
    };
    const std::string& op = node.opType;
    if (!node.domain.empty())
        return {};
    if (op == "DepthToSpace" || op == "SpaceToDepth") {
        const int64_t b = node.attrInt("blocksize", 0);
        if (b < 1 || b > (int64_t(1) << 30))
            return outOfRange("blocksize", std::to_string(b));
    }
    if (op == "GatherND") {
        // Added to the indices' last dim and compared with the data's rank only from above: a
        // negative one indexed the data's dims below 0.
        const int64_t b = node.attrInt("batch_dims", 0);
        if (b < 0 || b > kMaxInferredRank)
            return outOfRange("batch_dims", std::to_string(b));
    }
    if (op == "Conv" || op == "ConvInteger" || op == "QLinearConv" || op == "MaxPool" || op == "AveragePool"
        || op == "LpPool") {
        // convPoolShapeInference divides by the strides.
        for (const char* attr : {"strides", "dilations"})
            for (int64_t v : node.attrInts(attr))
                if (v < 1)
                    return outOfRange(attr, "(a value of " + std::to_string(v) + ")");
    }
    if (op == "Einsum") {
        // Without "->", each letter is counted in a table indexed by letter - 'a': anything but
        // a lower-case letter wrote outside it.
        const std::string eq = node.attrString("equation");
        if (eq.find("->") == std::string::npos)
            for (char c : eq)
                if (!((c >= 'a' && c <= 'z') || c == ',' || c == '.' || c == ' '))
                    return "Attribute 'equation' " + quote(eq)
                           + " has no output term and a symbol other than a-z, which ONNX 1.12's inference cannot "
                             "count; outputs not inferred.";
    }
    if (op == "Scan") {
        // Sizes its axes by num_scan_inputs and subtracts it from the input count.
        const int64_t n = node.attrInt("num_scan_inputs", 0);
        if (n < 1 || n > static_cast<int64_t>(node.inputs.size()))
            return outOfRange("num_scan_inputs", std::to_string(n) + " for " + std::to_string(node.inputs.size())
                                                     + " inputs");
    }
    if (op == "Split" && node.outputs.empty())
        return "it has no outputs, and ONNX 1.12's Split divides by their count.";
    if (op == "MaxRoiPool" && node.attrInts("pooled_shape").size() != 2)
        return "Attribute 'pooled_shape' needs 2 values; outputs not inferred.";
    for (const auto& sg : node.subgraphs)
        for (const auto& n : sg.graph->nodes) {
            std::string why = onnxHazard(n);
            if (!why.empty())
                return "Body node " + quote(n.label()) + ": " + why;
        }
    return {};
}

/// Which inputs' values (constant data or propagated shape data) an inference function read.
// The node as ONNX's checks and inference functions see it: its attributes, netfold's inputs
// and outputs (passes rewire them without touching the proto) and, when asked, its bodies as
// they are now.
onnx::NodeProto nodeProtoOf(const Node& node, bool withBodies)
{
    onnx::NodeProto np;
    if (node.proto)
        np.CopyFrom(*node.proto);
    np.clear_input();
    np.clear_output();
    for (const auto& i : node.inputs)
        np.add_input(i);
    for (const auto& o : node.outputs)
        np.add_output(o);
    np.set_op_type(node.opType);
    np.set_domain(node.domain);
    if (withBodies)
        for (const auto& sg : node.subgraphs)
            for (auto& a : *np.mutable_attribute())
                if (a.name() == sg.attribute)
                    graphToProto(*sg.graph, *a.mutable_g());
    return np;
}

struct ReadLog {
    std::vector<int> inputs;
    void note(std::size_t i) { inputs.push_back(static_cast<int>(i)); }
    void normalise()
    {
        std::sort(inputs.begin(), inputs.end());
        inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
    }
};

struct RecordingInferenceContext : onnx::shape_inference::InferenceContextImpl {
    using InferenceContextImpl::InferenceContextImpl;
    ReadLog* log = nullptr;
    const onnx::TensorProto* getInputData(std::size_t i) const override
    {
        log->note(i);
        return InferenceContextImpl::getInputData(i);
    }
    const onnx::TensorShapeProto* getSymbolicInput(std::size_t i) const override
    {
        log->note(i);
        return InferenceContextImpl::getSymbolicInput(i);
    }
    const onnx::SparseTensorProto* getInputSparseData(std::size_t i) const override
    {
        log->note(i);
        return InferenceContextImpl::getInputSparseData(i);
    }
};

struct RecordingPropagationContext : onnx::shape_inference::DataPropagationContextImpl {
    using DataPropagationContextImpl::DataPropagationContextImpl;
    ReadLog* log = nullptr;
    const onnx::TensorShapeProto* getInputData(std::size_t i) override
    {
        log->note(i);
        return DataPropagationContextImpl::getInputData(i);
    }
};

/// What inference gave a node: the output types and propagated shape data, by output.
struct MemoResult {
    std::vector<onnx::TypeProto> types;
    std::vector<std::unique_ptr<onnx::TensorShapeProto>> shapeData;
};

/// Results of nodes alike in op, attributes and input types (repeated blocks), so each kind of
/// node goes through ONNX once. The functions are deterministic in what they read: the op and
/// attributes, the input types, and the values of the inputs they read, which the first run
/// records; a later node reuses the result when those values match too.
struct MemoEntry {
    std::vector<int> reads;
    std::unordered_map<std::string, MemoResult> byValues;
};

constexpr std::size_t kMaxMemoKeyBytes = 4096;

/// Does the node's inference depend on nothing but the key (no bodies, no Constant value, no
/// function expansion)?
bool memoizable(const Node& node, const onnx::OpSchema* schema, int ruleVersion)
{
    if (!node.subgraphs.empty() || node.opType == "Constant" || !node.proto)
        return false;
    return ruleVersion || (schema && schema->has_type_and_shape_inference_function());
}

/// Dim names in a type (tensor shapes, also inside sequences and optionals).
void collectParams(const onnx::TypeProto& t, std::vector<std::string>& out)
{
    const onnx::TypeProto_Tensor* tensor = t.has_tensor_type()                                   ? &t.tensor_type()
                                           : t.has_sequence_type() && t.sequence_type().elem_type().has_tensor_type()
                                               ? &t.sequence_type().elem_type().tensor_type()
                                           : t.has_optional_type() && t.optional_type().elem_type().has_tensor_type()
                                               ? &t.optional_type().elem_type().tensor_type()
                                               : nullptr;
    if (tensor && tensor->has_shape())
        for (const auto& d : tensor->shape().dim())
            if (d.has_dim_param())
                out.push_back(d.dim_param());
}

bool hasPlaceholder(const std::vector<std::string>& params, const std::vector<std::string>& known)
{
    for (const auto& p : params)
        if (p.rfind("unk__", 0) == 0 && std::find(known.begin(), known.end(), p) == known.end())
            return true;
    return false;
}

/// The input ONNX reads as an output shape (getShapeInput: ConstantOfShape's, Expand's and
/// Reshape's shape, Resize's sizes), or npos.
std::size_t shapeInputIndex(const Node& node)
{
    if (!node.domain.empty())
        return std::string::npos;
    if (node.opType == "ConstantOfShape")
        return 0;
    if (node.opType == "Expand" || node.opType == "Reshape")
        return 1;
    if (node.opType == "Resize")
        return 3;
    return std::string::npos;
}

/// Clears dims below 0 (in tensors, and in the element types of sequences and optionals).
void dropNegativeDims(onnx::TypeProto& t)
{
    switch (t.value_case()) {
    case onnx::TypeProto::kTensorType:
        if (t.tensor_type().has_shape())
            for (auto& d : *t.mutable_tensor_type()->mutable_shape()->mutable_dim())
                if (d.has_dim_value() && d.dim_value() < 0)
                    d.clear_dim_value();
        break;
    case onnx::TypeProto::kSparseTensorType:
        if (t.sparse_tensor_type().has_shape())
            for (auto& d : *t.mutable_sparse_tensor_type()->mutable_shape()->mutable_dim())
                if (d.has_dim_value() && d.dim_value() < 0)
                    d.clear_dim_value();
        break;
    case onnx::TypeProto::kSequenceType:
        if (t.sequence_type().has_elem_type())
            dropNegativeDims(*t.mutable_sequence_type()->mutable_elem_type());
        break;
    case onnx::TypeProto::kOptionalType:
        if (t.optional_type().has_elem_type())
            dropNegativeDims(*t.mutable_optional_type()->mutable_elem_type());
        break;
    default:
        break;
    }
}

/// The values of an int64 or int32 scalar or vector constant of up to kMaxInferredRank values
/// (validated on loading), or nothing.
std::optional<std::vector<int64_t>> intValues(const std::unordered_map<std::string, const onnx::TensorProto*>& data,
                                              const std::string& name)
{
    auto it = data.find(name);
    if (it == data.end() || it->second->data_location() == onnx::TensorProto::EXTERNAL || it->second->dims_size() > 1
        || (it->second->dims_size() == 1 && it->second->dims(0) > kMaxInferredRank))
        return std::nullopt;
    if (it->second->data_type() == onnx::TensorProto::INT64)
        return onnx::ParseData<int64_t>(it->second);
    if (it->second->data_type() == onnx::TensorProto::INT32) {
        const auto v = onnx::ParseData<int32_t>(it->second);
        return std::vector<int64_t>(v.begin(), v.end());
    }
    return std::nullopt;
}

/// Input types ONNX 1.12's inference functions cannot take without crashing or exhausting
/// memory (they index dims without checking the rank, or build one dim per declared value): a
/// note instead of handing the node to ONNX.
std::string typeHazard(const Node& node, const std::unordered_map<std::string, onnx::TypeProto*>& types,
                       const std::unordered_map<std::string, const onnx::TensorProto*>& data)
{
    if (!node.domain.empty())
        return {};
    // The rank of input i: -2 absent, -1 unknown.
    auto rankOf = [&](std::size_t i) -> int {
        if (i >= node.inputs.size() || node.inputs[i].empty())
            return -2;
        auto t = types.find(node.inputs[i]);
        if (t == types.end() || !t->second->has_tensor_type() || !t->second->tensor_type().has_shape())
            return -1;
        return t->second->tensor_type().shape().dim_size();
    };
    auto dimsOf = [&](std::size_t i) -> const onnx::TensorShapeProto* {
        if (rankOf(i) < 0)
            return nullptr;
        return &types.at(node.inputs[i])->tensor_type().shape();
    };
    auto needRank = [&](std::size_t i, int want, const char* what) -> std::string {
        const int r = rankOf(i);
        if (r >= 0 && r != want)
            return std::string("its ") + what + " has rank " + std::to_string(r) + ", not " + std::to_string(want)
                   + "; outputs not inferred.";
        return {};
    };
    const std::string& op = node.opType;
    // Dims ONNX 1.12 reads by position without looking at the rank.
    if (op == "Gemm")
        for (std::size_t i : {0, 1})
            if (std::string why = needRank(i, 2, i == 0 ? "input A" : "input B"); !why.empty())
                return why;
    if (op == "RNN" || op == "GRU" || op == "LSTM")
        if (std::string why = needRank(0, 3, "input X"); !why.empty())
            return why;
    if (op == "MaxRoiPool")
        if (std::string why = needRank(0, 4, "input X"); !why.empty())
            return why;
    if (op == "MaxUnpool" && rankOf(2) == -2 && rankOf(1) < 2)
        return "its indices have " + std::string(rankOf(1) < 0 ? "no known shape" : "rank " + std::to_string(rankOf(1)))
               + " and there is no output_shape; outputs not inferred.";
    if (op == "LayerNormalization") {
        // Mean's dims are written at the axis, which is never range-checked.
        if (const int r = rankOf(0); r >= 0) {
            const int64_t axis = node.attrInt("axis", -1);
            if (r == 0 || axis < -r || axis >= r)
                return "Attribute 'axis' " + std::to_string(axis) + " is out of range for an input of rank "
                       + std::to_string(r) + "; outputs not inferred.";
        }
    }
    if ((op == "Conv" || op == "ConvInteger" || op == "QLinearConv" || op == "MaxPool" || op == "AveragePool"
         || op == "LpPool")
        && node.attribute("auto_pad") && node.attrString("auto_pad") != "VALID" && !node.attribute("pads")) {
        // Without pads, any auto_pad but VALID (NOTSET too) has the padding found by subtracting
        // the stride until less than one is left: dim/stride steps.
        if (const auto* x = dimsOf(0)) {
            const auto strides = node.attrInts("strides");
            for (int d = 2; d < x->dim_size(); ++d) {
                const int64_t stride = std::size_t(d - 2) < strides.size() ? std::max<int64_t>(strides[std::size_t(d - 2)], 1) : 1;
                if (x->dim(d).has_dim_value() && x->dim(d).dim_value() / stride > (int64_t(1) << 24))
                    return "auto_pad " + node.attrString("auto_pad") + " over a spatial dim of "
                           + std::to_string(x->dim(d).dim_value()) + " is too long for ONNX 1.12's padding "
                           "arithmetic; outputs not inferred.";
            }
        }
    }
    if (op == "Reshape") {
        // The products of the data's dims and of the shape's values are taken modulo each other
        // unchecked: past int64 they wrap (INT64_MIN % -1 traps).
        int64_t product = 1;
        bool wraps = false;
        if (const auto* x = dimsOf(0))
            for (const auto& d : x->dim())
                if (d.has_dim_value() && d.dim_value() > 0)
                    wraps = wraps || __builtin_mul_overflow(product, d.dim_value(), &product);
        product = 1;
        if (node.inputs.size() > 1)
            if (const auto shape = intValues(data, node.inputs[1]))
                for (int64_t v : *shape)
                    if (v > 0)
                        wraps = wraps || __builtin_mul_overflow(product, v, &product);
        if (wraps)
            return "the dims of its data or the values of its shape multiply past int64; outputs not inferred.";
    }
    if (op == "SplitToSequence" && rankOf(1) == 0) {
        // A scalar split is the divisor of the axis's length.
        if (const auto v = intValues(data, node.inputs[1]); v && !v->empty() && v->front() < 1)
            return "its split " + std::to_string(v->front()) + " is not positive; outputs not inferred.";
    }
    if (op == "Conv" || op == "ConvTranspose" || op == "ConvInteger" || op == "QLinearConv") {
        // The weight shape is indexed by the input's rank (fuzz find for ConvInteger, campaign
        // at 0a510b2: a SEGV in libonnx).
        const int x = rankOf(0), w = rankOf(op == "QLinearConv" ? 3 : 1);
        if (x >= 0 && w >= 0 && (x != w || x < 3))
            return "its input and weights have ranks " + std::to_string(x) + " and " + std::to_string(w)
                   + "; outputs not inferred.";
    }
    if (node.opType == "STFT") {
        // Dims 0 and 1 of the signal and dim 0 of the window are read unchecked (fuzz find,
        // campaign at b578895: a SEGV in libonnx).
        const int signal = rankOf(0), window = rankOf(2);
        if (signal < 2 || window == -1 || window == 0)
            return "the signal's rank (or the window's) is unknown or too small for ONNX's STFT inference; outputs "
                   "not inferred.";
    }
    if (const std::size_t at = shapeInputIndex(node); rankOf(at) == 1) {
        // Unread, a shape input gives the output one dim per value (ONNX's getShapeInput, and
        // netfold's rules that call it): a declared length of 2^40 would exhaust memory.
        const auto& dim = types.at(node.inputs[at])->tensor_type().shape().dim(0);
        if (dim.dim_value() > kMaxInferredRank)
            return "its shape input " + quote(node.inputs[at]) + " has " + std::to_string(dim.dim_value())
                   + " values, over the rank limit of " + std::to_string(kMaxInferredRank) + "; outputs not inferred.";
    }
    return {};
}

/// ONNX 1.12's MathOpDataPropagator (Add, Sub, Mul, Div) broadcasts a one-element shape value
/// against an empty one by reading element 0 of the empty one: those nodes get no propagation.
bool unsafePropagation(const Node& node, const std::unordered_map<std::string, const onnx::TensorProto*>& data,
                       const std::unordered_map<std::string, onnx::TensorShapeProto>& shapeData)
{
    if (!node.domain.empty() || node.inputs.size() < 2)
        return false;
    auto size = [&](const std::string& name) -> int64_t {
        if (auto it = shapeData.find(name); it != shapeData.end())
            return it->second.dim_size();
        if (auto it = data.find(name); it != data.end() && it->second->dims_size() <= 1)
            return it->second->dims_size() == 0 ? 1 : it->second->dims(0);
        return -1;
    };
    if (node.opType == "Add" || node.opType == "Sub" || node.opType == "Mul" || node.opType == "Div") {
        const int64_t a = size(node.inputs[0]), b = size(node.inputs[1]);
        return (a == 0 && b == 1) || (a == 1 && b == 0);
    }
    if (node.opType == "Slice" && node.inputs.size() >= 3) {
        // Slice's propagator reads element 0 of an empty shape for a negative step, and walks
        // with an int whose step of 2^32 truncates to 0 (an endless loop adding dims).
        if (size(node.inputs[0]) == 0)
            return true;
        if (node.inputs.size() >= 5 && !node.inputs[4].empty()) {
            std::vector<int64_t> steps;
            if (auto it = shapeData.find(node.inputs[4]); it != shapeData.end()) {
                for (const auto& d : it->second.dim())
                    steps.push_back(d.has_dim_value() ? d.dim_value() : 1);
            } else if (auto v = intValues(data, node.inputs[4])) {
                steps = std::move(*v);
            }
            for (int64_t v : steps)
                if (v == 0 || v <= -(int64_t(1) << 30) || v >= (int64_t(1) << 30))
                    return true;
        }
    }
    return false;
}

/// An ONNX exception's text on one line, ending in a full stop.
std::string oneLine(std::string msg)
{
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
        msg.pop_back();
    for (auto& c : msg)
        if (c == '\n')
            c = ' ';
    return msg + (msg.empty() || msg.back() == '.' ? "" : ".");
}

struct Inferencer {
    const Model& model;
    std::unordered_map<std::string, int> opsetImports;
    /// The model's local functions by "domain:name"; ONNX's inference keeps a reference to this
    /// map in every GraphInferenceContext, so it lives as long as the Inferencer.
    onnx::shape_inference::ModelLocalFunctionsMap localFunctions;
    /// Local functions ONNX may infer, by "domain:name" (see functionInferable).
    std::map<std::string, bool> inferableFunctions;

    /// ONNX infers a local function's nodes itself, without Verify and without the hazard checks
    /// here, following calls into other functions without a depth limit: a call is handed to it
    /// only when no function on the way calls itself, holds a body, or holds an op those checks
    /// look at.
    bool functionInferable(const onnx::FunctionProto& f)
    {
        const std::string key = f.domain() + ":" + f.name();
        if (auto it = inferableFunctions.find(key); it != inferableFunctions.end())
            return it->second;
        inferableFunctions[key] = false; // while its body is looked at: a call back is recursion
        bool ok = true;
        for (const auto& n : f.node()) {
            for (const auto& a : n.attribute())
                ok = ok && !a.has_g() && a.graphs_size() == 0;
            if (n.domain().empty() || n.domain() == "ai.onnx")
                ok = ok && !kGuardedOps.count(n.op_type());
            else if (auto callee = localFunctions.find(n.domain() + ":" + n.op_type()); callee != localFunctions.end())
                ok = ok && functionInferable(*callee->second);
            if (!ok)
                break;
        }
        inferableFunctions[key] = ok;
        return ok;
    }
    /// Nodes whose schema check (ONNX's Verify or netfold's opset rule) failed. ONNX infers the
    /// nodes of a body again itself, without that check: a body holding one is not handed over.
    int rejectedNodes = 0;
    /// How deep in bodies run() is (0: the graph inference was asked for).
    int depth = 0;

    /// Inferred and declared types live here; freed at once when the Inferencer goes.
    google::protobuf::Arena arena;
    std::unordered_map<std::string, MemoEntry> memo;
    bool useMemo = true;
    int memoHits = 0;
    /// Inferring a body (types from enclosing graphs visible).
    bool nested = false;

    explicit Inferencer(const Model& m) : model(m)
    {
        for (const auto& o : m.opsets)
            opsetImports[o.domain] = static_cast<int>(o.version);
        if (m.extras)
            for (const auto& f : m.extras->functions())
                localFunctions[f.domain() + ":" + f.name()] = &f;
    }

    /// ruleVersion: set to the op version (18-23) when netfold's own rule infers the node.
    const onnx::OpSchema* schemaFor(const Node& node, std::string& note, int& ruleVersion) const
    {
        const int version = static_cast<int>(model.opsetVersion(node.domain));
        const std::string domainName = node.domain.empty() ? "ai.onnx" : node.domain;
        if (version == 0 && !node.domain.empty()) {
            note = "Domain " + quote(node.domain) + " is not imported by the model; outputs not inferred.";
            return nullptr;
        }
        int useVersion = version;
        if (node.domain.empty() && version > knownOnnxOpset()) {
            if (const int later = laterOpVersion(node.opType, version)) {
                note = "Op " + quote(node.opType + "-" + std::to_string(later)) + " is newer than netfold knows (opset "
                       + std::to_string(newestTableOpset()) + "); outputs not inferred.";
                return nullptr;
            }
            if (const auto* newer = newerOpVersion(node.opType, version)) {
                if (hasOpsetRule(node.opType, newer->sinceVersion)) {
                    ruleVersion = newer->sinceVersion;
                    return nullptr;
                }
                note = "Op " + quote(node.opType + "-" + std::to_string(newer->sinceVersion))
                       + " is newer than ONNX 1.12 and netfold has no inference rule for it; outputs not inferred.";
                return nullptr;
            }
            if (changedAfter17().count(node.opType)) {
                note = "Op " + quote(node.opType) + " changed after opset " + std::to_string(knownOnnxOpset())
                       + " and the model uses opset " + std::to_string(version)
                       + ", which ONNX 1.12 does not know; outputs not inferred.";
                return nullptr;
            }
            useVersion = knownOnnxOpset();
        }
        const auto* schema = cachedSchema(node.opType, useVersion, node.domain);
        if (schema && node.domain.empty() && hasOpsetRule(node.opType, schema->SinceVersion())) {
            // An ONNX 1.12 inference function that disagrees with the spec (see OpsetRules).
            ruleVersion = schema->SinceVersion();
            return nullptr;
        }
        if (!schema) {
            if (node.domain.empty() || node.domain == "ai.onnx.ml" || node.domain == "ai.onnx.training"
                || node.domain == "ai.onnx.preview.training")
                note = "ONNX 1.12 has no operator " + quote(node.opType) + " in domain " + quote(domainName)
                       + " at opset " + std::to_string(version) + "; outputs not inferred.";
            else
                note = "Custom operator " + quote(domainName + "." + node.opType)
                       + " has no schema; outputs not inferred.";
        }
        return schema;
    }

    /// passed: for a body, the types ONNX gives its inputs when it infers the node holding it
    /// (bodyInputTypes); the body's checks must see them where the body declares no shape.
    void run(Graph& graph, const std::unordered_map<std::string, ValueType>& outer,
             const std::unordered_map<std::string, ValueType>& passed = {})
    {
        // Types ONNX sees: outer scope first, then this graph's own.
        std::unordered_map<std::string, onnx::TypeProto*> types;
        types.reserve(outer.size() + graph.types.size() + graph.nodes.size());
        auto setType = [&](const std::string& name, const ValueType& vt) {
            if (!vt.known())
                return;
            auto& slot = types[name];
            if (!slot)
                slot = google::protobuf::Arena::CreateMessage<onnx::TypeProto>(&arena);
            valueTypeToProto(vt, *slot);
        };
        for (const auto& kv : outer)
            setType(kv.first, kv.second);
        for (const auto& kv : graph.types)
            setType(kv.first, kv.second);
        for (const auto& [name, vt] : passed)
            if (auto it = types.find(name); it == types.end() || !it->second->has_tensor_type()
                                            || !it->second->tensor_type().has_shape())
                setType(name, vt);

        // Constant values ONNX may read (small initializers and Constant nodes).
        std::unordered_map<std::string, const onnx::TensorProto*> data;
        std::vector<std::unique_ptr<onnx::TensorProto>> ownedData;
        for (const auto& init : graph.initializers) {
            const Tensor& t = *init.tensor;
            if (t.numel() > kMaxInputDataElements)
                continue;
            // External weights stay on disk; only small integer tensors (shapes, axes) are read.
            if (t.storage() == Tensor::Storage::External && (!isIntegerType(t.dtype()) || t.numel() > 64))
                continue;
            if (t.sourceProto() && t.storage() != Tensor::Storage::External && t.sourceProto()->name() == init.name) {
                data[init.name] = t.sourceProto();
            } else {
                try {
                    auto p = std::make_unique<onnx::TensorProto>();
                    t.toProto(*p, init.name);
                    data[init.name] = p.get();
                    ownedData.push_back(std::move(p));
                } catch (const std::exception&) {
                    // unreadable (missing external data): inference goes on without the value
                }
            }
        }
        std::unordered_map<std::string, onnx::TensorShapeProto> shapeData;
        onnx::shape_inference::SymbolTableImpl symbols;

        graph.inferenceNotes.clear();
        const bool wasNested = nested;
        for (auto& node : graph.nodes) {
            std::string note;
            nested = !outer.empty();
            inferNode(graph, node, types, data, ownedData, shapeData, symbols, note);
            if (!note.empty())
                graph.inferenceNotes[node.id] = note;
        }
        nested = wasNested;
        // Declared graph outputs keep their declared type when inference knows less.
        for (auto& o : graph.outputs) {
            auto it = graph.types.find(o.name);
            if (it != graph.types.end() && !o.type.hasShape && it->second.hasShape)
                o.type = it->second;
        }
    }

    /// Constant nodes' small values are input data for later nodes (Reshape's shape ...).
    static void noteConstantData(const onnx::NodeProto& np, const Node& node,
                                 std::unordered_map<std::string, const onnx::TensorProto*>& data,
                                 std::vector<std::unique_ptr<onnx::TensorProto>>& ownedData)
    {
        if (node.opType != "Constant" || !node.domain.empty() || node.outputs.empty())
            return;
        for (const auto& a : np.attribute())
            if (a.name() == "value" && a.has_t() && a.t().dims_size() <= 1) {
                auto p = std::make_unique<onnx::TensorProto>(a.t());
                int64_t n = 1;
                for (auto d : p->dims())
                    n *= d;
                if (n <= kMaxInputDataElements && p->data_location() != onnx::TensorProto::EXTERNAL) {
                    data[node.outputs[0]] = p.get();
                    ownedData.push_back(std::move(p));
                }
            }
    }

    /// True when every output already has a type and a shape whose dims are all numbers or names:
    /// inference cannot learn more about them.
    static bool outputsComplete(const Graph& graph, const Node& node, bool& anyTyped)
    {
        bool complete = true;
        anyTyped = false;
        for (const auto& o : node.outputs) {
            if (o.empty())
                continue;
            auto it = graph.types.find(o);
            if (it == graph.types.end()) {
                complete = false;
                continue;
            }
            anyTyped = true;
            if (!it->second.hasShape || it->second.elemType == 0 || !it->second.kind.empty())
                complete = false;
            for (const auto& d : it->second.dims)
                if (!d.known() && (d.param.empty() || d.placeholder()))
                    complete = false;
        }
        return complete;
    }

    /// The part of a node's memo key known before inference: op, attributes, the input types and
    /// which inputs have values. Empty when the node is not memoized.
    std::string memoKey(const Node& node, const onnx::OpSchema* schema, int ruleVersion,
                        const std::unordered_map<std::string, onnx::TypeProto*>& types,
                        const std::unordered_map<std::string, const onnx::TensorProto*>& data,
                        const std::unordered_map<std::string, onnx::TensorShapeProto>& shapeData) const
    {
        if (!memoizable(node, schema, ruleVersion))
            return {};
        std::string key = node.domain + '\n' + node.opType + '\n';
        key += std::to_string(reinterpret_cast<std::uintptr_t>(schema)) + ' ' + std::to_string(ruleVersion) + ' '
               + std::to_string(node.inputs.size()) + ' ';
        for (const auto& o : node.outputs) {
            // A type already there for an output is merged with: not memoized. (The caller saw
            // no output in the graph's own types; in a body, one may come from outside.)
            if (nested && !o.empty() && types.count(o))
                return {};
            key += o.empty() ? '-' : 'o';
        }
        key += '\n';
        for (const auto& a : node.proto->attribute()) {
            if (a.ByteSizeLong() > kMaxMemoKeyBytes)
                return {};
            key += a.SerializeAsString();
            key += '\x01';
        }
        for (const auto& in : node.inputs) {
            if (in.empty()) {
                key += "\x02-";
                continue;
            }
            key += '\x02';
            key += types.at(in)->SerializeAsString();
            // Shape data ONNX derives from an input's constant value is keyed by that value.
            key += data.count(in) ? 'd' : shapeData.count(in) ? 's' : '-';
        }
        return key.size() > 4 * kMaxMemoKeyBytes ? std::string() : key;
    }

    /// The values of the inputs `reads` (constant data and shape data), as bytes; false when too
    /// big to key on.
    static bool valuesKey(const Node& node, const std::vector<int>& reads,
                          const std::unordered_map<std::string, const onnx::TensorProto*>& data,
                          const std::unordered_map<std::string, onnx::TensorShapeProto>& shapeData, std::string& out)
    {
        for (int i : reads) {
            const std::string& in = node.input(static_cast<std::size_t>(i));
            out += std::to_string(i) + ':';
            if (in.empty())
                continue;
            auto d = data.find(in);
            if (d != data.end()) {
                if (d->second->ByteSizeLong() > kMaxMemoKeyBytes)
                    return false;
                onnx::TensorProto copy(*d->second);
                copy.clear_name();
                copy.clear_doc_string();
                out += copy.SerializeAsString();
            } else if (auto s = shapeData.find(in); s != shapeData.end()) {
                // Without a constant value: shape data a node before propagated.
                out += '\x03';
                out += s->second.SerializeAsString();
            }
            out += '\x04';
        }
        return out.size() <= 4 * kMaxMemoKeyBytes;
    }

    void applyMemo(Graph& graph, const Node& node, const MemoResult& r,
                   std::unordered_map<std::string, onnx::TypeProto*>& types,
                   std::unordered_map<std::string, onnx::TensorShapeProto>& shapeData)
    {
        for (std::size_t i = 0; i < node.outputs.size(); ++i) {
            const auto& name = node.outputs[i];
            if (name.empty())
                continue;
            onnx::TypeProto*& slot = types[name];
            slot = google::protobuf::Arena::CreateMessage<onnx::TypeProto>(&arena);
            *slot = r.types[i];
            graph.types[name] = valueTypeFromProto(*slot);
            if (r.shapeData[i])
                shapeData.emplace(name, *r.shapeData[i]);
        }
    }

    /// Keeps what inference gave this node for the nodes like it; not when it made up new dim
    /// names (those must stay distinct per node) or read values too big to key on.
    void remember(const Node& node, const std::string& key, ReadLog& reads, RecordingInferenceContext& ctx,
                  const std::unordered_map<std::string, onnx::TypeProto*>& types,
                  const std::unordered_map<std::string, const onnx::TensorProto*>& data,
                  const std::unordered_map<std::string, onnx::TensorShapeProto>& shapeData)
    {
        reads.normalise();
        auto existing = memo.find(key);
        if (existing != memo.end() && existing->second.reads != reads.inputs)
            return; // this node read other values than the first of its kind: keep the first
        std::string valueKey;
        if (!valuesKey(node, reads.inputs, data, shapeData, valueKey))
            return;
        std::vector<std::string> known, made;
        for (const auto& in : node.inputs)
            if (!in.empty())
                collectParams(*types.at(in), known);
        for (int i : reads.inputs) {
            auto s = shapeData.find(node.input(static_cast<std::size_t>(i)));
            if (s != shapeData.end())
                for (const auto& d : s->second.dim())
                    if (d.has_dim_param())
                        known.push_back(d.dim_param());
        }
        MemoResult r;
        r.types.resize(node.outputs.size());
        r.shapeData.resize(node.outputs.size());
        for (std::size_t i = 0; i < node.outputs.size(); ++i) {
            const auto& name = node.outputs[i];
            if (name.empty())
                continue;
            r.types[i] = *ctx.getOutputType(i);
            collectParams(r.types[i], made);
            auto s = shapeData.find(name);
            if (s != shapeData.end()) {
                r.shapeData[i] = std::make_unique<onnx::TensorShapeProto>(s->second);
                for (const auto& d : s->second.dim())
                    if (d.has_dim_param())
                        made.push_back(d.dim_param());
            }
        }
        if (hasPlaceholder(made, known))
            return;
        MemoEntry& entry = existing != memo.end() ? existing->second : memo[key];
        entry.reads = reads.inputs;
        entry.byValues.emplace(std::move(valueKey), std::move(r));
    }

    /// The input types ONNX 1.12 passes to a body when it infers Loop (the condition's type as
    /// the outer one is) and Scan (state inputs whole, scan inputs without their scan axis): a
    /// body declaring less is inferred by ONNX with these, so its checks here must see them.
    std::unordered_map<std::string, ValueType> bodyInputTypes(const Node& node, const Graph& body,
                                                              const std::unordered_map<std::string, onnx::TypeProto*>& types) const
    {
        std::unordered_map<std::string, ValueType> passed;
        if (!node.domain.empty())
            return passed;
        auto outerType = [&](std::size_t i) -> std::optional<ValueType> {
            if (i >= node.inputs.size() || node.inputs[i].empty())
                return std::nullopt;
            auto it = types.find(node.inputs[i]);
            if (it == types.end())
                return std::nullopt;
            return valueTypeFromProto(*it->second);
        };
        if (node.opType == "Loop" && body.inputs.size() >= 2) {
            if (auto t = outerType(1))
                passed[body.inputs[1].name] = *t;
        } else if (node.opType == "Scan" && model.opsetVersion("") >= 9) {
            const int64_t scans = node.attrInt("num_scan_inputs", 0);
            const auto n = static_cast<int64_t>(node.inputs.size());
            if (scans < 1 || scans > n || static_cast<int64_t>(body.inputs.size()) != n)
                return passed;
            const auto axes = node.attrInts("scan_input_axes");
            for (int64_t i = 0; i < n; ++i) {
                auto t = outerType(std::size_t(i));
                if (!t)
                    continue;
                if (i >= n - scans) {
                    const std::size_t k = std::size_t(i - (n - scans));
                    int64_t axis = k < axes.size() ? axes[k] : 0;
                    const auto rank = static_cast<int64_t>(t->dims.size());
                    if (!t->hasShape || axis < -rank || axis >= rank)
                        continue;
                    t->dims.erase(t->dims.begin() + (axis < 0 ? axis + rank : axis));
                }
                passed[body.inputs[std::size_t(i)].name] = *t;
            }
        }
        return passed;
    }

    void inferNode(Graph& graph, Node& node, std::unordered_map<std::string, onnx::TypeProto*>& types,
                   std::unordered_map<std::string, const onnx::TensorProto*>& data,
                   std::vector<std::unique_ptr<onnx::TensorProto>>& ownedData,
                   std::unordered_map<std::string, onnx::TensorShapeProto>& shapeData,
                   onnx::shape_inference::SymbolTableImpl& symbols, std::string& note)
    {
        // Subgraph bodies first get their own types (with everything here visible).
        if (!node.subgraphs.empty()) {
            std::unordered_map<std::string, ValueType> scope;
            for (const auto& kv : types)
                scope[kv.first] = valueTypeFromProto(*kv.second);
            bool unsafeBody = false;
            const int rejectedBefore = rejectedNodes;
            for (auto& sg : node.subgraphs) {
                auto copy = std::make_shared<Graph>(*sg.graph);
                ++depth;
                run(*copy, scope, bodyInputTypes(node, *copy, types));
                --depth;
                for (const auto& kv : copy->inferenceNotes)
                    unsafeBody = unsafeBody || kv.second.rfind(kUnsafe, 0) == 0;
                sg.graph = std::move(copy);
            }
            if (unsafeBody || rejectedNodes != rejectedBefore) {
                // ONNX would infer the body again itself, without these checks.
                note = std::string(kUnsafe) + "a node of its body cannot be handed to ONNX inference; outputs not inferred.";
                return;
            }
        }
        if (std::string hazard = onnxHazard(node); !hazard.empty()) {
            note = kUnsafe + hazard;
            return;
        }
        if (std::string hazard = typeHazard(node, types, data); !hazard.empty()) {
            note = kUnsafe + hazard;
            return;
        }
        int ruleVersion = 0;
        const auto* schema = schemaFor(node, note, ruleVersion);
        const onnx::FunctionProto* localFunction = nullptr;
        if (!schema && model.extras) {
            for (const auto& f : model.extras->functions())
                if (f.name() == node.opType && f.domain() == node.domain) {
                    localFunction = &f;
                    note.clear();
                }
        }
        if (!schema && !localFunction && !ruleVersion)
            return;
        if (localFunction && !functionInferable(*localFunction)) {
            note = std::string(kUnsafe) + "the body of function " + quote(node.domain + "." + node.opType)
                   + " calls itself or holds nodes netfold checks before ONNX infers them (ONNX infers a function's "
                     "nodes without those checks); outputs not inferred.";
            return;
        }
        if (depth > 0 && schema) {
            // ONNX infers body nodes again without checking them: check each one here, whatever
            // netfold itself needs from it.
            try {
                schema->Verify(nodeProtoOf(node, false));
            } catch (const std::exception& e) {
                ++rejectedNodes;
                note = "Shape inference failed: " + oneLine(e.what());
                return;
            }
        }
        for (const auto& in : node.inputs) {
            if (!in.empty() && !types.count(in)) {
                note = "Input " + quote(in) + " has no known type, so outputs were not inferred.";
                return;
            }
        }
        bool anyTyped = false;
        const bool allTyped = outputsComplete(graph, node, anyTyped);
        // In a body, every node goes through the checked path below (see rejectedNodes).
        const bool complete = depth == 0 && node.subgraphs.empty() && allTyped;
        const bool propagates = (schema && schema->has_data_propagation_function()) || ruleVersion;
        if (complete && !propagates && node.opType != "Constant")
            return;

        // A node like one inferred before (same op, attributes, input types and read values)
        // gets that node's result. (Never one whose outputs have types already: see memoKey.)
        // Nodes whose propagation is skipped (see unsafePropagation) are not remembered either.
        const bool unsafeProp = unsafePropagation(node, data, shapeData);
        const std::string key = useMemo && !anyTyped && !unsafeProp
                                    ? memoKey(node, schema, ruleVersion, types, data, shapeData)
                                    : std::string();
        if (!key.empty()) {
            auto it = memo.find(key);
            std::string valueKey;
            if (it != memo.end() && valuesKey(node, it->second.reads, data, shapeData, valueKey)) {
                auto hit = it->second.byValues.find(valueKey);
                if (hit != it->second.byValues.end()) {
                    ++memoHits;
                    applyMemo(graph, node, hit->second, types, shapeData);
                    return;
                }
            }
        }

        onnx::NodeProto np = nodeProtoOf(node, true);
        if (complete) {
            // Nothing to learn about the outputs; keep the values downstream inference reads.
            try {
                if (propagates) {
                    // ONNX's propagation functions read inputs the schema check guarantees.
                    if (schema)
                        schema->Verify(np);
                    onnx::shape_inference::DataPropagationContextImpl dctx(np, types, data, shapeData);
                    if (ruleVersion)
                        propagateWithOpsetRule(node.opType, ruleVersion, dctx);
                    else if (!unsafePropagation(node, data, shapeData))
                        schema->GetDataPropagationFunction()(dctx);
                }
            } catch (const std::exception&) {
                // no symbolic data for this one
                ++rejectedNodes;
            }
            noteConstantData(np, node, data, ownedData);
            return;
        }

        bool verified = false;
        try {
            if (schema)
                schema->Verify(np);
            verified = !ruleVersion;
            onnx::shape_inference::GraphInferenceContext graphCtx(types, opsetImports, &symbols, localFunctions,
                                                                  onnx::OpSchemaRegistry::Instance(), &shapeData,
                                                                  static_cast<int>(model.irVersion));
            ReadLog reads;
            RecordingInferenceContext ctx(np, types, data, {}, &shapeData, &graphCtx);
            ctx.log = &reads;
            if (ruleVersion) {
                inferWithOpsetRule(node.opType, ruleVersion, ctx);
                RecordingPropagationContext dctx(np, types, data, shapeData);
                dctx.log = &reads;
                propagateWithOpsetRule(node.opType, ruleVersion, dctx);
            } else if (schema && schema->has_type_and_shape_inference_function()) {
                schema->GetTypeAndShapeInferenceFunction()(ctx);
            } else if (schema && schema->HasFunction()) {
                onnx::shape_inference::InferShapeForFunctionNode(*schema->GetFunction(), onnx::OpSchemaRegistry::Instance(),
                                                                 ctx, {}, localFunctions, &symbols, &shapeData);
            } else if (localFunction) {
                onnx::shape_inference::InferShapeForFunctionNode(*localFunction, onnx::OpSchemaRegistry::Instance(), ctx,
                                                                 {}, localFunctions, &symbols, &shapeData);
            } else {
                note = "Op " + quote(node.opType) + " has no shape inference in ONNX 1.12; outputs not inferred.";
                return;
            }
            if (schema && schema->has_data_propagation_function() && !unsafeProp) {
                RecordingPropagationContext dctx(np, types, data, shapeData);
                dctx.log = &reads;
                schema->GetDataPropagationFunction()(dctx);
            }
            std::vector<std::string> missing;
            MemoResult result;
            bool keep = !key.empty();
            for (std::size_t i = 0; i < node.outputs.size(); ++i) {
                const auto& name = node.outputs[i];
                if (name.empty())
                    continue;
                onnx::TypeProto* inferred = ctx.getOutputType(i);
                if (inferred->value_case() == onnx::TypeProto::VALUE_NOT_SET) {
                    if (!graph.types.count(name))
                        missing.push_back(name);
                    keep = false;
                    continue;
                }
                onnx::shape_inference::MaterializeSymbolicShape(inferred, symbols);
                // ONNX's functions compute dims unchecked (Pad with negative pads, Concat
                // truncating to int): a negative one would reach the next node's function as
                // an index. It is an unknown dim, as when a file declares one.
                dropNegativeDims(*inferred);
                onnx::TypeProto*& slot = types[name];
                if (slot) {
                    try {
                        onnx::shape_inference::mergeShapesAndTypes(*inferred, slot);
                    } catch (const std::exception&) {
                        *slot = *inferred;
                    }
                } else {
                    slot = google::protobuf::Arena::CreateMessage<onnx::TypeProto>(&arena);
                    *slot = *inferred;
                }
                graph.types[name] = valueTypeFromProto(*slot);
            }
            noteConstantData(np, node, data, ownedData);
            if (!missing.empty()) {
                note = "Shape inference gave no type for output " + quote(missing.front()) + ".";
            }
            if (keep)
                remember(node, key, reads, ctx, types, data, shapeData);
        } catch (const std::exception& e) {
            if (!verified)
                ++rejectedNodes;
            note = "Shape inference failed: " + oneLine(e.what());
        }
    }
};

} // namespace

int knownOnnxOpset()
{
    return onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map().at(onnx::ONNX_DOMAIN).second;
}

void inferShapes(Graph& graph, const Model& model, const std::unordered_map<std::string, ValueType>& outer)
{
    Inferencer(model).run(graph, outer);
}

void inferShapes(Model& model)
{
    Inferencer inf(model);
    Graph& g = model.graph;
    inf.run(g, {});
}

InferenceStats inferShapesWith(Model& model, bool reuseResults)
{
    Inferencer inf(model);
    inf.useMemo = reuseResults;
    inf.run(model.graph, {});
    return {inf.memoHits};
}

} // namespace netfold
