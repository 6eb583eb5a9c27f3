// Shape chains: the Shape -> Gather/Slice -> Unsqueeze -> Concat helpers exporters emit to
// compute shapes at run time. netfold tracks them symbolically, so chains that read only static
// dims fold even when other dims are dynamic, and Reshape targets built from a dynamic dim
// become constants with 0 ("copy this dim") or -1 ("infer this one").
#include "passes/Passes.h"
#include "passes/PassKit.h"

#include "shape/ShapeInference.h"

#include <cstdint>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace netfold::passes {

namespace {
/// a op b for Add/Sub/Mul/Div on int64 shape values; false when undefined or overflowing
/// (division by zero, INT64_MIN / -1, wrap-around), so the value stays unknown.
bool exactInt64(const std::string& op, int64_t a, int64_t b, int64_t& out)
{
    if (op == "Add")
        return !__builtin_add_overflow(a, b, &out);
    if (op == "Sub")
        return !__builtin_sub_overflow(a, b, &out);
    if (op == "Mul")
        return !__builtin_mul_overflow(a, b, &out);
    if (b == 0 || (a == std::numeric_limits<int64_t>::min() && b == -1))
        return false;
    out = a / b;
    return true;
}
} // namespace

using namespace passkit;

namespace {

/// One entry of a shape vector: a known number, or a dim of some tensor (source, index, param).
struct SymDim {
    bool known = false;
    int64_t value = 0;
    std::string source; ///< the tensor whose dim this is ("" when opaque)
    int64_t index = -1;
    std::string param;
};

struct SymVec {
    std::vector<SymDim> dims;
    bool scalar = false;
    bool allKnown() const
    {
        for (const auto& d : dims)
            if (!d.known)
                return false;
        return true;
    }
};

class ShapeAnalysis {
public:
    ShapeAnalysis(const Graph& g, const GraphIndex& index) : m_graph(g), m_index(index)
    {
        for (const auto& n : g.nodes)
            if (n.domain.empty())
                visit(n);
    }

    const SymVec* get(const std::string& name)
    {
        auto it = m_vecs.find(name);
        if (it != m_vecs.end())
            return &it->second;
        TensorPtr t;
        try {
            t = edit::constantValue(m_graph, m_index, name);
        } catch (const std::exception&) {
            return nullptr;
        }
        if (!t || t->rank() > 1 || !isIntegerType(t->dtype()) || t->numel() > 64)
            return nullptr;
        SymVec v;
        v.scalar = t->rank() == 0;
        for (int64_t x : t->toInt64())
            v.dims.push_back(SymDim{true, x, {}, -1, {}});
        return &(m_vecs[name] = v);
    }
    /// True when the value was derived by the analysis (not a plain constant).
    bool derived(const std::string& name) const { return m_derived.count(name) != 0; }

private:
    void set(const std::string& name, SymVec v)
    {
        m_vecs[name] = std::move(v);
        m_derived.insert(name);
    }

