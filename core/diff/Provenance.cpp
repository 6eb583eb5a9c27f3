#include "diff/Provenance.h"

#include <unordered_map>
#include <unordered_set>

namespace netfold {

namespace {

struct Resolver {
    const Pipeline& pipeline;
    const Model& after;
    std::unordered_set<NodeId> liveNodes;
    std::unordered_set<std::string> liveConstants;
    std::unordered_map<NodeId, std::pair<std::size_t, const Removal*>> removals;
    std::unordered_map<std::string, std::vector<std::pair<std::size_t, const Removal*>>> readers;
    std::unordered_map<std::string, std::vector<NodeId>> constantConsumers;
    /// Initializers a step dropped as duplicates of another (eliminate_duplicate_initializer):
    /// the step and the name their readers read instead.
    std::unordered_map<std::string, std::pair<std::size_t, std::string>> aliases;

    // Every graph counts, bodies included: passes change If/Loop/Scan bodies too.
    Resolver(const Pipeline& p, std::size_t first, std::size_t last) : pipeline(p), after(*p.steps()[last - 1].after)
    {
        forEachGraph(after.graph, [&](const Graph& g) {
            for (const auto& n : g.nodes)
                liveNodes.insert(n.id);
            for (const auto& i : g.initializers)
                liveConstants.insert(i.name);
        });
        for (std::size_t s = first; s < last; ++s) {
            const Step& step = p.steps()[s];
            std::unordered_map<NodeId, const Node*> before;
            forEachGraph(step.before->graph, [&](const Graph& g) {
                for (const auto& n : g.nodes)
                    before[n.id] = &n;
            });
            for (const auto& r : step.changes.removed) {
                removals[r.node] = {s, &r};
                auto it = before.find(r.node);
                if (it != before.end())
                    for (const auto& in : it->second->inputs)
                        if (!in.empty())
                            readers[in].push_back({s, &r});
            }
            for (const auto& c : step.changes.constants)
                constantConsumers[c.value] = c.consumers;
            if (!step.changes.removedInitializers.empty())
                noteAliases(s, step, before);
        }
    }

    /// A dropped initializer whose readers read another value after the step (at the same input)
    /// lives on as that value.
    void noteAliases(std::size_t s, const Step& step, const std::unordered_map<NodeId, const Node*>& before)
    {
        const std::unordered_set<std::string> dropped(step.changes.removedInitializers.begin(),
                                                      step.changes.removedInitializers.end());
        forEachGraph(step.after->graph, [&](const Graph& g) {
            for (const auto& n : g.nodes) {
                auto it = before.find(n.id);
                if (it == before.end() || it->second->inputs.size() != n.inputs.size())
                    continue;
                for (std::size_t k = 0; k < n.inputs.size(); ++k) {
                    const std::string& was = it->second->inputs[k];
                    if (was != n.inputs[k] && !n.inputs[k].empty() && dropped.count(was))
                        aliases.emplace(was, std::pair{s, n.inputs[k]});
                }
            }
        });
    }

    using Target = std::pair<NodeId, std::string>;

    Target value(const std::string& v, std::size_t sinceStep, int depth)
    {
        if (depth > 64)
            return {};
        if (liveConstants.count(v))
            return {kNoNode, v};
        // A later removal read this constant: follow it.
        auto it = readers.find(v);
        if (it != readers.end())
            for (const auto& [s, r] : it->second)
                if (s >= sinceStep) {
                    Target t = removal(*r, s, depth + 1);
                    if (t.first != kNoNode || !t.second.empty())
                        return t;
                }
        // Dropped as a duplicate: its readers read the one kept.
        auto a = aliases.find(v);
        if (a != aliases.end() && a->second.first >= sinceStep) {
            Target t = value(a->second.second, a->second.first, depth + 1);
            if (t.first != kNoNode || !t.second.empty())
                return t;
        }
        auto c = constantConsumers.find(v);
        if (c != constantConsumers.end())
            for (NodeId id : c->second)
                if (liveNodes.count(id))
                    return {id, {}};
        return {};
    }

    Target node(NodeId id, int depth)
    {
        if (liveNodes.count(id))
            return {id, {}};
        auto it = removals.find(id);
        if (it == removals.end() || depth > 64)
            return {};
        return removal(*it->second.second, it->second.first, depth + 1);
    }

    Target removal(const Removal& r, std::size_t step, int depth)
    {
        if (!r.intoValue.empty()) {
            Target t = value(r.intoValue, step, depth);
            if (t.first != kNoNode || !t.second.empty())
                return t;
        }
        if (r.into != kNoNode)
            return node(r.into, depth);
        return {};
    }
};

} // namespace

std::map<NodeId, Outcome> provenance(const Pipeline& pipeline, std::size_t first, std::size_t last)
{
    std::map<NodeId, Outcome> out;
    last = std::min(last, pipeline.steps().size());
    if (first >= last)
        return out;
    Resolver resolver(pipeline, first, last);
    for (const auto& [id, entry] : resolver.removals) {
        const Removal& r = *entry.second;
        Outcome o;
        o.node = id;
        o.label = r.label;
        o.opType = r.opType;
        o.fate = r.fate;
        o.step = entry.first;
        const auto target = resolver.removal(r, entry.first, 0);
        o.intoNode = target.first;
        o.intoValue = target.second;
        out[id] = o;
    }
    return out;
}

std::vector<NodeId> absorbedInto(const std::map<NodeId, Outcome>& outcomes, NodeId node, const std::string& value)
{
    std::vector<NodeId> ids;
    for (const auto& [id, o] : outcomes)
        if ((!value.empty() && o.intoValue == value) || (value.empty() && node != kNoNode && o.intoNode == node))
            ids.push_back(id);
    return ids;
}

} // namespace netfold
