#include "diff/ChangeList.h"

#include "model/DataType.h"
#include "diff/Provenance.h"

#include <onnx/defs/schema.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace netfold {

const char* changeKindName(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Folded: return "folded";
    case ChangeKind::Fused: return "fused";
    case ChangeKind::Eliminated: return "eliminated";
    case ChangeKind::Added: return "added";
    case ChangeKind::Changed: return "changed";
    }
    return "?";
}

std::string scopeOf(const std::string& nodeName)
{
    const std::size_t cut = nodeName.find_last_of("/.");
    if (cut == std::string::npos)
        return {};
    std::string scope = nodeName.substr(0, cut);
    while (!scope.empty() && (scope.back() == '/' || scope.back() == '.'))
        scope.pop_back();
    return scope;
}

namespace {

/// Every node of a model (bodies included) with its graph, its place in depth-first graph order
/// and the path to its graph; the readers of every value; every initializer.
struct ModelIndex {
    struct Located {
        const Graph* graph = nullptr;
        const Node* node = nullptr;
        std::size_t order = 0;
        std::size_t path = 0;
    };
    const Model& model;
    std::unordered_map<NodeId, Located> nodes;
    std::vector<GraphPath> paths;
    std::unordered_map<std::string, std::vector<NodeId>> readers;
    std::unordered_map<std::string, const Initializer*> initializers;
    std::map<const Graph*, std::unique_ptr<GraphIndex>> graphIndexes;

    explicit ModelIndex(const Model& m) : model(m) { walk(m.graph, {}); }

