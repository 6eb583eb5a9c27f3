// Fusions into the normalization and activation ops that newer opsets define: decomposed
// LayerNorm (opset 17), GELU in its Erf and tanh forms (opset 20), GroupNorm (opset 21) and
// RMSNorm (opset 23). Each runs only where the model's opset has the op, and fuses only an exact
// match: same epsilon placement, normalized axes, broadcast of scale and bias, and a dtype for
// which the fused op computes what the nodes did. A near match is kept with the reason.
#include "passes/Passes.h"
#include "passes/PassKit.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace netfold::passes {

using namespace passkit;

namespace {

const Node& at(const Graph& g, int i) { return g.nodes[static_cast<std::size_t>(i)]; }

/// The node reading value when it is its only use and of op type op (default domain), or -1.
int soleConsumerOp(const Graph& g, const GraphIndex& index, const std::string& value, const std::string& op)
{
    const int c = soleConsumer(index, value);
    return c >= 0 && at(g, c).opType == op && at(g, c).domain.empty() ? c : -1;
}

/// The number held by a one-element constant, when name is one.
std::optional<double> scalarConstant(const Graph& g, const GraphIndex& index, const std::string& name)
{
    auto t = edit::constantValue(g, index, name);
    if (!t || t->numel() != 1 || !(isFloatType(t->dtype()) || t->dtype() == dtype::Int64 || t->dtype() == dtype::Int32))
        return std::nullopt;
    return t->toDouble().at(0);
}

/// True when v equals target to within the precision of a float constant.
bool closeTo(double v, double target) { return std::fabs(v - target) <= 1e-6 * std::fabs(target); }

/// v in the fewest digits that give back the same float (constants are usually float).
std::string number(double v)
{
    for (int precision = 6; precision <= 17; ++precision) {
        std::ostringstream s;
        s.precision(precision);
        s << v;
        const double back = std::stod(s.str());
        if (static_cast<float>(back) == static_cast<float>(v) && (precision >= 9 || static_cast<double>(static_cast<float>(v)) == v
                                                                  || back == v))
            return s.str();
    }
    return std::to_string(v);
}

std::string listText(const std::vector<int64_t>& v)
{
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i)
        s += (i ? "," : "") + std::to_string(v[i]);
    return s + "]";
}

/// For a binary node, the operand that is not `known` (or -1 when neither operand is it).
int otherSide(const Node& n, const std::string& known)
{
    if (n.input(0) == known)
        return 1;
    if (n.input(1) == known)
        return 0;
    return -1;
}

/// True when every output of the matched nodes except `result` is read only by matched nodes
/// (and is no graph output and no subgraph read).
bool internalOnly(const Graph& g, const GraphIndex& index, const std::vector<int>& nodes, const std::string& result)
{
    for (int i : nodes)
        for (const auto& out : at(g, i).outputs) {
            if (out.empty() || out == result)
                continue;
            const auto& readers = index.consumers(out);
            if (index.useCount(out) != readers.size())
                return false;
            for (int r : readers)
                if (std::find(nodes.begin(), nodes.end(), r) == nodes.end())
                    return false;
        }
    return true;
}

bool anyPinned(const PassContext& ctx, const Graph& g, const std::vector<int>& nodes)
{
    return std::any_of(nodes.begin(), nodes.end(), [&](int i) { return edit::isPinned(ctx, at(g, i)); });
}

/// Replaces the matched nodes by one new node (placed where the last of them was), which writes
/// `result`; records every matched node as fused into it.
void replaceByFused(Graph& g, PassContext& ctx, std::vector<int> matched, const std::string& opType,
                    std::vector<std::string> inputs, const std::string& result,
                    const std::function<void(onnx::NodeProto&)>& attrs)
{
    std::sort(matched.begin(), matched.end());
    Node fused;
    fused.id = ctx.newNodeId();
    const std::string& base = at(g, matched.front()).name;
    const auto slash = base.rfind('/');
    fused.name = (slash == std::string::npos ? std::string() : base.substr(0, slash + 1)) + opType;
    fused.opType = opType;
    fused.inputs = std::move(inputs);
    fused.outputs = {result};
    auto proto = std::make_shared<onnx::NodeProto>();
    proto->set_op_type(opType);
    proto->set_name(fused.name);
    attrs(*proto);
    fused.proto = proto;
    std::vector<NodeId> ids;
    for (int i : matched) {
        edit::recordRemoval(ctx, at(g, i), Fate::Fused, fused.id);
        ids.push_back(at(g, i).id);
    }
    g.nodes.insert(g.nodes.begin() + matched.back() + 1, fused);
    edit::removeNodes(g, ids);
    ctx.record().added.push_back(fused.id);
    ctx.record().count(stat::kNodesFused, static_cast<int64_t>(matched.size()));
}

void setFloatAttr(onnx::NodeProto& proto, const std::string& name, float value)
{
    auto* a = proto.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
}

void setStringAttr(onnx::NodeProto& proto, const std::string& name, const std::string& value)
{
    auto* a = proto.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(value);
}

/// A scale or bias constant `t` applied by broadcasting to a tensor whose last dims are `normalized`
/// (and whose leading dims it must not touch), as a tensor of exactly the normalized dims; nullopt
/// (with why) when it varies along other dims or does not broadcast.
std::optional<TensorPtr> alongNormalized(const Tensor& t, const std::vector<int64_t>& normalized, int64_t rank,
                                         std::size_t sizeLimit, std::string& why)
{
    const auto& dims = t.dims();
    const auto k = static_cast<int64_t>(normalized.size());
    if (static_cast<int64_t>(dims.size()) > rank) {
        why = "it has more dims than the input";
        return std::nullopt;
    }
    const int64_t extra = static_cast<int64_t>(dims.size()) - k;
    for (int64_t i = 0; i < extra; ++i)
        if (dims[static_cast<std::size_t>(i)] != 1) {
            why = "it varies along a dim that is not normalized";
            return std::nullopt;
        }
    // Its trailing dims, left-padded with 1 to k.
    std::vector<int64_t> tail(static_cast<std::size_t>(k), 1);
    for (int64_t i = 0; i < k && i < static_cast<int64_t>(dims.size()); ++i)
        tail[static_cast<std::size_t>(k - 1 - i)] = dims[dims.size() - 1 - static_cast<std::size_t>(i)];
    for (int64_t i = 0; i < k; ++i)
        if (tail[static_cast<std::size_t>(i)] != 1 && tail[static_cast<std::size_t>(i)] != normalized[static_cast<std::size_t>(i)]) {
            why = "its shape does not broadcast to the normalized dims";
            return std::nullopt;
        }
    if (dims == normalized)
        return TensorPtr{};
    // Expand to the normalized dims (declared dims may be anything up to 2^63: counted against
    // the size limit before anything is allocated).
    int64_t n = 1;
    const auto elem = static_cast<int64_t>(std::max<std::size_t>(dtypeSize(t.dtype()), 1));
    for (int64_t d : normalized)
        if (d < 0 || __builtin_mul_overflow(n, d, &n) || n > static_cast<int64_t>(sizeLimit) / elem) {
            why = "it would be expanded to the normalized dims " + listText(normalized) + ", over the size limit";
            return std::nullopt;
        }
    const auto src = t.toDouble();
    std::vector<double> out(static_cast<std::size_t>(n));
    for (int64_t o = 0; o < n; ++o) {
        int64_t rem = o, srcIndex = 0, srcStride = 1;
        for (int64_t a = k - 1; a >= 0; --a) {
            const int64_t d = normalized[static_cast<std::size_t>(a)];
            const int64_t coord = rem % d;
            rem /= d;
            const int64_t td = tail[static_cast<std::size_t>(a)];
            srcIndex += (td == 1 ? 0 : coord) * srcStride;
            srcStride *= td;
        }
        out[static_cast<std::size_t>(o)] = src[static_cast<std::size_t>(srcIndex)];
    }
    return Tensor::fromDoubles(t.dtype(), normalized, out);
}