    void visit(const Node& n)
    {
        if (n.outputs.empty() || n.outputs[0].empty())
            return;
        const std::string& out = n.outputs[0];
        if (n.opType == "Shape") {
            const ValueType t = m_graph.typeOf(n.input(0));
            auto dims = edit::shapeOpDims(m_graph, n);
            if (!dims)
                return;
            const auto rank = static_cast<int64_t>(t.dims.size());
            int64_t start = n.attrInt("start", 0);
            if (start < 0)
                start += rank;
            start = std::max<int64_t>(0, std::min(start, rank));
            SymVec v;
            for (std::size_t i = 0; i < dims->size(); ++i) {
                const Dim& d = (*dims)[i];
                v.dims.push_back(SymDim{d.known(), d.value, n.input(0), start + static_cast<int64_t>(i), d.param});
            }
            set(out, v);
        } else if (n.opType == "Gather" && n.attrInt("axis", 0) == 0) {
            const SymVec* data = get(n.input(0));
            TensorPtr idx = edit::constantValue(m_graph, m_index, n.input(1));
            if (!data || data->scalar || !idx || idx->rank() > 1)
                return;
            SymVec v;
            v.scalar = idx->rank() == 0;
            for (int64_t k : idx->toInt64()) {
                if (k < 0)
                    k += static_cast<int64_t>(data->dims.size());
                if (k < 0 || k >= static_cast<int64_t>(data->dims.size()))
                    return;
                v.dims.push_back(data->dims[static_cast<std::size_t>(k)]);
            }
            set(out, v);
        } else if (n.opType == "Slice") {
            const SymVec* data = get(n.input(0));
            if (!data || data->scalar)
                return;
            auto picked = sliceIndices(m_graph, m_index, n, data->dims.size());
            if (!picked)
                return;
            SymVec v;
            for (int64_t k : *picked)
                v.dims.push_back(data->dims[static_cast<std::size_t>(k)]);
            set(out, v);
        } else if (n.opType == "Concat") {
            if (n.attrInt("axis", 0) != 0 && n.attrInt("axis", 0) != -1)
                return;
            SymVec v;
            for (const auto& in : n.inputs) {
                const SymVec* part = get(in);
                if (!part || part->scalar)
                    return;
                v.dims.insert(v.dims.end(), part->dims.begin(), part->dims.end());
            }
            set(out, v);
        } else if (n.opType == "Unsqueeze") {
            const SymVec* data = get(n.input(0));
            auto axes = axesOf(m_graph, m_index, n, 1);
            if (!data || !data->scalar || !axes || axes->size() != 1 || ((*axes)[0] != 0 && (*axes)[0] != -1))
                return;
            SymVec v = *data;
            v.scalar = false;
            set(out, v);
        } else if (n.opType == "Squeeze") {
            const SymVec* data = get(n.input(0));
            if (!data || data->scalar || data->dims.size() != 1)
                return;
            SymVec v = *data;
            v.scalar = true;
            set(out, v);
        } else if (n.opType == "Identity" || (n.opType == "Cast" && isIntegerType(static_cast<int32_t>(n.attrInt("to", 0))))) {
            if (const SymVec* data = get(n.input(0)))
                set(out, *data);
        } else if (n.opType == "Add" || n.opType == "Sub" || n.opType == "Mul" || n.opType == "Div") {
            const SymVec* a = get(n.input(0));
            const SymVec* b = get(n.input(1));
            if (!a || !b)
                return;
            const std::size_t len = std::max(a->dims.size(), b->dims.size());
            if ((a->dims.size() != len && a->dims.size() != 1) || (b->dims.size() != len && b->dims.size() != 1))
                return;
            SymVec v;
            v.scalar = a->scalar && b->scalar;
            for (std::size_t i = 0; i < len; ++i) {
                const SymDim& x = a->dims[a->dims.size() == 1 ? 0 : i];
                const SymDim& y = b->dims[b->dims.size() == 1 ? 0 : i];
                SymDim r;
                int64_t value = 0;
                if (x.known && y.known && exactInt64(n.opType, x.value, y.value, value)) {
                    r.known = true;
                    r.value = value;
                } else if (y.known && ((n.opType == "Mul" || n.opType == "Div") && y.value == 1)) {
                    r = x;
                } else if (x.known && n.opType == "Mul" && x.value == 1) {
                    r = y;
                }
                v.dims.push_back(r);
            }
            set(out, v);
        }
    }

    const Graph& m_graph;
    const GraphIndex& m_index;
    std::unordered_map<std::string, SymVec> m_vecs;
    std::unordered_set<std::string> m_derived;
};

TensorPtr vecTensor(const SymVec& v, int32_t dt)
{
    std::vector<int64_t> dims;
    if (!v.scalar)
        dims.push_back(static_cast<int64_t>(v.dims.size()));
    if (dt == dtype::Int64) { // exact, whatever the magnitude
        std::vector<int64_t> ints;
        for (const auto& d : v.dims)
            ints.push_back(d.value);
        return Tensor::int64s(ints, dims);
    }
    // Other integer types: only when every value is one the type holds exactly (a uint64 above
    // INT64_MAX is tracked as a negative int64; a Cast to a narrower type would wrap).
    double lo = 0, hi = 0;
    switch (dt) {
    case dtype::Int32: lo = INT32_MIN, hi = INT32_MAX; break;
    case dtype::Int16: lo = INT16_MIN, hi = INT16_MAX; break;
    case dtype::Int8: lo = INT8_MIN, hi = INT8_MAX; break;
    case dtype::UInt32: hi = UINT32_MAX; break;
    case dtype::UInt16: hi = UINT16_MAX; break;
    case dtype::UInt8: hi = UINT8_MAX; break;
    case dtype::UInt64: hi = 9007199254740992.0; break; // 2^53: exact through double
    default: return nullptr;
    }
    std::vector<double> values;
    for (const auto& d : v.dims) {
        const double x = static_cast<double>(d.value);
        if (x < lo || x > hi)
            return nullptr;
        values.push_back(x);
    }
    return Tensor::fromDoubles(dt, dims, values);
}

/// A fold can make later shapes inferable (a Reshape's output after its target became
/// constant), which lets the next link of the chain fold: re-infer and go again, so one step
/// takes the whole cascade. Subgraphs are not re-inferred (their outer types are not at hand).
constexpr int kMaxCascade = 256;

bool reinferTopLevel(Graph& graph, PassContext& ctx)
{
    if (&graph != &ctx.model().graph)
        return false;
    edit::pruneTypes(graph);
    inferShapes(ctx.model());
    return true;
}

} // namespace

