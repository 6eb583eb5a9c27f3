// The "Nop" passes of onnx-optimizer: each drops a node that does nothing in inference.
#include "passes/Passes.h"
#include "passes/PassKit.h"

#include <onnx/onnx_pb.h>

namespace netfold::passes {

using namespace passkit;

namespace {

bool allEqual(const Tensor& t, double v)
{
    for (int64_t i = 0; i < t.numel(); ++i)
        if (t.at(i) != v)
            return false;
    return true;
}

bool sameType(const Graph& g, const std::string& a, const std::string& b)
{
    const ValueType ta = g.typeOf(a), tb = g.typeOf(b);
    return ta.elemType != 0 && ta.elemType == tb.elemType;
}

std::optional<std::vector<int64_t>> shapeOf(const Graph& g, const std::string& v) { return edit::staticShape(g, v); }

} // namespace

std::unique_ptr<Pass> eliminateNopCast()
{
    return nopPass({"eliminate_nop_cast", "Drop a Cast to the type its input already has.",
                    "Before: y = Cast(x, to=T) where x has type T\nAfter:  y = x"},
                   {"Cast"}, [](const Graph& g, const GraphIndex&, const Node& n, const PassContext&, std::string& why)
                       -> std::optional<std::string> {
                       const ValueType t = g.typeOf(n.input(0));
                       if (t.elemType == 0) {
                           why = "Kept: the type of input " + quote(n.input(0)) + " is unknown.";
                           return std::nullopt;
                       }
                       if (t.elemType != n.attrInt("to", 0))
                           return std::nullopt;
                       return n.input(0);
                   });
}

std::unique_ptr<Pass> eliminateNopDropout()
{
    return nopPass({"eliminate_nop_dropout", "Drop Dropout, which is the identity in inference.",
                    "Before: y = Dropout(x, ratio, training_mode=false)\nAfter:  y = x"},
                   {"Dropout"}, [](const Graph& g, const GraphIndex& index, const Node& n, const PassContext&,
                                   std::string& why) -> std::optional<std::string> {
                       if (n.outputs.size() > 1 && !n.outputs[1].empty() && index.useCount(n.outputs[1]) > 0) {
                           why = "Kept: its mask output " + quote(n.outputs[1]) + " is used.";
                           return std::nullopt;
                       }
                       if (!n.input(2).empty()) {
                           auto mode = edit::constantValue(g, index, n.input(2));
                           if (!mode || mode->numel() != 1 || mode->at(0) != 0) {
                               why = "Kept: training_mode is not a constant false.";
                               return std::nullopt;
                           }
                       }
                       if (n.attrInt("is_test", 1) == 0 && n.attrFloat("ratio", 0.5f) != 0.0f) {
                           why = "Kept: it is in training mode (is_test=0).";
                           return std::nullopt;
                       }
                       return n.input(0);
                   });
}

std::unique_ptr<Pass> eliminateNopFlatten()
{
    return nopPass({"eliminate_nop_flatten", "Drop a Flatten whose output has its input's shape.",
                    "Before: y = Flatten(x, axis=1) where x is [N, C]\nAfter:  y = x"},
                   {"Flatten"}, [](const Graph& g, const GraphIndex&, const Node& n, const PassContext&, std::string&)
                       -> std::optional<std::string> {
                       const ValueType t = g.typeOf(n.input(0));
                       if (!t.hasShape || t.dims.size() != 2)
                           return std::nullopt;
                       const int64_t axis = n.attrInt("axis", 1);
                       if (axis != 1 && axis != -1)
                           return std::nullopt;
                       return n.input(0);
                   });
}

std::unique_ptr<Pass> eliminateNopPad()
{
    return nopPass({"eliminate_nop_pad", "Drop a Pad whose pads are all zero.",
                    "Before: y = Pad(x, pads=[0,...,0])\nAfter:  y = x"},
                   {"Pad"}, [](const Graph& g, const GraphIndex& index, const Node& n, const PassContext&,
                               std::string&) -> std::optional<std::string> {
                       std::vector<int64_t> pads;
                       if (n.hasAttribute("pads")) {
                           pads = n.attrInts("pads");
                       } else {
                           auto t = edit::constantValue(g, index, n.input(1));
                           if (!t)
                               return std::nullopt;
                           pads = t->toInt64();
                       }
                       for (auto p : pads)
                           if (p != 0)
                               return std::nullopt;
                       return n.input(0);
                   });
}

std::unique_ptr<Pass> eliminateNopConcat()
{
    return nopPass({"eliminate_nop_concat", "Drop a Concat of a single input.", "Before: y = Concat(x)\nAfter:  y = x"},
                   {"Concat"}, [](const Graph&, const GraphIndex&, const Node& n, const PassContext&, std::string&)
                       -> std::optional<std::string> {
                       if (n.inputs.size() != 1)
                           return std::nullopt;
                       return n.input(0);
                   });
}

std::unique_ptr<Pass> eliminateNopSplit()
{
    return nopPass({"eliminate_nop_split", "Drop a Split with a single output covering the whole axis.",
                    "Before: (y) = Split(x, axis) with one output\nAfter:  y = x"},
                   {"Split"}, [](const Graph& g, const GraphIndex& index, const Node& n, const PassContext&,
                                 std::string&) -> std::optional<std::string> {
                       if (n.outputs.size() != 1)
                           return std::nullopt;
                       std::vector<int64_t> split = n.attrInts("split");
                       if (!n.input(1).empty()) {
                           auto t = edit::constantValue(g, index, n.input(1));
                           if (!t)
                               return std::nullopt;
                           split = t->toInt64();
                       }
                       if (!split.empty()) {
                           auto shape = shapeOf(g, n.input(0));
                           if (!shape)
                               return std::nullopt;
                           int64_t axis = n.attrInt("axis", 0);
                           if (axis < 0)
                               axis += static_cast<int64_t>(shape->size());
                           if (axis < 0 || axis >= static_cast<int64_t>(shape->size()) || split.size() != 1
                               || split[0] != (*shape)[static_cast<std::size_t>(axis)])
                               return std::nullopt;
                       }
                       return n.input(0);
                   });
}

std::unique_ptr<Pass> eliminateNopExpand()
{
    return nopPass({"eliminate_nop_expand", "Drop an Expand whose constant shape does not grow its input.",
                    "Before: y = Expand(x[2,3], shape=[1,3])\nAfter:  y = x"},
                   {"Expand"}, [](const Graph& g, const GraphIndex& index, const Node& n, const PassContext&,
                                  std::string& why) -> std::optional<std::string> {
                       auto shape = edit::constantValue(g, index, n.input(1));
                       if (!shape)
                           return std::nullopt;
                       const ValueType t = g.typeOf(n.input(0));
                       if (!t.hasShape) {
                           why = "Kept: the shape of input " + quote(n.input(0)) + " is unknown.";
                           return std::nullopt;
                       }
                       const auto target = shape->toInt64();
                       if (target.size() > t.dims.size())
                           return std::nullopt;
                       const std::size_t off = t.dims.size() - target.size();
                       for (std::size_t i = 0; i < target.size(); ++i) {
                           const Dim& d = t.dims[off + i];
                           if (target[i] == 1)
                               continue;
                           if (!d.known() || d.value != target[i])
                               return std::nullopt;
                       }
                       return n.input(0);
                   });
}

std::unique_ptr<Pass> eliminateNopTranspose()
{
    return nopPass({"eliminate_nop_transpose", "Drop a Transpose with the identity permutation.",
                    "Before: y = Transpose(x, perm=[0,1,2])\nAfter:  y = x"},
                   {"Transpose"}, [](const Graph&, const GraphIndex&, const Node& n, const PassContext&, std::string&)
                       -> std::optional<std::string> {
                       if (!n.hasAttribute("perm"))
                           return std::nullopt;
                       const auto perm = n.attrInts("perm");
                       for (std::size_t i = 0; i < perm.size(); ++i)
                           if (perm[i] != static_cast<int64_t>(i))
                               return std::nullopt;
                       return n.input(0);
                   });
}

std::unique_ptr<Pass> eliminateNopReshape()
{
    return nopPass({"eliminate_nop_reshape", "Drop a Reshape to the shape its input already has.",
                    "Before: y = Reshape(x[2,3], [2,3])\nAfter:  y = x"},
                   {"Reshape"}, [](const Graph& g, const GraphIndex& index, const Node& n, const PassContext&,
                                   std::string&) -> std::optional<std::string> {
                       const ValueType in = g.typeOf(n.input(0));
                       if (!in.hasShape)
                           return std::nullopt;
                       if (auto shape = edit::constantValue(g, index, n.input(1))) {
                           if (shape->dtype() != dtype::Int64)
                               return std::nullopt; // not a valid Reshape: left for the checker to name
                           const auto target = shape->toInt64();
                           if (target.size() != in.dims.size())
                               return std::nullopt;
                           int unknown = 0;
                           for (std::size_t i = 0; i < target.size(); ++i) {
                               const Dim& d = in.dims[i];
                               if (target[i] == 0 && n.attrInt("allowzero", 0) == 0)
                                   continue;
                               if (target[i] == -1) {
                                   ++unknown;
                                   continue;
                               }
                               if (!d.known() || d.value != target[i])
                                   return std::nullopt;
                           }
                           if (unknown <= 1)
                               return n.input(0);
                           return std::nullopt;
                       }
                       const ValueType out = g.typeOf(n.outputs[0]);
                       if (in.isStatic() && out.isStatic() && in.dims == out.dims)
                           return n.input(0);
                       return std::nullopt;
                   });
}

std::unique_ptr<Pass> eliminateNopWithUnit()
{
    return nopPass({"eliminate_nop_with_unit", "Drop x*1, x+0, x-0, x/1, And(x,true), Or(x,false).",
                    "Before: y = Mul(x, 1)\nAfter:  y = x"},
                   {"Add", "Mul", "Sub", "Div", "And", "Or"},
                   [](const Graph& g, const GraphIndex& index, const Node& n, const PassContext&, std::string&)
                       -> std::optional<std::string> {
                       const bool commutes = n.opType == "Add" || n.opType == "Mul" || n.opType == "And" || n.opType == "Or";
                       const double unit = (n.opType == "Mul" || n.opType == "Div" || n.opType == "And") ? 1.0 : 0.0;
                       for (int side = 1; side >= (commutes ? 0 : 1); --side) {
                           const std::string& other = n.input(static_cast<std::size_t>(side));
                           const std::string& x = n.input(static_cast<std::size_t>(1 - side));
                           auto c = edit::constantValue(g, index, other);
                           if (!c || !isNumericType(c->dtype()) || !allEqual(*c, unit) || !sameType(g, x, n.outputs[0]))
                               continue;
                           // The result must keep x's shape: same as the output's.
                           const ValueType tx = g.typeOf(x), ty = g.typeOf(n.outputs[0]);
                           if (tx.hasShape && ty.hasShape && tx.dims == ty.dims && tx.dims.size() >= c->rank())
                               return x;
                           if (tx.hasShape && c->numel() == 1 && c->rank() <= tx.dims.size())
                               return x;
                       }
                       return std::nullopt;
                   });
}

std::unique_ptr<Pass> eliminateIdentity()
{
    return nopPass({"eliminate_identity", "Remove Identity nodes.", "Before: y = Identity(x)\nAfter:  y = x"},
                   {"Identity"}, [](const Graph&, const GraphIndex&, const Node& n, const PassContext&, std::string&)
                       -> std::optional<std::string> { return n.input(0); });
}

std::unique_ptr<Pass> eliminateNopMonotoneArgmax()
{
    return rewritePass(
        PassInfo{"eliminate_nop_monotone_argmax", "Drop a monotone op (Log, Exp, Sqrt, Softmax) feeding ArgMax.",
                 "Before: y = ArgMax(Exp(x), axis)\nAfter:  y = ArgMax(x, axis)"}, {"ArgMax"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            const Node& argmax = g.nodes[static_cast<std::size_t>(i)];
            const int p = index.producer(argmax.input(0));
            if (p < 0)
                return false;
            const Node mono = g.nodes[static_cast<std::size_t>(p)];
            const bool elementwise = mono.opType == "Log" || mono.opType == "Exp" || mono.opType == "Sqrt";
            const bool softmax = (mono.opType == "Softmax" || mono.opType == "LogSoftmax") && ctx.opset() >= 13
                                 && mono.attrInt("axis", -1) == argmax.attrInt("axis", 0);
            if (!mono.domain.empty() || (!elementwise && !softmax) || soleConsumer(index, mono.outputs[0]) != i
                || edit::isPinned(ctx, mono))
                return false;
            g.nodes[static_cast<std::size_t>(i)].inputs[0] = mono.input(0);
            ctx.record().changed.push_back(argmax.id);
            edit::recordRemoval(ctx, mono, Fate::Eliminated, argmax.id);
            edit::removeNodes(g, {mono.id});
            ctx.record().count(stat::kNodesEliminated);
            return true;
        });
}

std::unique_ptr<Pass> eliminateDeadend()
{
    return std::make_unique<FunctionPass>(
        PassInfo{"eliminate_deadend", "Remove nodes whose outputs nothing uses.",
                 "Before: t = Shape(x) with t unused\nAfter:  (removed)"},
        [](Graph& graph, PassContext& ctx) {
            bool changed = true;
            while (changed) {
                changed = false;
                const GraphIndex index(graph);
                std::vector<NodeId> dead;
                for (const auto& n : graph.nodes) {
                    if (edit::isPinned(ctx, n))
                        continue;
                    bool used = false;
                    for (const auto& o : n.outputs)
                        used = used || (!o.empty() && index.useCount(o) > 0);
                    if (!used) {
                        edit::recordRemoval(ctx, n, Fate::Eliminated);
                        dead.push_back(n.id);
                    }
                }
                if (!dead.empty()) {
                    edit::removeNodes(graph, dead);
                    ctx.record().count(stat::kNodesEliminated, static_cast<int64_t>(dead.size()));
                    changed = true;
                }
            }
        });
}

} // namespace netfold::passes