/// Normalized axes of a Reduce node: sorted, non-negative; nullopt when not constant.
std::optional<std::vector<int64_t>> reduceAxes(const Graph& g, const GraphIndex& index, const Node& r, int64_t rank)
{
    auto axes = axesOf(g, index, r, 1);
    if (!axes || axes->empty())
        return std::nullopt;
    return normalizeAxes(*axes, rank);
}

/// The last k axes of a rank-r tensor.
bool trailing(const std::vector<int64_t>& axes, int64_t rank)
{
    for (std::size_t i = 0; i < axes.size(); ++i)
        if (axes[i] != rank - static_cast<int64_t>(axes.size()) + static_cast<int64_t>(i))
            return false;
    return true;
}

/// A matched normalization's optional scale (Mul) and shift (Add) by constants along the
/// normalized dims, following `value`.
struct Affine {
    std::vector<int> nodes;
    std::string result;
    std::string scale, bias;       // constant names (or "" when absent)
    TensorPtr scaleValue, biasValue; // new constants when the model's ones had to be reshaped
};

Affine affineAfter(const Graph& g, const GraphIndex& index, const PassContext& ctx, const std::string& value,
                   const std::vector<int64_t>& normalized, int64_t rank, bool withBias)
{
    Affine a;
    a.result = value;
    std::string why;
    const int m = soleConsumerOp(g, index, value, "Mul");
    if (m < 0 || edit::isPinned(ctx, at(g, m)))
        return a;
    const int side = otherSide(at(g, m), value);
    auto gamma = side < 0 ? nullptr : edit::constantValue(g, index, at(g, m).input(static_cast<std::size_t>(side)));
    if (!gamma)
        return a;
    auto shaped = alongNormalized(*gamma, normalized, rank, ctx.options().sizeLimit, why);
    if (!shaped)
        return a;
    a.nodes.push_back(m);
    a.result = at(g, m).outputs[0];
    a.scale = at(g, m).input(static_cast<std::size_t>(side));
    a.scaleValue = *shaped;
    if (!withBias)
        return a;
    const int b = soleConsumerOp(g, index, a.result, "Add");
    if (b < 0 || edit::isPinned(ctx, at(g, b)))
        return a;
    const int bside = otherSide(at(g, b), a.result);
    auto beta = bside < 0 ? nullptr : edit::constantValue(g, index, at(g, b).input(static_cast<std::size_t>(bside)));
    if (!beta)
        return a;
    auto bshaped = alongNormalized(*beta, normalized, rank, ctx.options().sizeLimit, why);
    if (!bshaped)
        return a;
    a.nodes.push_back(b);
    a.result = at(g, b).outputs[0];
    a.bias = at(g, b).input(static_cast<std::size_t>(bside));
    a.biasValue = *bshaped;
    return a;
}

/// "" when the ones affineInputs makes for an absent scale fit the size limit, else why not
/// (normalized dims from the model's declared shapes can be anything up to 2^63).
std::string onesScaleProblem(const Affine& a, const std::vector<int64_t>& normalized, int32_t dt, const PassContext& ctx)
{
    if (!a.scale.empty())
        return {};
    const std::size_t limit = ctx.options().sizeLimit;
    const std::size_t elem = std::max<std::size_t>(dtypeSize(dt), 1);
    std::size_t n = 1;
    for (int64_t d : normalized) {
        if (d < 0 || (d > 0 && n > limit / elem / static_cast<std::size_t>(d)))
            return "the scale of ones it needs (normalized dims " + listText(normalized) + ") is over the size limit of "
                   + std::to_string(limit) + " bytes";
        n *= static_cast<std::size_t>(d);
    }
    return {};
}

/// The initializer names to pass for an Affine's scale (ones when absent) and bias.
std::pair<std::string, std::string> affineInputs(Graph& g, const Affine& a, const std::string& base, int32_t dt,
                                                 const std::vector<int64_t>& normalized)
{
    std::string scale = a.scale, bias = a.bias;
    if (a.scale.empty()) {
        int64_t n = 1;
        for (int64_t d : normalized)
            n *= d;
        scale = edit::addInitializer(g, base + "_scale",
                                     Tensor::fromDoubles(dt, normalized, std::vector<double>(static_cast<std::size_t>(n), 1.0)));
    } else if (a.scaleValue) {
        scale = edit::addInitializer(g, a.scale + "_normalized", a.scaleValue);
    }
    if (!a.bias.empty() && a.biasValue)
        bias = edit::addInitializer(g, a.bias + "_normalized", a.biasValue);
    return {scale, bias};
}

/// The known static dims of the trailing axes of value, or nullopt.
std::optional<std::vector<int64_t>> normalizedDims(const Graph& g, const std::string& value, const std::vector<int64_t>& axes)
{
    const ValueType t = g.typeOf(value);
    std::vector<int64_t> dims;
    for (int64_t a : axes) {
        if (!t.hasShape || a >= static_cast<int64_t>(t.dims.size()) || !t.dims[static_cast<std::size_t>(a)].known())
            return std::nullopt;
        dims.push_back(t.dims[static_cast<std::size_t>(a)].value);
    }
    return dims;
}

void keep(PassContext& ctx, const Node& n, const std::string& op, const std::string& why)
{
    ctx.record().kept[n.id] = "Not fused into " + op + ": " + why + ".";
}

// ---- LayerNormalization ------------------------------------------------------------------------

/// A decomposed LayerNorm's input as LayerNormalization needs it: known rank, the mean and the
/// variance over the same trailing axes with keepdims, float, static normalized dims (filled in
/// axes and normalized). "" or why not.
std::string layerNormInputProblem(const Graph& g, const GraphIndex& index, const Node& mean, const Node& var,
                                  std::vector<int64_t>& axes, std::vector<int64_t>& normalized)
{
    const std::string x = mean.input(0);
    const ValueType xt = g.typeOf(x);
    if (!xt.hasShape)
        return "the rank of " + quote(x) + " is not known";
    const auto rank = static_cast<int64_t>(xt.dims.size());
    const auto axes1 = reduceAxes(g, index, mean, rank), axes2 = reduceAxes(g, index, var, rank);
    if (!axes1 || !axes2)
        return "the reduced axes are not constant";
    if (*axes1 != *axes2)
        return "the mean is taken over axes " + listText(*axes1) + " and the variance over " + listText(*axes2);
    if (!trailing(*axes1, rank))
        return "the normalized axes " + listText(*axes1) + " are not the last axes of a rank-" + std::to_string(rank)
               + " input";
    if (mean.attrInt("keepdims", 1) != 1 || var.attrInt("keepdims", 1) != 1)
        return "a ReduceMean drops the reduced axes (keepdims=0)";
    if (xt.elemType != dtype::Float)
        return "the input is " + dtypeName(xt.elemType)
               + ", and LayerNormalization would compute its statistics in float (stash_type) where the nodes compute "
                 "in the input's type";
    const auto dims = normalizedDims(g, x, *axes1);
    if (!dims)
        return "the normalized dims of " + quote(x) + " are not known";
    axes = *axes1;
    normalized = *dims;
    return {};
}