    void walk(const Graph& g, const GraphPath& path)
    {
        const std::size_t p = paths.size();
        paths.push_back(path);
        for (const auto& i : g.initializers)
            initializers.emplace(i.name, &i);
        for (const auto& n : g.nodes) {
            nodes[n.id] = {&g, &n, nodes.size(), p};
            for (const auto& in : n.inputs)
                if (!in.empty())
                    readers[in].push_back(n.id);
            for (const auto& sg : n.subgraphs) {
                GraphPath sub = path;
                sub.push_back({n.id, sg.attribute});
                walk(*sg.graph, sub);
            }
        }
    }
    const Located* find(NodeId id) const
    {
        auto it = nodes.find(id);
        return it == nodes.end() ? nullptr : &it->second;
    }
    bool has(NodeId id) const { return nodes.count(id) != 0; }
    const GraphIndex& graphIndex(const Graph* g)
    {
        auto& slot = graphIndexes[g];
        if (!slot)
            slot = std::make_unique<GraphIndex>(*g);
        return *slot;
    }
};

/// The nearest node (breadth first along values, in the graph of the first start node) that the
/// other model has in the graph at the same path; kNoNode when none is.
NodeId nearestShared(ModelIndex& from, const std::vector<NodeId>& starts, const ModelIndex& other)
{
    const ModelIndex::Located* first = starts.empty() ? nullptr : from.find(starts.front());
    if (!first)
        return kNoNode;
    const Graph& g = *first->graph;
    const GraphPath& path = from.paths[first->path];
    const GraphIndex& gi = from.graphIndex(&g);
    std::vector<char> seen(g.nodes.size(), 0);
    std::deque<int> queue;
    for (NodeId id : starts)
        if (const ModelIndex::Located* l = from.find(id); l && l->graph == &g) {
            const int i = gi.nodeIndex(id);
            if (i >= 0 && !seen[static_cast<std::size_t>(i)]) {
                seen[static_cast<std::size_t>(i)] = 1;
                queue.push_back(i);
            }
        }
    auto visit = [&](int i) {
        if (i >= 0 && !seen[static_cast<std::size_t>(i)]) {
            seen[static_cast<std::size_t>(i)] = 1;
            queue.push_back(i);
        }
    };
    while (!queue.empty()) {
        const int i = queue.front();
        queue.pop_front();
        const Node& n = g.nodes[static_cast<std::size_t>(i)];
        if (const ModelIndex::Located* o = other.find(n.id); o && other.paths[o->path] == path)
            return n.id;
        for (const auto& in : n.inputs)
            if (!in.empty())
                visit(gi.producer(in));
        for (const auto& out : n.outputs)
            if (!out.empty())
                for (int c : gi.consumers(out))
                    visit(c);
    }
    return kNoNode;
}

/// Input names of an op's schema (empty when ONNX does not know the op).
std::string schemaInputName(const Node& node, std::size_t k, int64_t opset)
{
    const std::string dom = node.domain == "ai.onnx" ? std::string() : node.domain;
    const onnx::OpSchema* schema = opset > 0 && dom.empty()
                                       ? onnx::OpSchemaRegistry::Schema(node.opType, static_cast<int>(opset), dom)
                                       : onnx::OpSchemaRegistry::Schema(node.opType, dom);
    if (!schema && dom.empty())
        schema = onnx::OpSchemaRegistry::Schema(node.opType, dom);
    if (!schema || schema->inputs().empty())
        return "input " + std::to_string(k);
    const auto& inputs = schema->inputs();
    return inputs[std::min(k, inputs.size() - 1)].GetName();
}

std::string number(double v)
{
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
        return std::to_string(static_cast<int64_t>(v));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

/// "[0, 64, -1]", "2" (scalar) or, for bigger tensors, "float[64,32]".
std::string valueText(const Initializer* init)
{
    if (!init || !init->tensor)
        return {};
    const Tensor& t = *init->tensor;
    const int32_t dt = t.dtype();
    if (t.numel() <= 8 && isNumericType(dt) && dt != dtype::String) {
        try {
            std::string s;
            if (isIntegerType(dt) || dt == dtype::Bool) {
                for (int64_t v : t.toInt64())
                    s += (s.empty() ? "" : ", ") + std::to_string(v);
            } else {
                for (double v : t.toDouble())
                    s += (s.empty() ? "" : ", ") + number(v);
            }
            return t.rank() == 0 ? s : "[" + s + "]";
        } catch (const std::exception&) {
            // unreadable data (missing external file): fall through to the type
        }
    }
    std::string dims;
    for (int64_t d : t.dims())
        dims += (dims.empty() ? "" : ",") + std::to_string(d);
    return dtypeName(dt) + "[" + dims + "]";
}

/// A node's label without its scope (the entry's group says it).
std::string shortLabel(const std::string& label)
{
    const std::string scope = scopeOf(label);
    return scope.empty() ? label : label.substr(std::min(label.size(), scope.size() + 1));
}

/// "Shape -> Slice -> Concat": op types in graph order, Constants left out (unless there is
/// nothing else), runs of one op as "Unsqueeze x2", long chains shortened.
std::string chainText(const std::vector<std::string>& ops)
{
    bool onlyConstants = true;
    for (const auto& op : ops)
        onlyConstants = onlyConstants && op == "Constant";
    std::vector<std::pair<std::string, int>> runs;
    for (const auto& op : ops) {
        if (op == "Constant" && !onlyConstants)
            continue;
        if (!runs.empty() && runs.back().first == op)
            ++runs.back().second;
        else
            runs.push_back({op, 1});
    }
    std::vector<std::string> parts;
    for (const auto& [op, n] : runs)
        parts.push_back(n > 1 ? op + " x" + std::to_string(n) : op);
    const bool shortened = parts.size() > 8;
    if (shortened) {
        std::vector<std::string> kept(parts.begin(), parts.begin() + 3);
        kept.push_back("...");
        kept.insert(kept.end(), parts.end() - 2, parts.end());
        parts = std::move(kept);
    }
    std::string s;
    for (const auto& p : parts)
        s += (s.empty() ? "" : " -> ") + p;
    if (shortened)
        s += " (" + std::to_string(ops.size()) + " nodes)";
    return s;
}

std::string nodeText(const Node& n) { return n.opType + " '" + shortLabel(n.label()) + "'"; }

struct Group {
    std::vector<NodeId> removed;
    NodeId targetNode = kNoNode;
    std::string targetValue;
    int fates[3] = {0, 0, 0};
};

} // namespace

std::vector<ChangeEntry> changeList(const Pipeline& pipeline, std::size_t first, std::size_t last)
{
    std::vector<ChangeEntry> entries;
    last = std::min(last, pipeline.steps().size());
    if (first >= last)
        return entries;
    const Model& beforeModel = *pipeline.steps()[first].before;
    const Model& afterModel = *pipeline.steps()[last - 1].after;
    ModelIndex before(beforeModel);
    ModelIndex after(afterModel);
    const int64_t opset = afterModel.opsetVersion("");
    const std::map<NodeId, Outcome> outcomes = provenance(pipeline, first, last);

    // What the range added and changed that is still there at its end, with the steps that did it.
    std::map<NodeId, std::size_t> addedAlive;
    std::map<NodeId, std::set<std::size_t>> changedAlive;
    for (std::size_t s = first; s < last; ++s) {
        const ChangeRecord& c = pipeline.steps()[s].changes;
        for (NodeId id : c.added)
            if (after.has(id))
                addedAlive.emplace(id, s);
        for (NodeId id : c.changed)
            if (after.has(id))
                changedAlive[id].insert(s);
    }
    for (const auto& [id, s] : addedAlive)
        changedAlive.erase(id);

    // Removed nodes, grouped by what they went into (a node or a constant of the after model)
    // and by connection: two chains folded into one constant (deduplicated: two blocks computing
    // the same shape) are two changes. Constants read by a removed node join its change.
    using Key = std::pair<NodeId, std::string>;
    std::unordered_map<NodeId, Key> keyOf;
    for (const auto& [id, o] : outcomes)
        keyOf[id] = o.intoNode != kNoNode ? Key{o.intoNode, {}}
                    : !o.intoValue.empty() ? Key{kNoNode, o.intoValue}
                                           : Key{id, "\x01self"};
    std::unordered_map<NodeId, NodeId> parent;
    std::function<NodeId(NodeId)> root = [&](NodeId x) {
        NodeId r = x;
        while (parent.count(r) && parent[r] != r)
            r = parent[r];
        while (parent.count(x) && parent[x] != r) {
            const NodeId next = parent[x];
            parent[x] = r;
            x = next;
        }
        return r;
    };
    auto unite = [&](NodeId a, NodeId b) {
        a = root(a);
        b = root(b);
        if (a != b)
            parent[std::max(a, b)] = std::min(a, b);
    };
    std::vector<std::pair<NodeId, NodeId>> edges; // between removed nodes: a value of one read by the other
    for (std::size_t s = first; s < last; ++s) {
        const Step& step = pipeline.steps()[s];
        if (step.changes.removed.empty())
            continue;
        std::unordered_map<std::string, NodeId> producer;
        std::unordered_map<NodeId, const Node*> nodeOf;
        forEachGraph(step.before->graph, [&](const Graph& g) {
            for (const auto& n : g.nodes) {
                nodeOf[n.id] = &n;
                for (const auto& out : n.outputs)
                    if (!out.empty())
                        producer[out] = n.id;
            }
        });
        std::unordered_map<std::string, std::vector<NodeId>> readersAfter;
        bool folded = false;
        for (const Removal& r : step.changes.removed)
            folded = folded || !r.intoValue.empty();
        if (folded)
            forEachGraph(step.after->graph, [&](const Graph& g) {
                for (const auto& n : g.nodes)
                    for (const auto& in : n.inputs)
                        if (!in.empty())
                            readersAfter[in].push_back(n.id);
            });
        for (const Removal& r : step.changes.removed) {
            if (auto it = nodeOf.find(r.node); it != nodeOf.end())
                for (const auto& in : it->second->inputs)
                    if (auto p = producer.find(in); p != producer.end() && outcomes.count(p->second))
                        edges.push_back({p->second, r.node});
            if (auto it = readersAfter.find(r.intoValue); !r.intoValue.empty() && it != readersAfter.end())
                for (NodeId reader : it->second)
                    if (outcomes.count(reader))
                        edges.push_back({r.node, reader});
        }
    }
    for (const auto& [a, b] : edges)
        if (keyOf[a] == keyOf[b])
            unite(a, b);
    // Everything that went into one node is one change (the no-ops around a fused node too).
    std::map<NodeId, NodeId> intoNode;
    for (const auto& [id, key] : keyOf)
        if (key.first != kNoNode && key.second.empty()) {
            auto [it, inserted] = intoNode.emplace(key.first, id);
            if (!inserted)
                unite(it->second, id);
        }
    std::unordered_map<NodeId, bool> constantGroup; // by root: only Constants in the group
    for (const auto& [id, o] : outcomes) {
        auto [it, inserted] = constantGroup.emplace(root(id), true);
        if (o.opType != "Constant")
            it->second = false;
    }
    for (const auto& [a, b] : edges) {
        const NodeId ra = root(a), rb = root(b);
        if (ra != rb && constantGroup[ra] && !constantGroup[rb]) {
            keyOf[ra] = keyOf[rb];
            parent[ra] = rb;
        }
    }
    std::map<NodeId, Group> groups;
    std::vector<NodeId> groupOrder;
    for (const auto& [id, o] : outcomes) {
        const NodeId r = root(id);
        auto [it, inserted] = groups.try_emplace(r);
        if (inserted) {
            groupOrder.push_back(r);
            const Key& key = keyOf[r];
            if (key.second != "\x01self") {
                it->second.targetNode = key.first;
                it->second.targetValue = key.second;
            }
        }
        it->second.removed.push_back(id);
        ++it->second.fates[static_cast<int>(o.fate)];
    }

    auto orderOf = [&](NodeId id) -> std::size_t {
        if (const auto* l = before.find(id))
            return l->order;
        return before.nodes.size() + id; // on neither side: after everything, by creation
    };
    auto byOrder = [&](std::vector<NodeId>& ids) {
        std::sort(ids.begin(), ids.end(), [&](NodeId a, NodeId b) { return orderOf(a) < orderOf(b); });
    };
    auto byAfterOrder = [&](std::vector<NodeId>& ids) {
        std::sort(ids.begin(), ids.end(), [&](NodeId a, NodeId b) { return after.find(a)->order < after.find(b)->order; });
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    };
    std::set<NodeId> addedOwned;
    std::set<NodeId> changedExplained;

    for (NodeId key : groupOrder) {
        Group& g = groups[key];
        ChangeEntry e;
        byOrder(g.removed);
        e.removed = g.removed;
        e.kind = g.fates[static_cast<int>(Fate::Fused)]    ? ChangeKind::Fused
                 : g.fates[static_cast<int>(Fate::Folded)] ? ChangeKind::Folded
                                                           : ChangeKind::Eliminated;
        const Fate main = e.kind == ChangeKind::Fused ? Fate::Fused : e.kind == ChangeKind::Folded ? Fate::Folded : Fate::Eliminated;
        std::set<std::size_t> steps;
        std::vector<std::string> ops; // of the entry's own fate; the others are counted after
        for (NodeId id : g.removed) {
            const Outcome& o = outcomes.at(id);
            steps.insert(o.step);
            if (o.fate == main)
                ops.push_back(o.opType);
            if (before.has(id))
                e.beforeNodes.push_back(id);
        }
        const std::string chain = chainText(ops);
        std::string text;
        if (g.targetNode != kNoNode) {
            e.afterNodes.push_back(g.targetNode);
            const Node& t = *after.find(g.targetNode)->node;
            const bool isNew = addedAlive.count(g.targetNode) != 0;
            if (isNew && !addedOwned.count(g.targetNode)) {
                addedOwned.insert(g.targetNode);
                e.added.push_back(g.targetNode);
                steps.insert(addedAlive[g.targetNode]);
            }
            const std::string target = isNew ? "a new " + t.opType + " '" + shortLabel(t.label()) + "'" : nodeText(t);
            switch (main) {
            case Fate::Fused: text = chain + " fused into " + target; break;
            case Fate::Folded: text = chain + " folded into " + target; break;
            case Fate::Eliminated: text = chain + " eliminated, replaced by " + target; break;
            }
        } else if (!g.targetValue.empty()) {
            auto r = after.readers.find(g.targetValue);
            if (r != after.readers.end())
                e.afterNodes = r->second;
            auto init = after.initializers.find(g.targetValue);
            const std::string value = valueText(init == after.initializers.end() ? nullptr : init->second);
            const std::string verb = main == Fate::Fused    ? " fused into "
                                     : main == Fate::Folded ? " folded into "
                                                            : " eliminated, replaced by ";
            if (!e.afterNodes.empty()) {
                byAfterOrder(e.afterNodes);
                const Node& reader = *after.find(e.afterNodes.front())->node;
                std::size_t k = 0;
                while (k < reader.inputs.size() && reader.inputs[k] != g.targetValue)
                    ++k;
                text = chain + verb + reader.opType + "'s " + schemaInputName(reader, k, opset) + (value.empty() ? "" : " " + value);
                if (e.afterNodes.size() > 1)
                    text += " (read by " + std::to_string(e.afterNodes.size()) + " nodes)";
            } else {
                text = chain + verb + "the constant '" + g.targetValue + "'" + (value.empty() ? "" : " " + value);
            }
        } else {
            // Nothing to point at: name the node when it is one.
            const Outcome& o = outcomes.at(g.removed.front());
            text = (g.removed.size() == 1 ? o.opType + " '" + shortLabel(o.label) + "'" : chain) + " " + fateName(main);
        }
        // The other fates in the group ("with 2 folded").
        std::string others;
        for (Fate f : {Fate::Folded, Fate::Eliminated, Fate::Fused})
            if (f != main && g.fates[static_cast<int>(f)])
                others += (others.empty() ? "" : ", ") + std::to_string(g.fates[static_cast<int>(f)]) + " " + fateName(f);
        if (!others.empty())
            text += " (with " + others + ")";
        e.text = text;
        for (NodeId id : e.afterNodes)
            if (changedAlive.count(id)) {
                changedExplained.insert(id);
                steps.insert(changedAlive[id].begin(), changedAlive[id].end());
            }
        e.steps.assign(steps.begin(), steps.end());
        entries.push_back(std::move(e));
    }
    for (const auto& [id, s] : addedAlive) {
        if (addedOwned.count(id))
            continue;
        ChangeEntry e;
        e.kind = ChangeKind::Added;
        e.added = {id};
        e.afterNodes = {id};
        e.steps = {s};
        e.text = nodeText(*after.find(id)->node) + " added";
        entries.push_back(std::move(e));
    }
    for (const auto& [id, s] : changedAlive) {
        if (changedExplained.count(id))
            continue;
        ChangeEntry e;
        e.kind = ChangeKind::Changed;
        e.afterNodes = {id};
        if (before.has(id))
            e.beforeNodes = {id};
        e.steps.assign(s.begin(), s.end());
        e.text = nodeText(*after.find(id)->node) + " changed";
        entries.push_back(std::move(e));
    }

    // What each side shows of an entry: the last of its nodes there in graph order (the one
    // next to its replacement; Constants only when there is nothing else), else the nearest
    // node around the change that the side has.
    auto pick = [](const std::vector<NodeId>& ids, const ModelIndex& index, bool last) {
        NodeId node = kNoNode, constant = kNoNode;
        for (NodeId id : ids) {
            const auto* l = index.find(id);
            if (!l)
                continue;
            NodeId& slot = l->node->opType == "Constant" ? constant : node;
            if (slot == kNoNode || last)
                slot = id;
        }
        return node != kNoNode ? node : constant;
    };
    // Where a node is drawn: Constants inside their (first) reader.
    auto drawnOrder = [](const ModelIndex& index, const ModelIndex::Located& l) {
        if (l.node->opType != "Constant" || l.node->outputs.empty())
            return l.order;
        auto r = index.readers.find(l.node->outputs.front());
        std::size_t order = l.order;
        bool found = false;
        if (r != index.readers.end())
            for (NodeId reader : r->second)
                if (const auto* rl = index.find(reader); rl && rl->graph == l.graph) {
                    order = found ? std::min(order, rl->order) : rl->order;
                    found = true;
                }
        return order;
    };
    std::vector<std::size_t> position(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        ChangeEntry& e = entries[i];
        byOrder(e.beforeNodes);
        e.beforeFocus = pick(e.beforeNodes, before, true);
        e.afterFocus = pick(e.afterNodes, after, false);
        e.beforeFocusIsChange = e.beforeFocus != kNoNode;
        e.afterFocusIsChange = e.afterFocus != kNoNode;
        if (e.beforeFocus == kNoNode)
            e.beforeFocus = nearestShared(after, e.afterNodes, before);
        if (e.afterFocus == kNoNode)
            e.afterFocus = nearestShared(before, e.beforeNodes, after);
        // Both foci in one graph (the side by side shows one path on both sides).
        const auto* b = before.find(e.beforeFocus);
        const auto* a = after.find(e.afterFocus);
        if (b)
            e.path = before.paths[b->path];
        else if (a)
            e.path = after.paths[a->path];
        if (b && a && after.paths[a->path] != e.path) {
            e.afterFocus = kNoNode;
            e.afterFocusIsChange = false;
        }
        const Node* focus = e.beforeFocusIsChange ? b->node : e.afterFocusIsChange ? a->node : b ? b->node : a ? a->node : nullptr;
        e.scope = focus ? scopeOf(focus->name) : std::string();
        position[i] = b ? drawnOrder(before, *b) : a ? before.nodes.size() + drawnOrder(after, *a) : 2 * (before.nodes.size() + after.nodes.size());
    }
    // Scopes in the order their first change appears; entries in graph order within a scope.
    std::map<std::string, std::size_t> scopeRank;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        auto [it, inserted] = scopeRank.emplace(entries[i].scope, position[i]);
        if (!inserted)
            it->second = std::min(it->second, position[i]);
    }
    std::vector<std::size_t> order(entries.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        const ChangeEntry& a = entries[x];
        const ChangeEntry& b = entries[y];
        const std::size_t ra = scopeRank[a.scope], rb = scopeRank[b.scope];
        if (ra != rb)
            return ra < rb;
        if (a.scope != b.scope)
            return a.scope < b.scope;
        if (position[x] != position[y])
            return position[x] < position[y];
        return (a.steps.empty() ? 0 : a.steps.front()) < (b.steps.empty() ? 0 : b.steps.front());
    });
    std::vector<ChangeEntry> sorted;
    sorted.reserve(entries.size());
    for (std::size_t i : order)
        sorted.push_back(std::move(entries[i]));
    return sorted;
}

} // namespace netfold
