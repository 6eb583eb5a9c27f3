// Passes over the graph's structure: inlining constant-condition Ifs, merging duplicate nodes.
#include "passes/Passes.h"
#include "passes/PassKit.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace netfold::passes {

using namespace passkit;

namespace {

/// Fresh names for the body's local values, so they do not clash with the outer graph;
/// body outputs produced inside the body take the If's output names.
std::unordered_map<std::string, std::string> inlineNames(const Graph& outer, const Graph& body, const Node& ifNode)
{
    std::unordered_map<std::string, std::string> rename;
    std::unordered_set<std::string> reserved;
    std::unordered_set<std::string> produced;
    for (const auto& n : body.nodes)
        for (const auto& o : n.outputs)
            if (!o.empty())
                produced.insert(o);
    for (std::size_t k = 0; k < body.outputs.size() && k < ifNode.outputs.size(); ++k) {
        const std::string& o = body.outputs[k].name;
        if (produced.count(o) && !rename.count(o)) {
            rename[o] = ifNode.outputs[k];
            reserved.insert(ifNode.outputs[k]);
        }
    }
    auto fresh = [&](const std::string& name) {
        std::string candidate = edit::uniqueName(outer, name);
        for (int i = 1; reserved.count(candidate); ++i)
            candidate = edit::uniqueName(outer, name + "_inl" + std::to_string(i));
        reserved.insert(candidate);
        return candidate;
    };
    for (const auto& n : body.nodes)
        for (const auto& o : n.outputs)
            if (!o.empty() && !rename.count(o))
                rename[o] = fresh(o);
    for (const auto& i : body.initializers)
        if (!rename.count(i.name))
            rename[i.name] = fresh(i.name);
    return rename;
}

} // namespace

std::unique_ptr<Pass> eliminateIfWithConstCond()
{
    return rewritePass(
        PassInfo{"eliminate_if_with_const_cond", "Inline the taken branch of an If whose condition is constant.",
                 "Before: y = If(true, then={y1 = Relu(a)}, else={...})\nAfter:  y = Relu(a)"}, {"If"},
        [](Graph& g, PassContext& ctx, const GraphIndex& index, int i) {
            const Node ifNode = g.nodes[static_cast<std::size_t>(i)];
            TensorPtr cond = edit::constantValue(g, index, ifNode.input(0));
            if (!cond) {
                ctx.record().kept[ifNode.id] = "Kept: its condition " + quote(ifNode.input(0)) + " is not constant.";
                return false;
            }
            if (cond->numel() != 1)
                return false;
            const std::string branchName = cond->at(0) != 0 ? "then_branch" : "else_branch";
            std::shared_ptr<const Graph> branch;
            for (const auto& sg : ifNode.subgraphs)
                if (sg.attribute == branchName)
                    branch = sg.graph;
            if (!branch || branch->outputs.size() != ifNode.outputs.size())
                return false;
            Graph body = *branch;
            const auto rename = inlineNames(g, body, ifNode);
            for (const auto& [from, to] : rename)
                if (from != to)
                    edit::replaceUses(body, from, to);
            for (auto& n : body.nodes)
                for (auto& o : n.outputs) {
                    auto it = rename.find(o);
                    if (it != rename.end())
                        o = it->second;
                }
            std::vector<Node> inlined = body.nodes;
            for (std::size_t k = 0; k < body.outputs.size(); ++k) {
                std::string src = body.outputs[k].name;
                auto it = rename.find(src);
                if (it != rename.end())
                    src = it->second;
                if (src == ifNode.outputs[k])
                    continue;
                Node id;
                id.id = ctx.newNodeId();
                id.opType = "Identity";
                id.name = ifNode.label() + "_out" + std::to_string(k);
                id.inputs = {src};
                id.outputs = {ifNode.outputs[k]};
                auto proto = std::make_shared<onnx::NodeProto>();
                proto->set_op_type("Identity");
                id.proto = proto;
                inlined.push_back(id);
            }
            for (const auto& init : body.initializers)
                g.initializers.push_back({rename.at(init.name), init.tensor});
            for (const auto& [name, type] : body.types) {
                auto it = rename.find(name);
                if (it != rename.end())
                    g.types[it->second] = type;
            }
            g.nodes.erase(g.nodes.begin() + i);
            g.nodes.insert(g.nodes.begin() + i, inlined.begin(), inlined.end());
            for (const auto& n : inlined)
                ctx.record().added.push_back(n.id);
            edit::recordRemoval(ctx, ifNode, Fate::Eliminated, inlined.empty() ? kNoNode : inlined.back().id);
            ctx.record().count(stat::kIfsInlined);
            return true;
        });
}

std::unique_ptr<Pass> eliminateCommonSubexpression()
{
    return std::make_unique<FunctionPass>(
        PassInfo{"eliminate_common_subexpression", "Merge identical nodes with identical inputs and attributes.",
                 "Before: a = Relu(x); b = Relu(x); y = Add(a, b)\nAfter:  a = Relu(x); y = Add(a, a)"},
        [](Graph& graph, PassContext& ctx) {
            static const std::unordered_set<std::string> random = {"RandomUniform", "RandomNormal", "RandomUniformLike",
                                                                   "RandomNormalLike", "Multinomial", "Bernoulli"};
            GraphIndex index(graph);
            std::unordered_map<std::string, std::string> rename;
            std::unordered_map<std::string, std::size_t> seen;
            std::vector<NodeId> dropped;
            for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
                Node& n = graph.nodes[i];
                for (auto& in : n.inputs) {
                    auto it = rename.find(in);
                    if (it != rename.end())
                        in = it->second;
                }
                if (!n.subgraphs.empty() || random.count(n.opType) || n.outputs.empty() || edit::isPinned(ctx, n))
                    continue;
                std::string key = n.domain + "|" + n.opType + "|";
                for (const auto& in : n.inputs)
                    key += in + ",";
                key += "|";
                if (n.proto) {
                    std::vector<std::string> attrs;
                    for (const auto& a : n.proto->attribute())
                        attrs.push_back(a.SerializeAsString());
                    std::sort(attrs.begin(), attrs.end());
                    for (const auto& a : attrs)
                        key += std::to_string(a.size()) + ":" + a;
                }
                auto [it, fresh] = seen.emplace(key, i);
                if (fresh)
                    continue;
                const Node& orig = graph.nodes[it->second];
                bool outputIsGraphOutput = false;
                for (const auto& o : n.outputs)
                    outputIsGraphOutput = outputIsGraphOutput || index.isGraphOutput(o);
                if (outputIsGraphOutput || orig.outputs.size() != n.outputs.size())
                    continue;
                for (std::size_t k = 0; k < n.outputs.size(); ++k)
                    if (!n.outputs[k].empty())
                        rename[n.outputs[k]] = orig.outputs[k];
                edit::recordRemoval(ctx, n, Fate::Eliminated, orig.id);
                dropped.push_back(n.id);
            }
            if (dropped.empty())
                return;
            // Subgraphs that read a merged value from outside.
            for (const auto& [from, to] : rename)
                if (index.useCount(from) > index.consumers(from).size())
                    edit::replaceUses(graph, from, to);
            edit::removeNodes(graph, dropped);
            ctx.record().count(stat::kNodesMerged, static_cast<int64_t>(dropped.size()));
        },
        true);
}

} // namespace netfold::passes
