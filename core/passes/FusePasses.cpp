// The "Fuse" passes of onnx-optimizer: each merges a node into its neighbour.
#include "passes/Passes.h"
#include "passes/PassKit.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>

namespace netfold::passes {

using namespace passkit;

namespace {

Node& nodeAt(Graph& g, int i) { return g.nodes[static_cast<std::size_t>(i)]; }

/// Removes `absorbed` (fused into `into`) and records both.
void fuse(Graph& g, PassContext& ctx, const Node& absorbed, NodeId into)
{
    edit::recordRemoval(ctx, absorbed, Fate::Fused, into);
    edit::removeNodes(g, {absorbed.id});
    if (std::find(ctx.record().changed.begin(), ctx.record().changed.end(), into) == ctx.record().changed.end())
        ctx.record().changed.push_back(into);
    ctx.record().count(stat::kNodesFused);
}

/// The second node of a two-node chain first -> second (by op types), where first's only use is second.
int chainHead(const Graph& g, const GraphIndex& index, int second, const std::string& firstOp, std::size_t input = 0)
{
    const int p = producerOf(g, index, g.nodes[static_cast<std::size_t>(second)].input(input), firstOp);
    if (p < 0 || soleConsumer(index, g.nodes[static_cast<std::size_t>(p)].outputs[0]) != second)
        return -1;
    return p;
}

/// Makes `node` write `output` instead of its current first output (the fused-away node's output).
void takeOutput(Graph& g, int i, const std::string& output)
{
    const std::string old = nodeAt(g, i).outputs[0];
    nodeAt(g, i).outputs[0] = output;
    g.types.erase(old);
}

} // namespace

std::unique_ptr<Pass> eliminateConsecutiveIdempotentOps()
{
    return rewritePass(
        PassInfo{"eliminate_consecutive_idempotent_ops", "X(X(t)) -> X(t) for Ceil, Floor, Round, Relu, Reshape.",
                 "Before: y = Relu(Relu(x))\nAfter:  y = Relu(x)"}, {"Ceil", "Floor", "Round", "Relu", "Reshape"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            const Node second = nodeAt(g, i);
            const int f = chainHead(g, index, i, second.opType);
            if (f < 0 || edit::isPinned(ctx, nodeAt(g, f)))
                return false;
            const Node first = nodeAt(g, f);
            if (second.opType == "Reshape") {
                auto target = edit::constantValue(g, index, second.input(1));
                if (!target)
                    return false;
                for (int64_t d : target->toInt64())
                    if (d == 0)
                        return false; // 0 copies from the intermediate shape
                nodeAt(g, i).inputs[0] = first.input(0);
                fuse(g, ctx, first, second.id);
                return true;
            }
            // Keep the first node, writing the second's output.
            takeOutput(g, f, second.outputs[0]);
            fuse(g, ctx, second, first.id);
            return true;
        });
}

std::unique_ptr<Pass> fuseAddBiasIntoConv()
{
    return rewritePass(
        PassInfo{"fuse_add_bias_into_conv", "Conv + Add(constant bias) -> Conv with its B input.",
                 "Before: y = Add(Conv(x, W), b[M,1,1])\nAfter:  y = Conv(x, W, b[M])"}, {"Add"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            const Node add = nodeAt(g, i);
            for (std::size_t side = 0; side < 2; ++side) {
                const int c = chainHead(g, index, i, "Conv", side);
                if (c < 0 || !nodeAt(g, c).input(2).empty() || edit::isPinned(ctx, nodeAt(g, c)))
                    continue;
                auto bias = edit::constantValue(g, index, add.input(1 - side));
                auto w = edit::constantValue(g, index, nodeAt(g, c).input(1));
                const auto outRank = rankOf(g, add.outputs[0]);
                if (!bias || !w || w->rank() < 3 || !outRank || bias->dtype() != w->dtype())
                    continue;
                const int64_t m = w->dims()[0];
                // bias must broadcast as [M, 1, ..., 1] against the conv output [N, M, ...].
                const auto& bd = bias->dims();
                if (bias->numel() != m || static_cast<int64_t>(bd.size()) > *outRank - 1 + 1)
                    continue;
                bool ok = static_cast<int64_t>(bd.size()) >= *outRank - 1;
                for (std::size_t k = 0; ok && k < bd.size(); ++k) {
                    const int64_t axis = *outRank - static_cast<int64_t>(bd.size()) + static_cast<int64_t>(k);
                    ok = (axis == 1) ? bd[k] == m : bd[k] == 1;
                }
                if (!ok || bias->numel() != m)
                    continue;
                const std::string b = edit::addInitializer(
                    g, nodeAt(g, c).label() + "_bias",
                    std::make_shared<const Tensor>(bias->dtype(), std::vector<int64_t>{m}, bias->bytes().toBytes()));
                const Node conv = nodeAt(g, c);
                auto& cn = nodeAt(g, c);
                cn.inputs.resize(3);
                cn.inputs[2] = b;
                takeOutput(g, c, add.outputs[0]);
                fuse(g, ctx, add, conv.id);
                return true;
            }
            return false;
        });
}

std::unique_ptr<Pass> fuseBnIntoConv()
{
    return rewritePass(
        PassInfo{"fuse_bn_into_conv", "Fold an inference BatchNormalization with constant parameters into Conv W and B.",
                 "Before: y = BatchNormalization(Conv(x, W, B), scale, bias, mean, var)\n"
                 "After:  y = Conv(x, W*s, (B-mean)*s+bias), s = scale/sqrt(var+eps)"}, {"BatchNormalization"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            const Node bn = nodeAt(g, i);
            if (bn.attrInt("training_mode", 0) != 0 || bn.outputs.size() > 1) {
                if (bn.outputs.size() > 1)
                    for (std::size_t k = 1; k < bn.outputs.size(); ++k)
                        if (!bn.outputs[k].empty() && index.useCount(bn.outputs[k]) > 0) {
                            ctx.record().kept[bn.id] = "Kept: it is in training mode (running statistics are used).";
                            return false;
                        }
                if (bn.attrInt("training_mode", 0) != 0)
                    return false;
            }
            const int c = chainHead(g, index, i, "Conv");
            if (c < 0 || edit::isPinned(ctx, nodeAt(g, c)))
                return false;
            const Node conv = nodeAt(g, c);
            TensorPtr p[4];
            for (int k = 0; k < 4; ++k)
                p[k] = edit::constantValue(g, index, bn.input(static_cast<std::size_t>(k + 1)));
            auto w = edit::constantValue(g, index, conv.input(1));
            TensorPtr b = conv.input(2).empty() ? nullptr : edit::constantValue(g, index, conv.input(2));
            if (!w || !p[0] || !p[1] || !p[2] || !p[3] || (!conv.input(2).empty() && !b) || !isFloatType(w->dtype())) {
                ctx.record().kept[bn.id] = "Kept: its parameters or the Conv weights are not constant.";
                return false;
            }
            if (w->rank() < 1 || w->dims()[0] <= 0 || w->numel() % w->dims()[0] != 0) {
                ctx.record().kept[bn.id] = "Kept: the Conv weights have no output channels.";
                return false;
            }
            const int64_t m = w->dims()[0];
            for (const auto& t : p)
                if (t->numel() != m || !isNumericType(t->dtype()))
                    return false;
            if (b && (b->numel() != m || !isNumericType(b->dtype()))) {
                ctx.record().kept[bn.id] = "Kept: the Conv bias does not have one value per output channel.";
                return false;
            }
            const double eps = bn.attrFloat("epsilon", 1e-5f);
            const auto scale = p[0]->toDouble(), shift = p[1]->toDouble(), mean = p[2]->toDouble(),
                       var = p[3]->toDouble();
            auto wv = w->toDouble();
            std::vector<double> bv = b ? b->toDouble() : std::vector<double>(static_cast<std::size_t>(m), 0.0);
            const std::size_t per = wv.size() / static_cast<std::size_t>(m);
            for (std::size_t o = 0; o < static_cast<std::size_t>(m); ++o) {
                // Computed in float like the runtime would, to keep results bit-close.
                const double s = static_cast<float>(scale[o] / std::sqrt(static_cast<float>(var[o] + eps)));
                for (std::size_t k = 0; k < per; ++k)
                    wv[o * per + k] *= s;
                bv[o] = (bv[o] - mean[o]) * s + shift[o];
            }
            const std::string wName = edit::addInitializer(g, conv.input(1) + "_bn", Tensor::fromDoubles(w->dtype(), w->dims(), wv));
            const std::string bName = edit::addInitializer(g, (conv.input(2).empty() ? conv.label() : conv.input(2)) + "_bn",
                                                           Tensor::fromDoubles(w->dtype(), {m}, bv));
            auto& cn = nodeAt(g, c);
            cn.inputs.resize(3);
            cn.inputs[1] = wName;
            cn.inputs[2] = bName;
            takeOutput(g, c, bn.outputs[0]);
            fuse(g, ctx, bn, conv.id);
            return true;
        });
}

std::unique_ptr<Pass> fuseConsecutiveConcats()
{
    return rewritePass(
        PassInfo{"fuse_consecutive_concats", "Concat(Concat(a,b),c) on one axis -> one Concat.",
                 "Before: y = Concat(Concat(a, b, axis=1), c, axis=1)\nAfter:  y = Concat(a, b, c, axis=1)"}, {"Concat"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            const Node outer = nodeAt(g, i);
            for (std::size_t k = 0; k < outer.inputs.size(); ++k) {
                const int p = chainHead(g, index, i, "Concat", k);
                if (p < 0 || edit::isPinned(ctx, nodeAt(g, p)))
                    continue;
                const Node inner = nodeAt(g, p);
                int64_t a1 = inner.attrInt("axis", 0), a2 = outer.attrInt("axis", 0);
                const auto rank = rankOf(g, outer.outputs[0]);
                if (rank) {
                    a1 = a1 < 0 ? a1 + *rank : a1;
                    a2 = a2 < 0 ? a2 + *rank : a2;
                }
                if (a1 != a2)
                    continue;
                auto& on = nodeAt(g, i);
                on.inputs.erase(on.inputs.begin() + static_cast<long>(k));
                on.inputs.insert(on.inputs.begin() + static_cast<long>(k), inner.inputs.begin(), inner.inputs.end());
                fuse(g, ctx, inner, outer.id);
                return true;
            }
            return false;
        });
}

std::unique_ptr<Pass> fuseConsecutiveLogSoftmax()
{
    return rewritePass(
        PassInfo{"fuse_consecutive_log_softmax", "Log(Softmax(x)) -> LogSoftmax(x).",
                 "Before: y = Log(Softmax(x, axis))\nAfter:  y = LogSoftmax(x, axis)"}, {"Log"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            const Node log = nodeAt(g, i);
            const int s = chainHead(g, index, i, "Softmax");
            if (s < 0 || edit::isPinned(ctx, nodeAt(g, s)))
                return false;
            auto& sm = nodeAt(g, s);
            sm.opType = "LogSoftmax";
            auto proto = edit::mutableProto(sm);
            proto->set_op_type("LogSoftmax");
            sm.proto = proto;
            takeOutput(g, s, log.outputs[0]);
            fuse(g, ctx, log, sm.id);
            return true;
        });
}

std::unique_ptr<Pass> fuseConsecutiveReduceUnsqueeze()
{
    return rewritePass(
        PassInfo{"fuse_consecutive_reduce_unsqueeze", "Reduce(keepdims=0) + Unsqueeze on the same axes -> Reduce(keepdims=1).",
                 "Before: y = Unsqueeze(ReduceMean(x, axes=[1], keepdims=0), [1])\nAfter:  y = ReduceMean(x, axes=[1], keepdims=1)"}, {"Unsqueeze"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            const Node unsq = nodeAt(g, i);
            const int r = index.producer(unsq.input(0));
            if (r < 0)
                return false;
            const Node reduce = nodeAt(g, r);
            static const std::set<std::string> reduces = {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
                                                          "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
                                                          "ReduceLogSumExp", "ReduceSumSquare"};
            if (!reduce.domain.empty() || !reduces.count(reduce.opType) || reduce.attrInt("keepdims", 1) != 0
                || soleConsumer(index, reduce.outputs[0]) != i || edit::isPinned(ctx, reduce))
                return false;
            const auto inRank = rankOf(g, reduce.input(0));
            auto ra = axesOf(g, index, reduce, 1);
            auto ua = axesOf(g, index, unsq, 1);
            if (!ra || !ua || ra->empty() || !inRank)
                return false;
            auto a = normalizeAxes(*ra, inRank);
            auto b = normalizeAxes(*ua, inRank);
            if (!a || !b || *a != *b)
                return false;
            auto& rn = nodeAt(g, r);
            auto proto = edit::mutableProto(rn);
            edit::setIntAttr(*proto, "keepdims", 1);
            rn.proto = proto;
            takeOutput(g, r, unsq.outputs[0]);
            fuse(g, ctx, unsq, reduce.id);
            return true;
        });
}

namespace {

/// Fuses X(X(t, a1), a2) -> X(t, a) for Squeeze/Unsqueeze, with `combine` computing a.
std::unique_ptr<Pass> axisChainPass(PassInfo info, const std::string& op,
                                    std::function<std::optional<std::vector<int64_t>>(
                                        const std::vector<int64_t>&, const std::vector<int64_t>&, int64_t rank)> combine)
{
    return rewritePass(std::move(info), {op}, [op, combine](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
        const Node second = nodeAt(g, i);
        const int f = chainHead(g, index, i, op);
        if (f < 0 || edit::isPinned(ctx, nodeAt(g, f)))
            return false;
        const Node first = nodeAt(g, f);
        auto a1 = axesOf(g, index, first, 1);
        auto a2 = axesOf(g, index, second, 1);
        const auto rank = rankOf(g, first.input(0));
        if (!a1 || !a2 || !rank || a1->empty() || a2->empty())
            return false;
        auto axes = combine(*a1, *a2, *rank);
        if (!axes)
            return false;
        auto& fn = nodeAt(g, f);
        if (fn.hasAttribute("axes")) {
            auto proto = edit::mutableProto(fn);
            edit::setIntsAttr(*proto, "axes", *axes);
            fn.proto = proto;
        } else {
            fn.inputs.resize(2);
            fn.inputs[1] = edit::addInitializer(g, first.label() + "_axes", Tensor::int64Vector(*axes));
        }
        takeOutput(g, f, second.outputs[0]);
        fuse(g, ctx, second, first.id);
        return true;
    });
}

} // namespace

std::unique_ptr<Pass> fuseConsecutiveSqueezes()
{
    return axisChainPass({"fuse_consecutive_squeezes", "Squeeze(Squeeze(x)) -> one Squeeze.",
                          "Before: y = Squeeze(Squeeze(x, [0]), [1])\nAfter:  y = Squeeze(x, [0, 2])"},
                         "Squeeze", [](const std::vector<int64_t>& a1, const std::vector<int64_t>& a2, int64_t rank)
                             -> std::optional<std::vector<int64_t>> {
                             auto first = normalizeAxes(a1, rank);
                             if (!first)
                                 return std::nullopt;
                             auto second = normalizeAxes(a2, rank - static_cast<int64_t>(first->size()));
                             if (!second)
                                 return std::nullopt;
                             std::vector<int64_t> remaining; // original axes left after the first squeeze
                             for (int64_t k = 0; k < rank; ++k)
                                 if (!std::binary_search(first->begin(), first->end(), k))
                                     remaining.push_back(k);
                             std::vector<int64_t> all = *first;
                             for (int64_t k : *second)
                                 all.push_back(remaining[static_cast<std::size_t>(k)]);
                             std::sort(all.begin(), all.end());
                             return all;
                         });
}

std::unique_ptr<Pass> fuseConsecutiveUnsqueezes()
{
    return axisChainPass({"fuse_consecutive_unsqueezes", "Unsqueeze(Unsqueeze(x)) -> one Unsqueeze.",
                          "Before: y = Unsqueeze(Unsqueeze(x, [0]), [2])\nAfter:  y = Unsqueeze(x, [0, 2])"},
                         "Unsqueeze", [](const std::vector<int64_t>& a1, const std::vector<int64_t>& a2, int64_t rank)
                             -> std::optional<std::vector<int64_t>> {
                             const int64_t mid = rank + static_cast<int64_t>(a1.size());
                             const int64_t fin = mid + static_cast<int64_t>(a2.size());
                             auto first = normalizeAxes(a1, mid);
                             auto second = normalizeAxes(a2, fin);
                             if (!first || !second)
                                 return std::nullopt;
                             // Final positions not inserted by the second op hold the intermediate dims in order.
                             std::vector<int64_t> slots;
                             for (int64_t k = 0; k < fin; ++k)
                                 if (!std::binary_search(second->begin(), second->end(), k))
                                     slots.push_back(k);
                             std::vector<int64_t> all = *second;
                             for (int64_t k : *first)
                                 all.push_back(slots[static_cast<std::size_t>(k)]);
                             std::sort(all.begin(), all.end());
                             return all;
                         });
}

std::unique_ptr<Pass> fuseConsecutiveTransposes()
{
    return rewritePass(
        PassInfo{"fuse_consecutive_transposes", "Transpose(Transpose(x)) -> one Transpose.",
                 "Before: y = Transpose(Transpose(x, [0,2,1]), [0,2,1])\nAfter:  y = Transpose(x, [0,1,2])"}, {"Transpose"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            const Node second = nodeAt(g, i);
            const int f = chainHead(g, index, i, "Transpose");
            if (f < 0 || edit::isPinned(ctx, nodeAt(g, f)))
                return false;
            const Node first = nodeAt(g, f);
            auto p1 = first.attrInts("perm"), p2 = second.attrInts("perm");
            if (p1.empty() || p1.size() != p2.size())
                return false;
            std::vector<int64_t> p(p1.size());
            for (std::size_t k = 0; k < p.size(); ++k) {
                if (p2[k] < 0 || p2[k] >= static_cast<int64_t>(p1.size()))
                    return false;
                p[k] = p1[static_cast<std::size_t>(p2[k])];
            }
            auto& fn = nodeAt(g, f);
            auto proto = edit::mutableProto(fn);
            edit::setIntsAttr(*proto, "perm", p);
            fn.proto = proto;
            takeOutput(g, f, second.outputs[0]);
            fuse(g, ctx, second, first.id);
            return true;
        });
}

std::unique_ptr<Pass> fuseMatmulAddBiasIntoGemm()
{
    return rewritePass(
        PassInfo{"fuse_matmul_add_bias_into_gemm", "2-D MatMul + Add(bias) -> Gemm.",
                 "Before: y = Add(MatMul(a[M,K], B[K,N]), c[N])\nAfter:  y = Gemm(a, B, c)"}, {"Add"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            const Node add = nodeAt(g, i);
            for (std::size_t side = 0; side < 2; ++side) {
                const int m = chainHead(g, index, i, "MatMul", side);
                if (m < 0 || edit::isPinned(ctx, nodeAt(g, m)))
                    continue;
                const Node mm = nodeAt(g, m);
                auto b = edit::constantValue(g, index, mm.input(1));
                auto c = edit::constantValue(g, index, add.input(1 - side));
                const ValueType a = g.typeOf(mm.input(0));
                const ValueType y = g.typeOf(add.outputs[0]);
                if (!b || !c || b->rank() != 2 || !a.hasShape || a.dims.size() != 2 || !y.hasShape
                    || y.dims.size() != 2 || c->rank() > 2 || !isFloatType(b->dtype()))
                    continue;
                // c must broadcast to [M, N] without growing y.
                const ValueType mt = g.typeOf(mm.outputs[0]);
                if (!mt.hasShape || mt.dims != y.dims)
                    continue;
                auto& mn = nodeAt(g, m);
                mn.opType = "Gemm";
                auto proto = edit::mutableProto(mn);
                proto->set_op_type("Gemm");
                mn.proto = proto;
                mn.inputs = {mm.input(0), mm.input(1), add.input(1 - side)};
                takeOutput(g, m, add.outputs[0]);
                fuse(g, ctx, add, mm.id);
                return true;
            }
            return false;
        });
}

namespace {

/// Constant zero-padding pads of a Pad node (spatial only: N and C pads must be 0), or nullopt.
std::optional<std::vector<int64_t>> spatialPads(const Graph& g, const GraphIndex& index, const Node& pad, bool allowNegInfValue,
                                                bool* valueIsNegInf)
{
    if (pad.attrString("mode", "constant") != "constant")
        return std::nullopt;
    std::vector<int64_t> pads = pad.attrInts("pads");
    double value = pad.attrFloat("value", 0.0f);
    if (!pad.hasAttribute("pads")) {
        auto p = edit::constantValue(g, index, pad.input(1));
        if (!p || !pad.input(3).empty())
            return std::nullopt;
        pads = p->toInt64();
        if (!pad.input(2).empty()) {
            auto v = edit::constantValue(g, index, pad.input(2));
            if (!v || v->numel() != 1)
                return std::nullopt;
            value = v->at(0);
        }
    }
    *valueIsNegInf = std::isinf(value) && value < 0;
    if (value != 0.0 && !(allowNegInfValue && *valueIsNegInf))
        return std::nullopt;
    const std::size_t rank = pads.size() / 2;
    if (rank < 3 || pads[0] || pads[1] || pads[rank] || pads[rank + 1])
        return std::nullopt;
    for (auto p : pads)
        if (p < 0)
            return std::nullopt;
    std::vector<int64_t> spatial;
    for (std::size_t k = 2; k < rank; ++k)
        spatial.push_back(pads[k]);
    for (std::size_t k = rank + 2; k < 2 * rank; ++k)
        spatial.push_back(pads[k]);
    return spatial;
}

std::unique_ptr<Pass> padFusion(PassInfo info, std::set<std::string> ops)
{
    return rewritePass(std::move(info), ops, [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
        const Node target = nodeAt(g, i);
        const int p = chainHead(g, index, i, "Pad");
        if (p < 0 || edit::isPinned(ctx, nodeAt(g, p)))
            return false;
        const Node pad = nodeAt(g, p);
        bool negInf = false;
        auto add = spatialPads(g, index, pad, target.opType == "MaxPool", &negInf);
        if (!add)
            return false;
        if (target.opType == "MaxPool" && !negInf && !add->empty()) {
            bool any = false;
            for (auto v : *add)
                any = any || v != 0;
            if (any) {
                ctx.record().kept[pad.id] = "Kept: zero padding before MaxPool differs from MaxPool's own padding.";
                return false;
            }
        }
        if (target.attrString("auto_pad", "NOTSET") != "NOTSET")
            return false;
        std::vector<int64_t> pads = target.attrInts("pads");
        if (target.opType == "AveragePool" && target.attrInt("count_include_pad", 0) == 0)
            for (auto v : pads)
                if (v != 0)
                    return false;
        if (pads.empty())
            pads.assign(add->size(), 0);
        if (pads.size() != add->size())
            return false;
        for (std::size_t k = 0; k < pads.size(); ++k)
            pads[k] += (*add)[k];
        auto& tn = nodeAt(g, i);
        auto proto = edit::mutableProto(tn);
        edit::setIntsAttr(*proto, "pads", pads);
        if (target.opType == "AveragePool")
            edit::setIntAttr(*proto, "count_include_pad", 1);
        tn.proto = proto;
        tn.inputs[0] = pad.input(0);
        fuse(g, ctx, pad, target.id);
        return true;
    });
}

} // namespace

std::unique_ptr<Pass> fusePadIntoConv()
{
    return padFusion({"fuse_pad_into_conv", "Constant zero Pad -> the Conv's pads attribute.",
                      "Before: y = Conv(Pad(x, [0,0,1,1,0,0,1,1]), W)\nAfter:  y = Conv(x, W, pads=[1,1,1,1])"},
                     {"Conv"});
}

std::unique_ptr<Pass> fusePadIntoPool()
{
    return padFusion({"fuse_pad_into_pool", "Constant zero Pad -> the pool's pads attribute.",
                      "Before: y = AveragePool(Pad(x, [0,0,1,1,0,0,1,1]))\nAfter:  y = AveragePool(x, pads=[1,1,1,1], count_include_pad=1)"},
                     {"AveragePool", "MaxPool"});
}

std::unique_ptr<Pass> fuseTransposeIntoGemm()
{
    return rewritePass(
        PassInfo{"fuse_transpose_into_gemm", "Transpose feeding Gemm -> transA / transB.",
                 "Before: y = Gemm(Transpose(a), b)\nAfter:  y = Gemm(a, b, transA=1)"}, {"Gemm"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            for (std::size_t side = 0; side < 2; ++side) {
                const int t = chainHead(g, index, i, "Transpose", side);
                if (t < 0 || edit::isPinned(ctx, nodeAt(g, t)))
                    continue;
                const Node tr = nodeAt(g, t);
                const auto perm = tr.attrInts("perm");
                if (!perm.empty() && perm != std::vector<int64_t>{1, 0})
                    continue;
                if (perm.empty() && rankOf(g, tr.input(0)) != std::optional<int64_t>(2))
                    continue;
                auto& gn = nodeAt(g, i);
                const char* attr = side == 0 ? "transA" : "transB";
                auto proto = edit::mutableProto(gn);
                edit::setIntAttr(*proto, attr, 1 - gn.attrInt(attr, 0));
                gn.proto = proto;
                gn.inputs[side] = tr.input(0);
                fuse(g, ctx, tr, gn.id);
                return true;
            }
            return false;
        });
}

std::unique_ptr<Pass> fuseQkv()
{
    return rewritePass(
        PassInfo{"fuse_qkv", "Three MatMuls sharing an input with constant weights -> one MatMul + Split.",
                 "Before: q = MatMul(x, Wq); k = MatMul(x, Wk); v = MatMul(x, Wv)\n"
                 "After:  q, k, v = Split(MatMul(x, [Wq|Wk|Wv]), axis=-1)"}, {"MatMul"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            const Node first = nodeAt(g, i);
            std::vector<int> group;
            for (int c : index.consumers(first.input(0))) {
                const Node& n = nodeAt(g, c);
                if (n.opType != "MatMul" || !n.domain.empty() || n.input(0) != first.input(0) || edit::isPinned(ctx, n))
                    continue;
                auto w = edit::constantValue(g, index, n.input(1));
                if (w && w->rank() == 2 && isFloatType(w->dtype()))
                    group.push_back(c);
            }
            if (group.size() != 3 || group.front() != i)
                return false;
            std::vector<TensorPtr> ws;
            for (int c : group)
                ws.push_back(edit::constantValue(g, index, nodeAt(g, c).input(1)));
            const int64_t k = ws[0]->dims()[0];
            int64_t total = 0;
            std::vector<int64_t> sizes;
            for (const auto& w : ws) {
                if (w->dims()[0] != k || w->dtype() != ws[0]->dtype())
                    return false;
                sizes.push_back(w->dims()[1]);
                total += w->dims()[1];
            }
            std::vector<double> joined(static_cast<std::size_t>(k * total));
            int64_t col = 0;
            for (const auto& w : ws) {
                const auto v = w->toDouble();
                const int64_t n = w->dims()[1];
                for (int64_t r = 0; r < k; ++r)
                    for (int64_t c = 0; c < n; ++c)
                        joined[static_cast<std::size_t>(r * total + col + c)] = v[static_cast<std::size_t>(r * n + c)];
                col += n;
            }
            const Node a = nodeAt(g, group[0]), b = nodeAt(g, group[1]), c = nodeAt(g, group[2]);
            const std::string wName = edit::addInitializer(g, a.label() + "_qkv_weight",
                                                           Tensor::fromDoubles(ws[0]->dtype(), {k, total}, joined));
            const std::string splitName = edit::addInitializer(g, a.label() + "_qkv_split", Tensor::int64Vector(sizes));
            const std::string mmOut = edit::uniqueName(g, a.label() + "_qkv");
            auto& an = nodeAt(g, group[0]);
            an.inputs[1] = wName;
            an.outputs[0] = mmOut;
            Node split;
            split.id = ctx.newNodeId();
            split.name = a.label() + "_qkv_split";
            split.opType = "Split";
            split.inputs = {mmOut, splitName};
            split.outputs = {a.outputs[0], b.outputs[0], c.outputs[0]};
            auto proto = std::make_shared<onnx::NodeProto>();
            proto->set_op_type("Split");
            edit::setIntAttr(*proto, "axis", -1);
            split.proto = proto;
            g.nodes.insert(g.nodes.begin() + group[0] + 1, split);
            ctx.record().added.push_back(split.id);
            fuse(g, ctx, b, a.id);
            fuse(g, ctx, c, a.id);
            return true;
        }, /*minOpset=*/13);
}

std::unique_ptr<Pass> fuseConsecutiveSlices()
{
    return rewritePass(
        PassInfo{"fuse_consecutive_slices", "Slice(Slice(x)) on different axes -> one Slice.",
                 "Before: y = Slice(Slice(x, [1], [3], axes=[0]), [2], [4], axes=[1])\n"
                 "After:  y = Slice(x, [1, 2], [3, 4], axes=[0, 1])"}, {"Slice"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            const Node second = nodeAt(g, i);
            const int f = chainHead(g, index, i, "Slice");
            if (f < 0 || edit::isPinned(ctx, nodeAt(g, f)))
                return false;
            const Node first = nodeAt(g, f);
            const auto rank = rankOf(g, first.input(0));
            if (!rank)
                return false;
            struct Params {
                std::vector<int64_t> starts, ends, axes, steps;
            };
            auto read = [&](const Node& n) -> std::optional<Params> {
                Params p;
                auto s = edit::constantValue(g, index, n.input(1));
                auto e = edit::constantValue(g, index, n.input(2));
                if (!s || !e)
                    return std::nullopt;
                p.starts = s->toInt64();
                p.ends = e->toInt64();
                if (!n.input(3).empty()) {
                    auto a = edit::constantValue(g, index, n.input(3));
                    if (!a)
                        return std::nullopt;
                    p.axes = a->toInt64();
                } else {
                    for (std::size_t k = 0; k < p.starts.size(); ++k)
                        p.axes.push_back(static_cast<int64_t>(k));
                }
                if (!n.input(4).empty()) {
                    auto st = edit::constantValue(g, index, n.input(4));
                    if (!st)
                        return std::nullopt;
                    p.steps = st->toInt64();
                } else {
                    p.steps.assign(p.starts.size(), 1);
                }
                for (auto& a : p.axes)
                    if (a < 0)
                        a += *rank;
                return p;
            };
            auto p1 = read(first), p2 = read(second);
            if (!p1 || !p2)
                return false;
            for (auto a : p2->axes)
                if (std::find(p1->axes.begin(), p1->axes.end(), a) != p1->axes.end())
                    return false;
            Params m = *p1;
            m.starts.insert(m.starts.end(), p2->starts.begin(), p2->starts.end());
            m.ends.insert(m.ends.end(), p2->ends.begin(), p2->ends.end());
            m.axes.insert(m.axes.end(), p2->axes.begin(), p2->axes.end());
            m.steps.insert(m.steps.end(), p2->steps.begin(), p2->steps.end());
            auto& fn = nodeAt(g, f);
            const std::string base = first.label();
            fn.inputs = {first.input(0), edit::addInitializer(g, base + "_starts", Tensor::int64Vector(m.starts)),
                         edit::addInitializer(g, base + "_ends", Tensor::int64Vector(m.ends)),
                         edit::addInitializer(g, base + "_axes", Tensor::int64Vector(m.axes)),
                         edit::addInitializer(g, base + "_steps", Tensor::int64Vector(m.steps))};
            takeOutput(g, f, second.outputs[0]);
            fuse(g, ctx, second, first.id);
            return true;
        }, /*minOpset=*/10);
}

} // namespace netfold::passes
