#include "passes/PassKit.h"

#include <algorithm>
#include <unordered_map>

namespace netfold::passkit {

namespace {

class NopPass : public Pass {
public:
    NopPass(PassInfo info, std::set<std::string> ops, NopTest test)
        : m_info(std::move(info)), m_ops(std::move(ops)), m_test(std::move(test))
    {
    }
    PassInfo info() const override { return m_info; }

protected:
    bool mayChangeGraph(const Graph& graph) const override { return holdsOp(graph, m_ops); }
    void runOnGraph(Graph& graph, PassContext& ctx) const override
    {
        // One sweep with one index: every no-op found is dropped by renaming its output to its
        // input (through chains of no-ops); outputs that are graph outputs go one by one. A graph
        // without the pass's ops is left before the index is built (most graphs, most passes).
        if (std::none_of(graph.nodes.begin(), graph.nodes.end(),
                         [this](const Node& n) { return n.domain.empty() && m_ops.count(n.opType); }))
            return;
        const GraphIndex index(graph);
        std::unordered_map<std::string, std::string> rename;
        auto resolve = [&rename](std::string v) {
            for (auto it = rename.find(v); it != rename.end(); it = rename.find(v))
                v = it->second;
            return v;
        };
        std::vector<NodeId> gone;
        std::vector<NodeId> atOutputs;
        for (const Node& node : graph.nodes) {
            if (!node.domain.empty() || !m_ops.count(node.opType) || edit::isPinned(ctx, node) || node.outputs.empty())
                continue;
            std::string why;
            auto input = m_test(graph, index, node, ctx, why);
            if (!input) {
                if (!why.empty())
                    ctx.record().kept[node.id] = why;
                continue;
            }
            if (index.isGraphOutput(node.outputs.front())) {
                atOutputs.push_back(node.id);
                continue;
            }
            const std::string source = resolve(*input);
            rename[node.outputs.front()] = source;
            const int producer = index.producer(source);
            edit::recordRemoval(ctx, node, Fate::Eliminated,
                                producer >= 0 ? graph.nodes[static_cast<std::size_t>(producer)].id : kNoNode);
            gone.push_back(node.id);
        }
        if (!gone.empty()) {
            for (auto& node : graph.nodes)
                for (auto& in : node.inputs)
                    if (rename.count(in))
                        in = resolve(in);
            for (const auto& [from, to] : rename)
                if (index.useCount(from) > index.consumers(from).size())
                    edit::replaceUses(graph, from, resolve(to)); // read inside a subgraph
            edit::removeNodes(graph, gone);
            ctx.record().count(stat::kNodesEliminated, static_cast<int64_t>(gone.size()));
        }
        for (NodeId id : atOutputs) {
            const GraphIndex now(graph);
            const int i = now.nodeIndex(id);
            if (i < 0)
                continue;
            const Node node = graph.nodes[static_cast<std::size_t>(i)];
            std::string why;
            auto input = m_test(graph, now, node, ctx, why);
            if (!input)
                continue;
            const int producer = now.producer(*input);
            const NodeId into = producer >= 0 ? graph.nodes[static_cast<std::size_t>(producer)].id : kNoNode;
            if (!edit::bypass(graph, i, *input, node.outputs.front(), &why)) {
                ctx.record().kept[node.id] = "Kept: " + why + ".";
                continue;
            }
            edit::recordRemoval(ctx, node, Fate::Eliminated, into);
            ctx.record().count(stat::kNodesEliminated);
        }
    }

private:
    PassInfo m_info;
    std::set<std::string> m_ops;
    NopTest m_test;
};

class RewritePass : public Pass {
public:
    RewritePass(PassInfo info, std::set<std::string> ops, RewriteFn fn, int64_t minOpset)
        : m_info(std::move(info)), m_ops(std::move(ops)), m_fn(std::move(fn)), m_minOpset(minOpset)
    {
    }
    PassInfo info() const override { return m_info; }
    bool mayChange(const Model& model) const override
    {
        return model.opsetVersion("") >= m_minOpset && mayChangeGraph(model.graph);
    }

protected:
    bool mayChangeGraph(const Graph& graph) const override { return m_ops.empty() || holdsOp(graph, m_ops); }
    void runOnGraph(Graph& graph, PassContext& ctx) const override
    {
        if (ctx.opset() < m_minOpset)
            return;
        rewriteLoop(graph, ctx, m_ops, [&](Graph& g, const GraphIndex& index, int i) { return m_fn(g, ctx, index, i); });
    }

private:
    PassInfo m_info;
    std::set<std::string> m_ops;
    RewriteFn m_fn;
    int64_t m_minOpset;
};

} // namespace

bool holdsOp(const Graph& graph, const std::set<std::string>& ops)
{
    for (const auto& n : graph.nodes) {
        if (n.domain.empty() && ops.count(n.opType))
            return true;
        for (const auto& sg : n.subgraphs)
            if (holdsOp(*sg.graph, ops))
                return true;
    }
    return false;
}

std::unique_ptr<Pass> rewritePass(PassInfo info, std::set<std::string> ops, RewriteFn fn, int64_t minOpset)
{
    return std::make_unique<RewritePass>(std::move(info), std::move(ops), std::move(fn), minOpset);
}

bool FunctionPass::mayChangeGraph(const Graph& graph) const
{
    return m_triggers.empty() || holdsOp(graph, m_triggers);
}

std::unique_ptr<Pass> nopPass(PassInfo info, std::set<std::string> ops, NopTest test)
{
    return std::make_unique<NopPass>(std::move(info), std::move(ops), std::move(test));
}

void rewriteLoop(Graph& graph, PassContext& ctx, const std::set<std::string>& ops,
                 const std::function<bool(Graph&, const GraphIndex&, int)>& fn)
{
    if (!ops.empty()) {
        bool any = false;
        for (const auto& n : graph.nodes)
            any = any || (n.domain.empty() && ops.count(n.opType));
        if (!any)
            return;
    }
    bool changed = true;
    std::size_t start = 0;
    while (changed) {
        changed = false;
        const GraphIndex index(graph);
        for (std::size_t i = start; i < graph.nodes.size(); ++i) {
            const Node& n = graph.nodes[i];
            if (!n.domain.empty() || (!ops.empty() && !ops.count(n.opType)) || edit::isPinned(ctx, n))
                continue;
            if (fn(graph, index, static_cast<int>(i))) {
                changed = true;
                start = i > 0 ? i - 1 : 0;
                break;
            }
        }
    }
}

int soleConsumer(const GraphIndex& index, const std::string& value)
{
    if (index.useCount(value) != 1)
        return -1;
    const auto& c = index.consumers(value);
    return c.size() == 1 ? c.front() : -1;
}

int producerOf(const Graph& graph, const GraphIndex& index, const std::string& value, const std::string& op)
{
    const int p = index.producer(value);
    if (p < 0)
        return -1;
    const Node& n = graph.nodes[static_cast<std::size_t>(p)];
    return n.opType == op && n.domain.empty() ? p : -1;
}

std::optional<std::vector<int64_t>> axesOf(const Graph& graph, const GraphIndex& index, const Node& node,
                                           std::size_t inputIndex)
{
    if (node.hasAttribute("axes"))
        return node.attrInts("axes");
    if (node.input(inputIndex).empty())
        return std::nullopt;
    auto t = edit::constantValue(graph, index, node.input(inputIndex));
    if (!t)
        return std::nullopt;
    return t->toInt64();
}

std::optional<int64_t> rankOf(const Graph& graph, const std::string& value)
{
    auto it = graph.types.find(value);
    if (it == graph.types.end() || !it->second.hasShape)
        return std::nullopt;
    return static_cast<int64_t>(it->second.dims.size());
}

std::optional<std::vector<int64_t>> normalizeAxes(std::vector<int64_t> axes, std::optional<int64_t> rank)
{
    for (auto& a : axes) {
        if (a < 0) {
            if (!rank)
                return std::nullopt;
            a += *rank;
        }
        if (a < 0 || (rank && a >= *rank))
            return std::nullopt;
    }
    std::sort(axes.begin(), axes.end());
    if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
        return std::nullopt;
    return axes;
}

/// Indices a 1-D Slice with constant parameters selects (ONNX clamping rules).
std::optional<std::vector<int64_t>> sliceIndices(const Graph& g, const GraphIndex& index, const Node& n, std::size_t len)
{
    int64_t start = 0, end = 0, step = 1;
    if (n.hasAttribute("starts")) {
        auto s = n.attrInts("starts"), e = n.attrInts("ends");
        auto axes = n.attrInts("axes");
        if (s.size() != 1 || e.size() != 1 || (!axes.empty() && axes != std::vector<int64_t>{0}))
            return std::nullopt;
        start = s[0];
        end = e[0];
    } else {
        auto s = edit::constantValue(g, index, n.input(1));
        auto e = edit::constantValue(g, index, n.input(2));
        if (!s || !e || s->numel() != 1 || e->numel() != 1)
            return std::nullopt;
        start = s->intAt(0);
        end = e->intAt(0);
        if (!n.input(3).empty()) {
            auto a = edit::constantValue(g, index, n.input(3));
            if (!a || a->numel() != 1 || (a->intAt(0) != 0 && a->intAt(0) != -1))
                return std::nullopt;
        }
        if (!n.input(4).empty()) {
            auto st = edit::constantValue(g, index, n.input(4));
            if (!st || st->numel() != 1 || st->intAt(0) == 0)
                return std::nullopt;
            step = st->intAt(0);
        }
    }
    const auto L = static_cast<int64_t>(len);
    auto clampTo = [](int64_t v, int64_t lo, int64_t hi) { return std::max(lo, std::min(v, hi)); };
    if (start < 0)
        start += L;
    if (end < 0)
        end += L;
    std::vector<int64_t> out;
    if (step > 0) {
        start = clampTo(start, 0, L);
        end = clampTo(end, 0, L);
        for (int64_t k = start; k < end; k += step)
            out.push_back(k);
    } else {
        start = clampTo(start, -1, L - 1);
        end = clampTo(end, -1, L - 1);
        for (int64_t k = start; k > end; k += step)
            out.push_back(k);
    }
    return out;
}

} // namespace netfold::passkit
