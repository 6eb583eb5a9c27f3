// Passes that turn computations into constants, and keep the initializer list tidy.
#include "passes/Passes.h"
#include "passes/PassKit.h"

#include "model/ModelSummary.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <limits>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace netfold::passes {

using namespace passkit;

namespace {

std::string describeDynamic(const std::string& input, const std::vector<Dim>& dims)
{
    for (const auto& d : dims)
        if (!d.known())
            return "input " + quote(input) + " has dynamic dim " + (d.param.empty() ? std::string("?") : quote(d.param));
    return {};
}

TensorPtr dimsTensor(const std::vector<Dim>& dims)
{
    std::vector<int64_t> v;
    for (const auto& d : dims)
        v.push_back(d.value);
    return Tensor::int64Vector(v);
}

/// Folds `node` (at index i, producing one output) into a constant when its selected shape dims
/// are known: used by eliminate_shape_gather and eliminate_slice_after_shape.
bool foldShapeSelection(Graph& g, PassContext& ctx, const GraphIndex& index, int i,
                        const std::function<std::optional<std::vector<int64_t>>(const Node&, std::size_t rank)>& select)
{
    const Node node = g.nodes[static_cast<std::size_t>(i)];
    const int s = producerOf(g, index, node.input(0), "Shape");
    if (s < 0)
        return false;
    const Node shape = g.nodes[static_cast<std::size_t>(s)];
    auto dims = edit::shapeOpDims(g, shape);
    if (!dims)
        return false;
    auto picked = select(node, dims->size());
    if (!picked)
        return false;
    std::vector<Dim> out;
    for (int64_t k : *picked)
        out.push_back((*dims)[static_cast<std::size_t>(k)]);
    const std::string why = describeDynamic(shape.input(0), out);
    if (!why.empty()) {
        ctx.record().kept[node.id] = "Kept: " + why + ".";
        return false;
    }
    TensorPtr value = dimsTensor(out);
    if (node.opType == "Gather" && edit::constantValue(g, index, node.input(1))->rank() == 0)
        value = Tensor::int64s({out.front().value}, {});
    const std::string name = node.outputs[0];
    edit::recordRemoval(ctx, node, Fate::Folded, kNoNode, name);
    edit::removeNodes(g, {node.id});
    std::vector<NodeId> from{node.id};
    edit::removeDeadProducers(g, ctx, {node.input(0)}, name, &from);
    edit::materializeConstant(g, ctx, name, value, from);
    ctx.record().count(stat::kNodesFolded, static_cast<int64_t>(from.size()));
    return true;
}

const std::unordered_set<std::string>& randomOps()
{
    static const std::unordered_set<std::string> ops = {"RandomUniform", "RandomNormal", "RandomUniformLike",
                                                        "RandomNormalLike", "Multinomial", "Bernoulli"};
    return ops;
}

const std::unordered_set<std::string>& generatorOps()
{
    static const std::unordered_set<std::string> ops = {"Tile", "ConstantOfShape", "Expand", "Range"};
    return ops;
}

} // namespace