/// Matches the decomposed LayerNorm starting at its first ReduceMean (node i); fuses it or
/// records why not. Returns true when it changed the graph.
bool fuseLayerNormAt(Graph& g, const GraphIndex& index, PassContext& ctx, int i)
{
    const Node& mean = at(g, i);
    const std::string x = mean.input(0);
    const int sub = soleConsumerOp(g, index, mean.outputs[0], "Sub");
    if (sub < 0 || at(g, sub).input(0) != x || at(g, sub).input(1) != mean.outputs[0])
        return false;
    const std::string d = at(g, sub).outputs[0];
    // d feeds the square and the division.
    int square = -1, div = -1;
    for (int c : index.consumers(d)) {
        const Node& n = at(g, c);
        if (!n.domain.empty())
            return false;
        if ((n.opType == "Pow" && n.input(0) == d) || (n.opType == "Mul" && n.input(0) == d && n.input(1) == d))
            square = c;
        else if (n.opType == "Div" && n.input(0) == d)
            div = c;
    }
    if (square < 0)
        return false;
    const int var = soleConsumerOp(g, index, at(g, square).outputs[0], "ReduceMean");
    if (var < 0)
        return false;
    // From here on it looks like a LayerNorm: say why it is not fused.
    const std::string op = "LayerNormalization";
    if (div < 0) {
        keep(ctx, mean, op, "the centered input is not divided by the standard deviation");
        return false;
    }
    if (at(g, square).opType == "Pow") {
        const auto e = scalarConstant(g, index, at(g, square).input(1));
        if (!e || *e != 2.0) {
            keep(ctx, mean, op, "the centered input is raised to " + (e ? number(*e) : std::string("a non-constant power"))
                                    + ", not squared");
            return false;
        }
    }
    const int add = soleConsumerOp(g, index, at(g, var).outputs[0], "Add");
    const int sqrtAfterVar = soleConsumerOp(g, index, at(g, var).outputs[0], "Sqrt");
    if (sqrtAfterVar >= 0) {
        keep(ctx, mean, op, "epsilon is not added to the variance before Sqrt");
        return false;
    }
    if (add < 0) {
        keep(ctx, mean, op, "the variance is not followed by Add(epsilon), Sqrt");
        return false;
    }
    const int epsSide = otherSide(at(g, add), at(g, var).outputs[0]);
    const auto eps = epsSide < 0 ? std::nullopt : scalarConstant(g, index, at(g, add).input(static_cast<std::size_t>(epsSide)));
    if (!eps) {
        keep(ctx, mean, op, "epsilon is not a one-element constant");
        return false;
    }
    const int sq = soleConsumerOp(g, index, at(g, add).outputs[0], "Sqrt");
    if (sq < 0 || at(g, div).input(1) != at(g, sq).outputs[0]) {
        keep(ctx, mean, op, "the centered input is not divided by Sqrt(variance + epsilon)");
        return false;
    }
    const ValueType xt = g.typeOf(x);
    std::vector<int64_t> axes, normalized;
    if (const std::string problem = layerNormInputProblem(g, index, mean, at(g, var), axes, normalized); !problem.empty()) {
        keep(ctx, mean, op, problem);
        return false;
    }
    const auto rank = static_cast<int64_t>(xt.dims.size());
    std::vector<int> nodes{i, sub, square, var, add, sq, div};
    const Affine affine = affineAfter(g, index, ctx, at(g, div).outputs[0], normalized, rank, true);
    nodes.insert(nodes.end(), affine.nodes.begin(), affine.nodes.end());
    if (anyPinned(ctx, g, nodes)) {
        keep(ctx, mean, op, "one of its nodes is pinned");
        return false;
    }
    if (!internalOnly(g, index, nodes, affine.result)) {
        keep(ctx, mean, op, "an intermediate value is used outside the pattern");
        return false;
    }
    if (const std::string problem = onesScaleProblem(affine, normalized, xt.elemType, ctx); !problem.empty()) {
        keep(ctx, mean, op, problem);
        return false;
    }
    const std::string base = at(g, div).label();
    const auto [scale, bias] = affineInputs(g, affine, base, xt.elemType, normalized);
    std::vector<std::string> inputs{x, scale};
    if (!bias.empty())
        inputs.push_back(bias);
    const int64_t axis = axes.front();
    const float epsilon = static_cast<float>(*eps);
    replaceByFused(g, ctx, nodes, op, inputs, affine.result, [&](onnx::NodeProto& p) {
        edit::setIntAttr(p, "axis", axis - rank);
        setFloatAttr(p, "epsilon", epsilon);
    });
    return true;
}

// ---- Gelu ----------------------------------------------------------------------------------------

/// The x of x^3 written as Pow(x, 3), Mul(x, Mul(x, x)) or Mul(Mul(x, x), x); "" otherwise.
std::string cubeOf(const Graph& g, const GraphIndex& index, const std::string& value, std::vector<int>& nodes)
{
    const int p = index.producer(value);
    if (p < 0 || !at(g, p).domain.empty())
        return {};
    const Node& n = at(g, p);
    if (n.opType == "Pow") {
        const auto e = scalarConstant(g, index, n.input(1));
        if (e && *e == 3.0) {
            nodes.push_back(p);
            return n.input(0);
        }
        return {};
    }
    if (n.opType != "Mul")
        return {};
    for (int side = 0; side < 2; ++side) {
        const std::string x = n.input(static_cast<std::size_t>(side));
        const int sq = producerOf(g, index, n.input(static_cast<std::size_t>(1 - side)), "Mul");
        if (sq >= 0 && at(g, sq).input(0) == x && at(g, sq).input(1) == x) {
            nodes.push_back(p);
            nodes.push_back(sq);
            return x;
        }
    }
    return {};
}