/// The constant Reshape target a symbolic shape vector stands for, using 0 for dims copied
/// from the data input and -1 for at most one unknown dim; nullopt when there is none.
std::optional<std::vector<int64_t>> reshapeTarget(const Graph& g, const Node& reshape, const SymVec& sv)
{
    if (sv.scalar || reshape.attrInt("allowzero", 0) != 0)
        return std::nullopt;
    const ValueType data = g.typeOf(reshape.input(0));
    std::vector<int64_t> target;
    int unknown = -1;
    bool hasMinusOne = false;
    for (std::size_t k = 0; k < sv.dims.size(); ++k) {
        const SymDim& d = sv.dims[k];
        if (d.known) {
            target.push_back(d.value);
            hasMinusOne = hasMinusOne || d.value == -1;
            continue;
        }
        const bool sameSource = d.source == reshape.input(0) && d.index == static_cast<int64_t>(k);
        const bool sameParam = !d.param.empty() && data.hasShape && k < data.dims.size() && data.dims[k].param == d.param;
        if (sameSource || sameParam) {
            target.push_back(0);
            continue;
        }
        if (unknown >= 0)
            return std::nullopt;
        unknown = static_cast<int>(k);
        target.push_back(-1);
    }
    if (unknown >= 0 && hasMinusOne)
        return std::nullopt;
    return target;
}

bool foldFrontier(Graph& graph, PassContext& ctx)
{
        const GraphIndex index(graph);
        ShapeAnalysis analysis(graph, index);
        struct Fold {
            std::string value;
            TensorPtr tensor;
            const Node* producer;
            std::vector<NodeId> consumers;
        };
        std::vector<Fold> folds;
        for (const auto& n : graph.nodes) {
            if (n.outputs.empty() || edit::isPinned(ctx, n) || !analysis.derived(n.outputs[0]))
                continue;
            const std::string& v = n.outputs[0];
            const SymVec* sv = analysis.get(v);
            if (!sv || !sv->allKnown())
                continue;
            // Fold only the frontier: a value some consumer outside the known chain reads.
            bool frontier = index.isGraphOutput(v) || index.useCount(v) > index.consumers(v).size();
            for (int c : index.consumers(v)) {
                const Node& user = graph.nodes[static_cast<std::size_t>(c)];
                const std::string out = user.outputs.empty() ? std::string() : user.outputs[0];
                const SymVec* uv = out.empty() ? nullptr : analysis.get(out);
                frontier = frontier || !analysis.derived(out) || !uv || !uv->allKnown();
            }
            bool otherOutputsUsed = false;
            for (std::size_t k = 1; k < n.outputs.size(); ++k)
                otherOutputsUsed = otherOutputsUsed || (!n.outputs[k].empty() && index.useCount(n.outputs[k]) > 0);
            if (!frontier || otherOutputsUsed)
                continue;
            const ValueType t = graph.typeOf(v);
            TensorPtr value = vecTensor(*sv, t.elemType ? t.elemType : dtype::Int64);
            if (!value)
                continue; // not exactly representable in its type: left to fold_constants
            folds.push_back({v, std::move(value), &n, edit::consumerIds(graph, index, v)});
        }
        if (folds.empty())
            return false;
        std::vector<NodeId> producers;
        std::vector<std::pair<std::string, std::string>> roots;
        std::vector<std::size_t> rootFold;
        for (std::size_t k = 0; k < folds.size(); ++k) {
            edit::recordRemoval(ctx, *folds[k].producer, Fate::Folded, kNoNode, folds[k].value);
            producers.push_back(folds[k].producer->id);
            for (const auto& in : folds[k].producer->inputs)
                if (!in.empty()) {
                    roots.emplace_back(in, folds[k].value);
                    rootFold.push_back(k);
                }
        }
        edit::removeNodes(graph, producers);
        std::vector<std::vector<NodeId>> removed;
        edit::removeDeadProducers(graph, ctx, roots, removed);
        std::vector<std::vector<NodeId>> from(folds.size());
        for (std::size_t k = 0; k < folds.size(); ++k)
            from[k].push_back(producers[k]);
        for (std::size_t r = 0; r < roots.size(); ++r)
            from[rootFold[r]].insert(from[rootFold[r]].end(), removed[r].begin(), removed[r].end());
        int64_t count = 0;
        for (std::size_t k = 0; k < folds.size(); ++k) {
            edit::materializeConstant(graph, ctx, folds[k].value, folds[k].tensor, from[k], folds[k].consumers);
            count += static_cast<int64_t>(from[k].size());
        }
        ctx.record().count(stat::kNodesFolded, count);
        return true;
}