std::unique_ptr<Pass> extractConstantToInitializer()
{
    return std::make_unique<FunctionPass>(
        PassInfo{"extract_constant_to_initializer", "Turn Constant node outputs into initializers.",
                 "Before: y = Constant(value=[1, 2])\nAfter:  initializer y = [1, 2]"},
        [](Graph& graph, PassContext& ctx) {
            const GraphIndex index(graph);
            std::vector<NodeId> gone;
            std::vector<std::pair<const Node*, TensorPtr>> extracted;
            for (const auto& node : graph.nodes) {
                if (node.opType != "Constant" || !node.domain.empty() || node.outputs.empty() || edit::isPinned(ctx, node))
                    continue;
                TensorPtr value;
                try {
                    value = edit::constantValue(graph, index, node.outputs[0]);
                } catch (const std::exception& e) {
                    ctx.record().kept[node.id] = std::string("Kept: ") + e.what();
                    continue;
                }
                if (!value) {
                    ctx.record().kept[node.id] = "Kept: its value is not a tensor netfold can read (a sparse_value).";
                    continue;
                }
                extracted.emplace_back(&node, value);
            }
            if (extracted.empty())
                return;
            std::vector<std::pair<std::string, std::pair<TensorPtr, std::vector<NodeId>>>> constants;
            for (const auto& [node, value] : extracted) {
                edit::recordRemoval(ctx, *node, Fate::Folded, kNoNode, node->outputs[0]);
                gone.push_back(node->id);
                constants.push_back({node->outputs[0], {value, edit::consumerIds(graph, index, node->outputs[0])}});
            }
            const std::vector<NodeId> ids = gone;
            edit::removeNodes(graph, gone);
            for (std::size_t k = 0; k < constants.size(); ++k)
                edit::materializeConstant(graph, ctx, constants[k].first, constants[k].second.first, {ids[k]},
                                          constants[k].second.second);
            ctx.record().count(stat::kConstantsExtracted, static_cast<int64_t>(constants.size()));
        },
        true, std::set<std::string>{"Constant"});
}

std::unique_ptr<Pass> eliminateShapeGather()
{
    return rewritePass(
        PassInfo{"eliminate_shape_gather", "Shape -> Gather of a known dim becomes a constant.",
                 "Before: y = Gather(Shape(x[N,3,H,W]), 1)\nAfter:  y = 3"}, {"Gather"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            return foldShapeSelection(g, ctx, index, i,
                                      [&](const Node& n, std::size_t rank) -> std::optional<std::vector<int64_t>> {
                                          auto idx = edit::constantValue(g, index, n.input(1));
                                          if (!idx || idx->rank() > 1 || n.attrInt("axis", 0) != 0)
                                              return std::nullopt;
                                          std::vector<int64_t> out;
                                          for (int64_t k : idx->toInt64()) {
                                              if (k < 0)
                                                  k += static_cast<int64_t>(rank);
                                              if (k < 0 || k >= static_cast<int64_t>(rank))
                                                  return std::nullopt;
                                              out.push_back(k);
                                          }
                                          return out;
                                      });
        });
}

std::unique_ptr<Pass> eliminateSliceAfterShape()
{
    return rewritePass(
        PassInfo{"eliminate_slice_after_shape", "Shape -> Slice of known dims becomes a constant.",
                 "Before: y = Slice(Shape(x[N,3,H,W]), starts=[1], ends=[2])\nAfter:  y = [3]"}, {"Slice"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            return foldShapeSelection(g, ctx, index, i, [&](const Node& n, std::size_t rank) {
                return sliceIndices(g, index, n, rank);
            });
        });
}

std::unique_ptr<Pass> eliminateShapeOp()
{
    return rewritePass(
        PassInfo{"eliminate_shape_op", "Shape of a tensor with a fully static shape becomes a constant.",
                 "Before: y = Shape(x[1,3,64,64])\nAfter:  y = [1, 3, 64, 64]"}, {"Shape"},
        [](Graph& g, PassContext& ctx, const GraphIndex&, int i) {
            const Node node = g.nodes[static_cast<std::size_t>(i)];
            auto dims = edit::shapeOpDims(g, node);
            if (!dims)
                return false;
            const std::string why = describeDynamic(node.input(0), *dims);
            if (!why.empty()) {
                ctx.record().kept[node.id] = "Kept: " + why + ".";
                return false;
            }
            edit::recordRemoval(ctx, node, Fate::Folded, kNoNode, node.outputs[0]);
            edit::removeNodes(g, {node.id});
            edit::materializeConstant(g, ctx, node.outputs[0], dimsTensor(*dims), {node.id});
            ctx.record().count(stat::kNodesFolded);
            return true;
        });
}