/// Matches 0.5 * x * c around the value c = 1 + f(x): Mul(Mul(x, c), 0.5), Mul(x, Mul(c, 0.5)) or
/// Mul(Mul(x, 0.5), c). Returns the nodes and the result, or nullopt; `half` receives the factor
/// found where a 0.5 was expected.
std::optional<std::pair<std::vector<int>, std::string>> halfProduct(const Graph& g, const GraphIndex& index,
                                                                    const std::string& x, const std::string& c,
                                                                    double& half)
{
    const int m = soleConsumerOp(g, index, c, "Mul");
    if (m < 0)
        return std::nullopt;
    const Node& mn = at(g, m);
    const int side = otherSide(mn, c);
    if (side < 0)
        return std::nullopt;
    const std::string other = mn.input(static_cast<std::size_t>(side));
    if (other == x) {
        // Mul(Mul(x, c), k)
        const int m2 = soleConsumerOp(g, index, mn.outputs[0], "Mul");
        if (m2 < 0)
            return std::nullopt;
        const int s2 = otherSide(at(g, m2), mn.outputs[0]);
        const auto k = s2 < 0 ? std::nullopt : scalarConstant(g, index, at(g, m2).input(static_cast<std::size_t>(s2)));
        if (!k)
            return std::nullopt;
        half = *k;
        return std::make_pair(std::vector<int>{m, m2}, at(g, m2).outputs[0]);
    }
    if (const auto k = scalarConstant(g, index, other)) {
        // Mul(x, Mul(c, k))
        const int m2 = soleConsumerOp(g, index, mn.outputs[0], "Mul");
        if (m2 < 0 || otherSide(at(g, m2), mn.outputs[0]) < 0
            || at(g, m2).input(static_cast<std::size_t>(otherSide(at(g, m2), mn.outputs[0]))) != x)
            return std::nullopt;
        half = *k;
        return std::make_pair(std::vector<int>{m, m2}, at(g, m2).outputs[0]);
    }
    // Mul(Mul(x, k), c)
    const int h = producerOf(g, index, other, "Mul");
    if (h < 0)
        return std::nullopt;
    const int hs = otherSide(at(g, h), x);
    const auto k = hs < 0 ? std::nullopt : scalarConstant(g, index, at(g, h).input(static_cast<std::size_t>(hs)));
    if (!k)
        return std::nullopt;
    half = *k;
    return std::make_pair(std::vector<int>{h, m}, mn.outputs[0]);
}

/// Erf(x / sqrt(2)) or Erf(x * (1 / sqrt(2))): node `scaled` makes Erf's input. Sets x, adds the
/// node, and says in problem when the constant is not 1/sqrt(2). False when it is no such form.
bool matchErfGeluInput(const Graph& g, const GraphIndex& index, int scaled, std::string& x, std::string& problem,
                       std::vector<int>& nodes)
{
    const Node& sn = at(g, scaled);
    if (sn.opType == "Div") {
        const auto k = scalarConstant(g, index, sn.input(1));
        if (!k)
            return false;
        x = sn.input(0);
        if (!closeTo(*k, std::sqrt(2.0)))
            problem = "the input of Erf is divided by " + number(*k) + ", not sqrt(2)";
    } else if (sn.opType == "Mul") {
        for (int side = 0; side < 2 && x.empty(); ++side)
            if (const auto k = scalarConstant(g, index, sn.input(static_cast<std::size_t>(side)))) {
                x = sn.input(static_cast<std::size_t>(1 - side));
                if (!closeTo(*k, std::sqrt(0.5)))
                    problem = "the input of Erf is multiplied by " + number(*k) + ", not 1/sqrt(2)";
            }
        if (x.empty())
            return false;
    } else {
        return false;
    }
    nodes.push_back(scaled);
    return true;
}

/// Tanh(sqrt(2/pi) * (x + 0.044715 * x^3)): node `scaled` makes Tanh's input. Sets x, adds the
/// nodes, and says in problem when a constant is off. False when it is no such form.
bool matchTanhGeluInput(const Graph& g, const GraphIndex& index, int scaled, std::string& x, std::string& problem,
                        std::vector<int>& nodes)
{
    const Node& sn = at(g, scaled);
    if (sn.opType != "Mul")
        return false;
    std::string inner;
    for (int side = 0; side < 2 && inner.empty(); ++side)
        if (const auto k = scalarConstant(g, index, sn.input(static_cast<std::size_t>(side)))) {
            inner = sn.input(static_cast<std::size_t>(1 - side));
            if (!closeTo(*k, std::sqrt(2.0 / std::acos(-1.0))))
                problem = "the input of Tanh is scaled by " + number(*k) + ", not sqrt(2/pi)";
        }
    const int sum = inner.empty() ? -1 : producerOf(g, index, inner, "Add");
    if (sum < 0)
        return false;
    nodes.push_back(scaled);
    nodes.push_back(sum);
    for (int side = 0; side < 2 && x.empty(); ++side) {
        const std::string cand = at(g, sum).input(static_cast<std::size_t>(side));
        const int term = producerOf(g, index, at(g, sum).input(static_cast<std::size_t>(1 - side)), "Mul");
        if (term < 0)
            continue;
        for (int ts = 0; ts < 2 && x.empty(); ++ts) {
            const auto k = scalarConstant(g, index, at(g, term).input(static_cast<std::size_t>(ts)));
            std::vector<int> cube;
            if (!k || cubeOf(g, index, at(g, term).input(static_cast<std::size_t>(1 - ts)), cube) != cand)
                continue;
            x = cand;
            nodes.push_back(term);
            nodes.insert(nodes.end(), cube.begin(), cube.end());
            if (!closeTo(*k, 0.044715) && problem.empty())
                problem = "x^3 is scaled by " + number(*k) + ", not 0.044715";
        }
    }
    return !x.empty();
}

/// Matches a GELU around its Erf or Tanh node (i); fuses it or records why not.
bool fuseGeluAt(Graph& g, const GraphIndex& index, PassContext& ctx, int i)
{
    const Node& core = at(g, i);
    const bool tanhForm = core.opType == "Tanh";
    const std::string op = "Gelu";
    std::vector<int> nodes{i};
    std::string x;
    std::string constantProblem;
    const int scaled = index.producer(core.input(0));
    if (scaled < 0 || !at(g, scaled).domain.empty())
        return false;
    const bool matched = tanhForm ? matchTanhGeluInput(g, index, scaled, x, constantProblem, nodes)
                                  : matchErfGeluInput(g, index, scaled, x, constantProblem, nodes);
    if (!matched)
        return false;
    // 1 + f(x)
    const int one = soleConsumerOp(g, index, core.outputs[0], "Add");
    if (one < 0)
        return false;
    const int oneSide = otherSide(at(g, one), core.outputs[0]);
    const auto oneValue = oneSide < 0 ? std::nullopt : scalarConstant(g, index, at(g, one).input(static_cast<std::size_t>(oneSide)));
    if (!oneValue)
        return false;
    nodes.push_back(one);
    double half = 0;
    const auto product = halfProduct(g, index, x, at(g, one).outputs[0], half);
    if (!product)
        return false;
    nodes.insert(nodes.end(), product->first.begin(), product->first.end());
    // From here on it is a GELU in form: say why it is not fused.
    const int32_t dt = g.typeOf(x).elemType;
    if (dt != dtype::Float && dt != dtype::Double) {
        keep(ctx, core, op, dt ? "the input is " + dtypeName(dt) + ": the nodes round every step to it, Gelu does not"
                               : "the input's dtype is not known");
        return false;
    }
    if (!constantProblem.empty()) {
        keep(ctx, core, op, constantProblem);
        return false;
    }
    if (*oneValue != 1.0) {
        keep(ctx, core, op, "1 + " + core.opType + "(...) adds " + number(*oneValue) + ", not 1");
        return false;
    }
    if (half != 0.5) {
        keep(ctx, core, op, "the product is scaled by " + number(half) + ", not 0.5");
        return false;
    }
    if (anyPinned(ctx, g, nodes)) {
        keep(ctx, core, op, "one of its nodes is pinned");
        return false;
    }
    if (!internalOnly(g, index, nodes, product->second)) {
        keep(ctx, core, op, "an intermediate value is used outside the pattern");
        return false;
    }
    replaceByFused(g, ctx, nodes, op, {x}, product->second, [&](onnx::NodeProto& p) {
        if (tanhForm)
            setStringAttr(p, "approximate", "tanh");
    });
    return true;
}