bool fuseReshapes(Graph& graph, PassContext& ctx)
{
        const GraphIndex index(graph);
        ShapeAnalysis analysis(graph, index);
        struct Fuse {
            std::size_t node;
            std::vector<int64_t> target;
        };
        std::vector<Fuse> fuses;
        for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
            const Node& node = graph.nodes[i];
            if (node.opType != "Reshape" || !node.domain.empty() || edit::isPinned(ctx, node) || node.inputs.size() < 2
                || edit::constantValue(graph, index, node.input(1)))
                continue;
            const SymVec* sv = analysis.get(node.input(1));
            if (!sv)
                continue;
            auto target = reshapeTarget(graph, node, *sv);
            if (!target) {
                ctx.record().kept[node.id] = "Kept: its shape has more than one dim known only at run time.";
                continue;
            }
            fuses.push_back({i, *target});
        }
        if (fuses.empty())
            return false;
        std::vector<std::pair<std::string, std::string>> roots;
        std::vector<std::string> names;
        std::vector<NodeId> reshapes;
        for (const auto& f : fuses) {
            Node& node = graph.nodes[f.node];
            const std::string name = edit::uniqueName(graph, node.outputs[0] + "_shape");
            roots.emplace_back(node.inputs[1], name);
            names.push_back(name);
            reshapes.push_back(node.id);
            node.inputs[1] = name;
            ctx.record().changed.push_back(node.id);
            // Reserve the name until the initializer exists.
            graph.types[name] = ValueType{dtype::Int64, true, {Dim{static_cast<int64_t>(f.target.size()), {}}}, {}};
        }
        std::vector<std::vector<NodeId>> removed;
        edit::removeDeadProducers(graph, ctx, roots, removed);
        for (std::size_t k = 0; k < fuses.size(); ++k) {
            for (auto& r : ctx.record().removed)
                if (r.intoValue == names[k])
                    r.into = reshapes[k];
            edit::materializeConstant(graph, ctx, names[k], Tensor::int64Vector(fuses[k].target), removed[k], {reshapes[k]});
        }
        ctx.record().count(stat::kReshapesFused, static_cast<int64_t>(fuses.size()));
        return true;
}

std::unique_ptr<Pass> foldShapeChains()
{
    return std::make_unique<FunctionPass>(
        PassInfo{"fold_shape_chains",
                 "Fold Shape -> Gather/Slice/Concat chains that read only static dims, even when others are dynamic.",
                 "Before: y = Concat(Unsqueeze(Gather(Shape(x[batch,64,8,8]), 1)), [-1])\nAfter:  y = [64, -1]",
                 false},
        [](Graph& graph, PassContext& ctx) {
            for (int i = 0; i < kMaxCascade; ++i) {
                const bool folded = foldFrontier(graph, ctx);
                const bool fused = fuseReshapes(graph, ctx);
                if ((!folded && !fused) || !reinferTopLevel(graph, ctx))
                    return;
            }
        });
}

std::unique_ptr<Pass> fuseConcatIntoReshape()
{
    return std::make_unique<FunctionPass>(
        PassInfo{"fuse_concat_into_reshape",
                 "Reshape(x, Concat(...)) -> Reshape(x, constant), with 0 and -1 standing for dims known only at run time.",
                 "Before: y = Reshape(x[batch,64,8,8], Concat(Slice(Shape(x), [0], [2]), [-1]))\n"
                 "After:  y = Reshape(x, [0, 64, -1])"},
        [](Graph& graph, PassContext& ctx) {
            for (int i = 0; i < kMaxCascade; ++i)
                if (!fuseReshapes(graph, ctx) || !reinferTopLevel(graph, ctx))
                    return;
        },
        true, std::set<std::string>{"Reshape"});
}

} // namespace netfold::passes