std::unique_ptr<Pass> eliminateUnusedInitializer()
{
    return std::make_unique<FunctionPass>(
        PassInfo{"eliminate_unused_initializer", "Drop initializers that nothing uses.",
                 "Before: initializer w, read by no node and not an output\nAfter:  (removed)"},
        [](Graph& graph, PassContext& ctx) {
            const GraphIndex index(graph);
            std::vector<Initializer> kept;
            for (auto& init : graph.initializers) {
                if (index.useCount(init.name) > 0 || index.isGraphInput(init.name)) {
                    kept.push_back(init);
                } else {
                    ctx.record().removedInitializers.push_back(init.name);
                    ctx.record().count(stat::kBytesRemoved, static_cast<int64_t>(init.tensor->byteSize()));
                    graph.types.erase(init.name);
                }
            }
            graph.initializers = std::move(kept);
        });
}

std::unique_ptr<Pass> eliminateDuplicateInitializer()
{
    return std::make_unique<FunctionPass>(
        PassInfo{"eliminate_duplicate_initializer", "Merge byte-identical initializers.",
                 "Before: y = Add(x, a), z = Mul(x, b) with a == b\nAfter:  y = Add(x, a), z = Mul(x, a)"},
        [](Graph& graph, PassContext& ctx) {
            const GraphIndex index(graph);
            std::map<std::pair<int32_t, std::vector<int64_t>>, std::vector<std::size_t>> groups;
            for (std::size_t i = 0; i < graph.initializers.size(); ++i) {
                const auto& init = graph.initializers[i];
                if (index.isGraphInput(init.name) || index.isGraphOutput(init.name))
                    continue;
                groups[{init.tensor->dtype(), init.tensor->dims()}].push_back(i);
            }
            std::unordered_set<std::string> removed;
            for (const auto& [key, members] : groups) {
                if (members.size() < 2)
                    continue;
                std::unordered_map<std::size_t, std::vector<std::size_t>> byHash;
                for (auto i : members) {
                    try {
                        byHash[graph.initializers[i].tensor->contentHash()].push_back(i);
                    } catch (const std::exception& e) {
                        ctx.record().warnings.push_back(e.what());
                    }
                }
                for (const auto& [h, same] : byHash) {
                    for (std::size_t a = 0; a < same.size(); ++a) {
                        const auto& keep = graph.initializers[same[a]];
                        if (removed.count(keep.name))
                            continue;
                        for (std::size_t b = a + 1; b < same.size(); ++b) {
                            const auto& dup = graph.initializers[same[b]];
                            if (removed.count(dup.name) || !keep.tensor->sameContent(*dup.tensor))
                                continue;
                            edit::replaceUses(graph, dup.name, keep.name);
                            removed.insert(dup.name);
                            ctx.record().removedInitializers.push_back(dup.name);
                            ctx.record().count(stat::kBytesRemoved, static_cast<int64_t>(dup.tensor->byteSize()));
                        }
                    }
                }
            }
            if (removed.empty())
                return;
            graph.initializers.erase(std::remove_if(graph.initializers.begin(), graph.initializers.end(),
                                                    [&](const Initializer& i) { return removed.count(i.name) != 0; }),
                                     graph.initializers.end());
            for (const auto& name : removed)
                graph.types.erase(name);
        });
}

namespace {

/// Why a node cannot be folded regardless of its inputs, or "".
std::string blockedReason(const Node& n)
{
    if (!n.domain.empty())
        return "op " + quote(n.domain + "." + n.opType) + " is not in the default ONNX domain";
    if (randomOps().count(n.opType))
        return "op " + quote(n.opType) + " is random";
    if (n.opType == "QuantizeLinear" || n.opType == "DequantizeLinear")
        return "op " + quote(n.opType) + " is kept so the model stays quantized";
    if (!n.subgraphs.empty())
        return "it has a graph attribute (" + n.subgraphs.front().attribute + ")";
    return {};
}

/// One constant-folding sweep over one graph: evaluates every node whose inputs are known, in
/// order, then replaces the folded values still read by kept nodes (the frontier) by constants.
class GraphFolder {
public:
    GraphFolder(Graph& graph, PassContext& ctx) : m_graph(graph), m_ctx(ctx), m_index(graph), m_evalOptions(ctx.options().eval)
    {
        for (const auto& init : graph.initializers)
            if (!m_index.isGraphInput(init.name))
                m_values[init.name] = init.tensor;
    }