// ---- RMSNormalization ---------------------------------------------------------------------------

/// x / r, x * Reciprocal(r) or x * (1 / r) after r: the quotient's name ("" when none), with its
/// nodes added.
std::string matchDivisionBy(const Graph& g, const GraphIndex& index, const std::string& r, const std::string& x,
                            std::vector<int>& nodes)
{
    const int rc = soleConsumer(index, r);
    if (rc < 0 || !at(g, rc).domain.empty())
        return {};
    const Node& rn = at(g, rc);
    std::string inverse;
    if (rn.opType == "Div" && rn.input(1) == r && rn.input(0) == x) {
        nodes.push_back(rc);
        return rn.outputs[0];
    }
    if (rn.opType == "Reciprocal") {
        inverse = rn.outputs[0];
    } else if (rn.opType == "Div" && rn.input(1) == r) {
        const auto one = scalarConstant(g, index, rn.input(0));
        if (!one || *one != 1.0)
            return {};
        inverse = rn.outputs[0];
    } else {
        return {};
    }
    const int m = soleConsumerOp(g, index, inverse, "Mul");
    if (m < 0 || otherSide(at(g, m), inverse) < 0 || at(g, m).input(static_cast<std::size_t>(otherSide(at(g, m), inverse))) != x)
        return {};
    nodes.push_back(rc);
    nodes.push_back(m);
    return at(g, m).outputs[0];
}

/// Matches x * 1/sqrt(mean(x^2) + eps) (* scale) around its ReduceMean (node i).
bool fuseRmsNormAt(Graph& g, const GraphIndex& index, PassContext& ctx, int i)
{
    const Node& mean = at(g, i);
    const int square = index.producer(mean.input(0));
    if (square < 0 || !at(g, square).domain.empty() || soleConsumer(index, at(g, square).outputs[0]) != i)
        return false;
    const Node& sq = at(g, square);
    std::string x;
    if (sq.opType == "Mul" && sq.input(0) == sq.input(1)) {
        x = sq.input(0);
    } else if (sq.opType == "Pow") {
        const auto e = scalarConstant(g, index, sq.input(1));
        if (!e || *e != 2.0)
            return false;
        x = sq.input(0);
    } else {
        return false;
    }
    // A LayerNorm's variance is the RMS of the centered input: leave it to fuse_layer_normalization.
    if (const int sub = producerOf(g, index, x, "Sub"); sub >= 0 && producerOf(g, index, at(g, sub).input(1), "ReduceMean") >= 0
        && at(g, producerOf(g, index, at(g, sub).input(1), "ReduceMean")).input(0) == at(g, sub).input(0))
        return false;
    const int add = soleConsumerOp(g, index, mean.outputs[0], "Add");
    if (add < 0)
        return false;
    const int epsSide = otherSide(at(g, add), mean.outputs[0]);
    const auto eps = epsSide < 0 ? std::nullopt : scalarConstant(g, index, at(g, add).input(static_cast<std::size_t>(epsSide)));
    const int root = soleConsumerOp(g, index, at(g, add).outputs[0], "Sqrt");
    if (!eps || root < 0)
        return false;
    std::vector<int> nodes{square, i, add, root};
    const std::string normalized = matchDivisionBy(g, index, at(g, root).outputs[0], x, nodes);
    if (normalized.empty())
        return false;
    const std::string op = "RMSNormalization";
    const ValueType xt = g.typeOf(x);
    if (!xt.hasShape) {
        keep(ctx, mean, op, "the rank of " + quote(x) + " is not known");
        return false;
    }
    const auto rank = static_cast<int64_t>(xt.dims.size());
    const auto axes = reduceAxes(g, index, mean, rank);
    if (!axes) {
        keep(ctx, mean, op, "the reduced axes are not constant");
        return false;
    }
    if (!trailing(*axes, rank)) {
        keep(ctx, mean, op, "the normalized axes " + listText(*axes) + " are not the last axes of a rank-"
                                + std::to_string(rank) + " input");
        return false;
    }
    if (mean.attrInt("keepdims", 1) != 1) {
        keep(ctx, mean, op, "the ReduceMean drops the reduced axes (keepdims=0)");
        return false;
    }
    if (xt.elemType != dtype::Float) {
        keep(ctx, mean, op, "the input is " + dtypeName(xt.elemType)
                                + ", and RMSNormalization would compute in float (stash_type) where the nodes compute "
                                  "in the input's type");
        return false;
    }
    const auto normDims = normalizedDims(g, x, *axes);
    if (!normDims) {
        keep(ctx, mean, op, "the normalized dims of " + quote(x) + " are not known");
        return false;
    }
    const Affine affine = affineAfter(g, index, ctx, normalized, *normDims, rank, false);
    nodes.insert(nodes.end(), affine.nodes.begin(), affine.nodes.end());
    if (anyPinned(ctx, g, nodes)) {
        keep(ctx, mean, op, "one of its nodes is pinned");
        return false;
    }
    if (!internalOnly(g, index, nodes, affine.result)) {
        keep(ctx, mean, op, "an intermediate value is used outside the pattern");
        return false;
    }
    if (const std::string problem = onesScaleProblem(affine, *normDims, xt.elemType, ctx); !problem.empty()) {
        keep(ctx, mean, op, problem);
        return false;
    }
    const auto inputs = affineInputs(g, affine, at(g, root).label(), xt.elemType, *normDims);
    const int64_t axis = axes->front() - rank;
    const float epsilon = static_cast<float>(*eps);
    replaceByFused(g, ctx, nodes, op, {x, inputs.first}, affine.result, [&](onnx::NodeProto& p) {
        edit::setIntAttr(p, "axis", axis);
        setFloatAttr(p, "epsilon", epsilon);
    });
    return true;
}

// ---- GroupNormalization --------------------------------------------------------------------------

/// Per-channel values of a constant applied by broadcasting to a [N, C, ...] tensor of rank `rank`
/// that varies at most along the channel axis, or nullopt.
std::optional<std::vector<double>> perChannel(const Tensor& t, int64_t channels, int64_t rank)
{
    const auto& dims = t.dims();
    if (static_cast<int64_t>(dims.size()) > rank)
        return std::nullopt;
    const int64_t offset = rank - static_cast<int64_t>(dims.size()); // dims[k] lines up with axis k + offset
    for (std::size_t k = 0; k < dims.size(); ++k) {
        const int64_t axis = static_cast<int64_t>(k) + offset;
        if (dims[k] != 1 && !(axis == 1 && dims[k] == channels))
            return std::nullopt;
    }
    const auto v = t.toDouble();
    std::vector<double> out(static_cast<std::size_t>(channels));
    for (int64_t c = 0; c < channels; ++c)
        out[static_cast<std::size_t>(c)] = v.size() == 1 ? v[0] : v[static_cast<std::size_t>(c)];
    return out;
}

/// A per-channel Mul (then Add) of constants after value: folded into scale and bias, their nodes
/// added. Returns the value the affine ends in (value itself when there is none).
std::string foldChannelAffine(const Graph& g, const GraphIndex& index, PassContext& ctx, std::string value, int64_t c,
                              int64_t rank, std::vector<double>& scale, std::vector<double>& bias, std::vector<int>& nodes)
{
    const int m = soleConsumerOp(g, index, value, "Mul");
    if (m < 0 || edit::isPinned(ctx, at(g, m)))
        return value;
    const int side = otherSide(at(g, m), value);
    auto w = side < 0 ? nullptr : edit::constantValue(g, index, at(g, m).input(static_cast<std::size_t>(side)));
    const auto wc = w ? perChannel(*w, c, rank) : std::nullopt;
    if (!wc)
        return value;
    for (int64_t ch = 0; ch < c; ++ch) {
        scale[static_cast<std::size_t>(ch)] *= (*wc)[static_cast<std::size_t>(ch)];
        bias[static_cast<std::size_t>(ch)] *= (*wc)[static_cast<std::size_t>(ch)];
    }
    nodes.push_back(m);
    value = at(g, m).outputs[0];
    const int a = soleConsumerOp(g, index, value, "Add");
    if (a < 0 || edit::isPinned(ctx, at(g, a)))
        return value;
    const int bs = otherSide(at(g, a), value);
    auto beta = bs < 0 ? nullptr : edit::constantValue(g, index, at(g, a).input(static_cast<std::size_t>(bs)));
    const auto bc = beta ? perChannel(*beta, c, rank) : std::nullopt;
    if (!bc)
        return value;
    for (int64_t ch = 0; ch < c; ++ch)
        bias[static_cast<std::size_t>(ch)] += (*bc)[static_cast<std::size_t>(ch)];
    nodes.push_back(a);
    return at(g, a).outputs[0];
}

/// Matches Reshape(x, [N, G, -1]) -> InstanceNormalization -> Reshape(back to x's shape)
/// (-> Mul(per-channel) -> Add(per-channel)) around the InstanceNormalization (node i).
bool fuseGroupNormAt(Graph& g, const GraphIndex& index, PassContext& ctx, int i)
{
    const Node& in = at(g, i);
    const int r1 = producerOf(g, index, in.input(0), "Reshape");
    if (r1 < 0 || soleConsumer(index, at(g, r1).outputs[0]) != i)
        return false;
    const int r2 = soleConsumerOp(g, index, in.outputs[0], "Reshape");
    if (r2 < 0)
        return false;
    const std::string x = at(g, r1).input(0);
    const std::string op = "GroupNormalization";
    const ValueType xt = g.typeOf(x);
    // Channels and spatial dims must be known; the batch may be symbolic (-1 here).
    std::optional<std::vector<int64_t>> xs;
    if (xt.hasShape && xt.dims.size() >= 3
        && std::all_of(xt.dims.begin() + 1, xt.dims.end(), [](const Dim& d) { return d.known(); })) {
        xs.emplace();
        for (const auto& d : xt.dims)
            xs->push_back(d.known() ? d.value : -1);
    }
    if (!xs) {
        keep(ctx, in, op, "the channel and spatial dims of " + quote(x) + " are not known");
        return false;
    }
    const int64_t rank = static_cast<int64_t>(xs->size()), n = (*xs)[0], c = (*xs)[1];
    int64_t inner = 1; // declared dims: their product may pass int64
    for (std::size_t a = 2; a < xs->size(); ++a)
        if (__builtin_mul_overflow(inner, (*xs)[a], &inner)) {
            keep(ctx, in, op, "the spatial dims of " + quote(x) + " multiply past int64");
            return false;
        }
    auto shape1 = edit::constantValue(g, index, at(g, r1).input(1));
    if (!shape1 || shape1->numel() != 3 || at(g, r1).attrInt("allowzero", 0) != 0
        || at(g, r2).attrInt("allowzero", 0) != 0)
        return false;
    const auto s1 = shape1->toInt64();
    const int64_t groups = s1[1];
    if (groups <= 0 || c % groups != 0 || !(s1[0] == 0 || (n >= 0 && s1[0] == n))
        || !(s1[2] == -1 || (c / groups <= std::numeric_limits<int64_t>::max() / std::max<int64_t>(inner, 1)
                             && s1[2] == c / groups * inner)))
        return false;
    std::vector<int> nodes{r1, i, r2};
    // The second Reshape restores x's shape: Shape(x) or the same dims as a constant.
    const int shapeNode = producerOf(g, index, at(g, r2).input(1), "Shape");
    if (shapeNode >= 0) {
        if (at(g, shapeNode).input(0) != x || at(g, shapeNode).hasAttribute("start") || at(g, shapeNode).hasAttribute("end"))
            return false;
        if (soleConsumer(index, at(g, shapeNode).outputs[0]) == r2)
            nodes.push_back(shapeNode);
    } else {
        auto shape2 = edit::constantValue(g, index, at(g, r2).input(1));
        if (!shape2 || n < 0 || shape2->toInt64() != *xs)
            return false;
    }
    auto s = edit::constantValue(g, index, in.input(1)), b = edit::constantValue(g, index, in.input(2));
    if (!s || !b || s->numel() != groups || b->numel() != groups) {
        keep(ctx, in, op, "the InstanceNormalization's scale and bias are not constants of one value per group");
        return false;
    }
    if (xt.elemType != dtype::Float) {
        keep(ctx, in, op, "the input is " + dtypeName(xt.elemType)
                              + ", and GroupNormalization would compute in float (stash_type) where the nodes compute "
                                "in the input's type");
        return false;
    }
    const auto sv = s->toDouble(), bv = b->toDouble();
    std::vector<double> scale(static_cast<std::size_t>(c)), bias(static_cast<std::size_t>(c));
    for (int64_t ch = 0; ch < c; ++ch) {
        scale[static_cast<std::size_t>(ch)] = sv[static_cast<std::size_t>(ch / (c / groups))];
        bias[static_cast<std::size_t>(ch)] = bv[static_cast<std::size_t>(ch / (c / groups))];
    }
    const std::string result = foldChannelAffine(g, index, ctx, at(g, r2).outputs[0], c, rank, scale, bias, nodes);
    if (anyPinned(ctx, g, nodes)) {
        keep(ctx, in, op, "one of its nodes is pinned");
        return false;
    }
    if (!internalOnly(g, index, nodes, result)) {
        keep(ctx, in, op, "an intermediate value is used outside the pattern");
        return false;
    }
    const std::string base = in.label();
    const std::string scaleName = edit::addInitializer(g, base + "_group_scale", Tensor::fromDoubles(xt.elemType, {c}, scale));
    const std::string biasName = edit::addInitializer(g, base + "_group_bias", Tensor::fromDoubles(xt.elemType, {c}, bias));
    const float epsilon = in.attrFloat("epsilon", 1e-5f);
    replaceByFused(g, ctx, nodes, op, {x, scaleName, biasName}, result, [&](onnx::NodeProto& p) {
        edit::setIntAttr(p, "num_groups", groups);
        setFloatAttr(p, "epsilon", epsilon);
    });
    return true;
}