    void run()
    {
        for (const auto& node : m_graph.nodes) {
            if (edit::isPinned(m_ctx, node)) {
                m_ctx.record().kept[node.id] = "Kept: pinned by the user.";
                continue;
            }
            std::string why = blockedReason(node);
            if (why.empty() && (node.opType == "Shape" || node.opType == "Size") && foldShape(node, why))
                continue;
            std::vector<TensorPtr> inputs;
            std::vector<NodeId> from;
            if (why.empty())
                why = gatherInputs(node, inputs, from);
            if (why.empty() && evaluate(node, inputs, from, why))
                continue;
            m_ctx.record().kept[node.id] = "Not folded: " + why + (why.empty() || why.back() == '.' ? "" : ".");
        }
        if (!m_folded.empty())
            commit();
    }

private:
    void fold(const Node& node, const std::string& value, TensorPtr tensor, std::vector<NodeId> from)
    {
        m_values[value] = std::move(tensor);
        m_contributors[value] = std::move(from);
        m_folded.insert(node.id);
        m_foldedOutputs.push_back(value);
    }

    /// Shape and Size fold from the inferred shape when it is static; why says otherwise.
    bool foldShape(const Node& node, std::string& why)
    {
        const ValueType t = m_graph.typeOf(node.input(0));
        std::vector<Dim> dims = t.dims;
        if (node.opType == "Shape")
            if (auto d = edit::shapeOpDims(m_graph, node))
                dims = *d;
        if (!t.hasShape)
            why = "the shape of input " + quote(node.input(0)) + " is unknown";
        else
            why = describeDynamic(node.input(0), dims);
        int64_t size = 1;
        if (why.empty() && node.opType == "Size")
            for (const auto& d : t.dims)
                if (__builtin_mul_overflow(size, d.value, &size)) {
                    why = "the size of input " + quote(node.input(0)) + " does not fit in int64";
                    break;
                }
        if (!why.empty())
            return false;
        fold(node, node.outputs[0], node.opType == "Size" ? Tensor::int64s({size}, {}) : dimsTensor(dims), {node.id});
        return true;
    }

    /// The node's input values and the folded nodes they came from; "" or why one is not known.
    std::string gatherInputs(const Node& node, std::vector<TensorPtr>& inputs, std::vector<NodeId>& from) const
    {
        for (const auto& in : node.inputs) {
            if (in.empty()) {
                inputs.push_back(nullptr);
                continue;
            }
            auto it = m_values.find(in);
            if (it == m_values.end())
                return "input " + quote(in) + " is computed at run time";
            inputs.push_back(it->second);
            auto c = m_contributors.find(in);
            if (c != m_contributors.end())
                from.insert(from.end(), c->second.begin(), c->second.end());
        }
        return {};
    }