// ---- Attention -----------------------------------------------------------------------------------

/// The (transposed) key of Q K^T: a Transpose swapping the last two axes, read only by the MatMul.
struct KeyInput {
    int transpose = -1;           // the Transpose node
    std::vector<int64_t> keyPerm; // the perm that gives K itself (identity: the Transpose goes)
};

/// Softmax(scale * Q K^T (+ mask)) V as found around a Softmax.
struct AttentionMatch {
    int softmax = -1, qk = -1, pv = -1; ///< the Softmax and the two MatMuls
    std::vector<int> nodes;             ///< every node the fusion removes (so far)
    std::string q, kT, v, mask;         ///< mask: "" when none is added
    double scale = 1.0;
};

/// Div(operand, c), Mul(operand, c) or Mul(c, operand) with a one-element constant c: folds c into
/// m.scale. False when node n is none of these.
bool scaleBy(const Graph& g, const GraphIndex& index, int n, const std::string& operand, AttentionMatch& m)
{
    const Node& sn = at(g, n);
    if (sn.opType == "Div" && sn.input(0) == operand) {
        const auto c = scalarConstant(g, index, sn.input(1));
        if (!c || *c == 0)
            return false;
        m.scale *= 1.0 / *c;
        return true;
    }
    if (sn.opType == "Mul") {
        const int side = otherSide(sn, operand);
        const auto c = side < 0 ? std::nullopt : scalarConstant(g, index, sn.input(static_cast<std::size_t>(side)));
        if (!c)
            return false;
        m.scale *= *c;
        return true;
    }
    return false;
}

/// Walks up from the Softmax's input: an optional Add of a mask, an optional scale, then Q K^T.
/// Returns the MatMul's index, or -1.
int matchScores(const Graph& g, const GraphIndex& index, AttentionMatch& m)
{
    std::string scores = at(g, m.softmax).input(0);
    int p = index.producer(scores);
    if (p >= 0 && at(g, p).opType == "Add" && at(g, p).domain.empty() && soleConsumer(index, scores) == m.softmax) {
        // scores + mask: the other operand is the mask.
        for (int side = 0; side < 2 && m.mask.empty(); ++side) {
            const int inner = index.producer(at(g, p).input(static_cast<std::size_t>(side)));
            if (inner >= 0 && (at(g, inner).opType == "MatMul" || at(g, inner).opType == "Div" || at(g, inner).opType == "Mul")) {
                m.mask = at(g, p).input(static_cast<std::size_t>(1 - side));
                m.nodes.push_back(p);
                scores = at(g, p).input(static_cast<std::size_t>(side));
            }
        }
        if (m.mask.empty())
            return -1;
        p = index.producer(scores);
    }
    if (p < 0 || !at(g, p).domain.empty() || soleConsumer(index, scores) < 0)
        return -1;
    if (at(g, p).opType == "Div" || at(g, p).opType == "Mul") {
        // Scaled scores: the MatMul is the non-constant operand.
        const Node& sn = at(g, p);
        const int mmSide = producerOf(g, index, sn.input(0), "MatMul") >= 0 ? 0 : 1;
        const std::string product = sn.input(static_cast<std::size_t>(mmSide));
        if (!scaleBy(g, index, p, product, m))
            return -1;
        m.nodes.push_back(p);
        scores = product;
        p = producerOf(g, index, scores, "MatMul");
        if (p < 0 || soleConsumer(index, scores) < 0)
            return -1;
    }
    return at(g, p).opType == "MatMul" ? p : -1;
}

/// The structure of the pattern around Softmax node i (no type checks yet).
bool matchAttention(const Graph& g, const GraphIndex& index, int i, AttentionMatch& m)
{
    const Node& sm = at(g, i);
    m.softmax = i;
    m.pv = soleConsumerOp(g, index, sm.outputs[0], "MatMul");
    if (m.pv < 0 || at(g, m.pv).input(0) != sm.outputs[0])
        return false;
    m.nodes = {i, m.pv};
    m.qk = matchScores(g, index, m);
    if (m.qk < 0)
        return false;
    m.nodes.push_back(m.qk);
    m.q = at(g, m.qk).input(0);
    m.kT = at(g, m.qk).input(1);
    m.v = at(g, m.pv).input(1);
    // Scaled query.
    if (const int qs = index.producer(m.q); qs >= 0 && at(g, qs).domain.empty() && soleConsumer(index, m.q) == m.qk
                                            && (at(g, qs).opType == "Div" || at(g, qs).opType == "Mul")) {
        const Node& sn = at(g, qs);
        for (int side = 0; side < 2; ++side) {
            const std::string operand = sn.input(static_cast<std::size_t>(side));
            if (scalarConstant(g, index, operand))
                continue;
            const double before = m.scale;
            if (scaleBy(g, index, qs, operand, m)) {
                m.nodes.push_back(qs);
                m.q = operand;
                break;
            }
            m.scale = before;
        }
    }
    return true;
}

/// Why Attention cannot take the matched Q, K, V and mask (types, ranks, axes); "" when it can.
std::string attentionTypeProblem(const Graph& g, const AttentionMatch& m)
{
    const ValueType qt = g.typeOf(m.q), kt = g.typeOf(m.kT), vt = g.typeOf(m.v);
    if (!qt.hasShape || !kt.hasShape || !vt.hasShape)
        return "the ranks of Q, K and V are not known";
    const std::size_t rank = qt.dims.size();
    if ((rank != 3 && rank != 4) || kt.dims.size() != rank || vt.dims.size() != rank)
        return "Q, K and V are not all 3-D or all 4-D";
    const auto axis = at(g, m.softmax).attrInt("axis", -1);
    if (axis != -1 && axis != static_cast<int64_t>(rank) - 1)
        return "the Softmax is not over the last axis";
    for (std::size_t a = 0; a + 2 < rank; ++a)
        if (!(qt.dims[a] == kt.dims[a] && qt.dims[a] == vt.dims[a]) || (!qt.dims[a].known() && qt.dims[a].param.empty()))
            return "the batch and head dims of Q, K and V are not known to be equal (MatMul would broadcast)";
    if (qt.elemType != dtype::Float || kt.elemType != dtype::Float || vt.elemType != dtype::Float)
        return "Q, K and V are not all float";
    if (!m.mask.empty()) {
        const ValueType mt = g.typeOf(m.mask);
        if (!mt.hasShape || mt.dims.size() > (rank == 3 ? 2 : 4) || mt.elemType != dtype::Float)
            return "the added mask is not a float tensor of rank " + std::string(rank == 3 ? "2" : "4") + " or less";
    }
    return {};
}