    /// Runs the node's kernel under the size limits; why says what stopped it.
    bool evaluate(const Node& node, const std::vector<TensorPtr>& inputs, std::vector<NodeId> from, std::string& why)
    {
        // onnxsim's generator ops answer to the size limit; every other op may produce up to
        // 8x the bytes of its inputs (Cast int8 -> double), or the size limit when that is
        // more, so a small file cannot ask for gigabytes through broadcasting.
        std::size_t inputBytes = 0;
        for (const auto& t : inputs)
            if (t)
                inputBytes += t->dtype() == dtype::String ? std::size_t(t->numel()) * 32 : t->byteSize();
        const std::size_t sizeLimit = m_ctx.options().sizeLimit;
        const std::size_t generic = std::max(sizeLimit, inputBytes > (std::numeric_limits<std::size_t>::max() >> 4)
                                                            ? std::numeric_limits<std::size_t>::max()
                                                            : inputBytes * 8);
        m_evalOptions.maxOutputBytes = std::min(generatorOps().count(node.opType) ? sizeLimit : generic,
                                                m_ctx.options().eval.maxOutputBytes);
        EvalBudget budget; // per node: the fold's time cap and the step's cancel
        budget.maxSeconds = m_ctx.options().foldSeconds;
        budget.cancel = m_ctx.options().cancel;
        m_evalOptions.budget = &budget;
        struct Forget {
            EvalOptions& options;
            ~Forget() { options.budget = nullptr; }
        } forget{m_evalOptions};
        try {
            auto outs = evaluateNode(node, inputs, m_ctx.opset(), m_evalOptions);
            from.push_back(node.id);
            std::sort(from.begin(), from.end());
            from.erase(std::unique(from.begin(), from.end()), from.end());
            for (std::size_t k = 0; k < node.outputs.size() && k < outs.size(); ++k)
                if (!node.outputs[k].empty() && outs[k])
                    fold(node, node.outputs[k], outs[k], from);
            m_folded.insert(node.id);
            return true;
        } catch (const std::exception& e) {
            if (budget.cancel && budget.cancel->load())
                throw Error(kCancelledStep);
            why = e.what();
            if (budget.limitReached)
                m_ctx.record().keptAtLimit.insert(node.id); // not a warning: listed as kept at a limit
            else if (why.find("has no kernel") == std::string::npos)
                m_ctx.record().warnings.push_back(why);
            return false;
        }
    }

    /// Removes the folded nodes and puts constants where their values are still read (by kept
    /// nodes, subgraphs or graph outputs).
    void commit()
    {
        std::vector<std::string> frontier;
        for (const auto& v : m_foldedOutputs) {
            std::size_t outside = m_index.isGraphOutput(v) ? 1 : 0;
            std::size_t insideReads = 0;
            for (int c : m_index.consumers(v))
                (m_folded.count(m_graph.nodes[static_cast<std::size_t>(c)].id) ? insideReads : outside) += 1;
            outside += m_index.useCount(v) - m_index.consumers(v).size() - (m_index.isGraphOutput(v) ? 1 : 0);
            if (outside > 0)
                frontier.push_back(v);
        }
        std::unordered_map<NodeId, std::string> into;
        for (const auto& v : frontier)
            for (NodeId id : m_contributors[v])
                into.emplace(id, v);
        for (const auto& node : m_graph.nodes)
            if (m_folded.count(node.id)) {
                auto it = into.find(node.id);
                edit::recordRemoval(m_ctx, node, Fate::Folded, kNoNode, it == into.end() ? std::string() : it->second);
            }
        const std::size_t count = m_folded.size();
        edit::removeNodes(m_graph, std::vector<NodeId>(m_folded.begin(), m_folded.end()));
        for (const auto& v : frontier)
            edit::materializeConstant(m_graph, m_ctx, v, m_values[v], m_contributors[v]);
        m_ctx.record().count(stat::kNodesFolded, static_cast<int64_t>(count));
    }

    Graph& m_graph;
    PassContext& m_ctx;
    const GraphIndex m_index;
    EvalOptions m_evalOptions;
    std::unordered_map<std::string, TensorPtr> m_values;
    std::unordered_map<std::string, std::vector<NodeId>> m_contributors; ///< folded nodes behind a value
    std::unordered_set<NodeId> m_folded;
    std::vector<std::string> m_foldedOutputs;
};

void foldGraph(Graph& graph, PassContext& ctx)
{
    GraphFolder(graph, ctx).run();
}

} // namespace

std::unique_ptr<Pass> foldConstants()
{
    return std::make_unique<FunctionPass>(
        PassInfo{"fold_constants",
                 "Evaluate every node whose inputs are all constant (onnxsim's constant folding).",
                 "Before: y = Reshape(x, Concat(Slice(Shape(x[1,64,64,64]), [0], [2]), [-1]))\n"
                 "After:  y = Reshape(x, [1, 64, -1])",
                 true},
        foldGraph);
}

} // namespace netfold::passes