/// Matches Softmax(scale * Q K^T (+ mask)) V around the Softmax (node i).
bool fuseAttentionAt(Graph& g, const GraphIndex& index, PassContext& ctx, int i)
{
    AttentionMatch m;
    if (!matchAttention(g, index, i, m))
        return false;
    const Node& sm = at(g, i);
    const std::string op = "Attention";
    if (const std::string problem = attentionTypeProblem(g, m); !problem.empty()) {
        keep(ctx, sm, op, problem);
        return false;
    }
    const std::size_t rank = g.typeOf(m.q).dims.size();
    // K^T must come from a Transpose of K swapping the last two axes, read only here.
    const int tr = producerOf(g, index, m.kT, "Transpose");
    if (tr < 0 || soleConsumer(index, m.kT) != m.qk || edit::isPinned(ctx, at(g, tr))) {
        keep(ctx, sm, op, "the transposed key is not made by a Transpose read only by the MatMul");
        return false;
    }
    auto perm = at(g, tr).attrInts("perm");
    if (perm.size() != rank) {
        keep(ctx, sm, op, "the key's Transpose has no explicit permutation of rank " + std::to_string(rank));
        return false;
    }
    std::swap(perm[rank - 1], perm[rank - 2]);
    bool identity = true;
    for (std::size_t a = 0; a < rank; ++a)
        identity = identity && perm[a] == static_cast<int64_t>(a);
    if (identity)
        m.nodes.push_back(tr);
    if (anyPinned(ctx, g, m.nodes)) {
        keep(ctx, sm, op, "one of its nodes is pinned");
        return false;
    }
    const std::string result = at(g, m.pv).outputs[0];
    if (!internalOnly(g, index, m.nodes, result)) {
        keep(ctx, sm, op, "an intermediate value is used outside the pattern");
        return false;
    }
    std::string key = at(g, tr).input(0);
    if (!identity) {
        // Keep the Transpose, now producing K itself.
        Node& tn = g.nodes[static_cast<std::size_t>(tr)];
        auto proto = edit::mutableProto(tn);
        edit::setIntsAttr(*proto, "perm", perm);
        tn.proto = proto;
        key = tn.outputs[0];
        g.types.erase(key);
        ctx.record().changed.push_back(tn.id);
    }
    std::vector<std::string> inputs{m.q, key, m.v};
    if (!m.mask.empty())
        inputs.push_back(m.mask);
    const float s = static_cast<float>(m.scale);
    const bool threeD = rank == 3;
    replaceByFused(g, ctx, m.nodes, op, inputs, result, [&](onnx::NodeProto& pr) {
        setFloatAttr(pr, "scale", s);
        if (threeD) {
            edit::setIntAttr(pr, "q_num_heads", 1);
            edit::setIntAttr(pr, "kv_num_heads", 1);
        }
    });
    return true;
}

} // namespace

std::unique_ptr<Pass> fuseLayerNormalization()
{
    return rewritePass(
        PassInfo{"fuse_layer_normalization",
                 "Decomposed LayerNorm (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add) -> "
                 "LayerNormalization (opset 17+).",
                 "Before: m = ReduceMean(x, axes); d = Sub(x, m); v = ReduceMean(Pow(d, 2), axes)\n"
                 "        y = Add(Mul(Div(d, Sqrt(Add(v, eps))), scale), bias)\n"
                 "After:  y = LayerNormalization(x, scale, bias, axis=first of axes, epsilon=eps)\n"
                 "Only at opset 17 or later, for float inputs, when the axes are the last ones and the same "
                 "in both ReduceMeans, epsilon is added to the variance, and scale and bias are constants "
                 "along the normalized dims.",
                 false}, {"ReduceMean"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            return fuseLayerNormAt(g, index, ctx, i);
        }, /*minOpset=*/17);
}

std::unique_ptr<Pass> fuseGelu()
{
    return rewritePass(
        PassInfo{"fuse_gelu", "Decomposed GELU (Erf form or tanh approximation) -> Gelu (opset 20+).",
                 "Before: y = Mul(Mul(x, Add(Erf(Div(x, sqrt(2))), 1)), 0.5)\n"
                 "        y = 0.5 * x * (1 + Tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))\n"
                 "After:  y = Gelu(x)   or   y = Gelu(x, approximate=\"tanh\")\n"
                 "Only at opset 20 or later, for float and double inputs, when every constant is the "
                 "one of the definition.",
                 false}, {"Erf", "Tanh"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            return fuseGeluAt(g, index, ctx, i);
        }, /*minOpset=*/20);
}

} // namespace netfold::passes

namespace netfold::passes {

std::unique_ptr<Pass> fuseRmsNormalization()
{
    return rewritePass(
        PassInfo{"fuse_rms_normalization",
                 "Decomposed RMSNorm (Pow, ReduceMean, Add, Sqrt, Div or Reciprocal, Mul) -> RMSNormalization "
                 "(opset 23+).",
                 "Before: r = Sqrt(Add(ReduceMean(Pow(x, 2), axes), eps))\n"
                 "        y = Mul(Div(x, r), scale)   or   y = Mul(Mul(x, Reciprocal(r)), scale)\n"
                 "After:  y = RMSNormalization(x, scale, axis=first of axes, epsilon=eps)\n"
                 "Only at opset 23 or later, for float inputs, when the axes are the last ones and the "
                 "scale is a constant along the normalized dims.",
                 false}, {"ReduceMean"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            return fuseRmsNormAt(g, index, ctx, i);
        }, /*minOpset=*/23);
}

std::unique_ptr<Pass> fuseGroupNormalization()
{
    return rewritePass(
        PassInfo{"fuse_group_normalization",
                 "GroupNorm as Reshape, InstanceNormalization, Reshape, Mul, Add -> GroupNormalization (opset 21+).",
                 "Before: t = InstanceNormalization(Reshape(x, [0, G, -1]), s[G], b[G])\n"
                 "        y = Add(Mul(Reshape(t, Shape(x)), w[C,1,1]), beta[C,1,1])\n"
                 "After:  y = GroupNormalization(x, scale[C], bias[C], num_groups=G)\n"
                 "Only at opset 21 or later (per-channel scale and bias; opset 18's per-group form is "
                 "deprecated), for float inputs of known shape, with constant per-group and per-channel "
                 "parameters, folded into scale = s[g] * w and bias = b[g] * w + beta.",
                 false}, {"InstanceNormalization"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            return fuseGroupNormAt(g, index, ctx, i);
        }, /*minOpset=*/21);
}

} // namespace netfold::passes

namespace netfold::passes {

std::unique_ptr<Pass> fuseAttention()
{
    return rewritePass(
        PassInfo{"fuse_attention",
                 "Scaled dot-product attention (MatMul, scale, Add(mask), Softmax, MatMul) -> Attention (opset 23+).",
                 "Before: s = MatMul(Div(q, c), Transpose(k, swap last two axes))\n"
                 "        y = MatMul(Softmax(Add(s, mask), axis=-1), v)\n"
                 "After:  y = Attention(q, k, v, mask, scale=1/c)\n"
                 "Only at opset 23 or later, for float 3-D (one head) or 4-D Q, K and V with equal batch and "
                 "head dims, a one-element constant scale (on Q or on the scores) and a float mask of rank "
                 "2 (3-D) or at most 4 (4-D).",
                 false}, {"Softmax"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            return fuseAttentionAt(g, index, ctx, i);
        }, /*minOpset=*/23);
}

} // namespace netfold::passes
