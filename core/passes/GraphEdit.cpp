#include "passes/GraphEdit.h"

#include "model/Constant.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace netfold::edit {

namespace {

bool nameUsed(const Graph& g, const std::string& name)
{
    if (g.types.count(name) || g.findInitializer(name))
        return true;
    for (const auto& v : g.inputs)
        if (v.name == name)
            return true;
    for (const auto& n : g.nodes)
        for (const auto& o : n.outputs)
            if (o == name)
                return true;
    return false;
}

void renameOuterReads(Graph& g, const std::string& from, const std::string& to);

/// Node inputs named from read to instead, in g and in the bodies that read from (bodies get
/// their own copy: graphs are shared between pipeline steps).
void renameReads(Graph& g, const std::string& from, const std::string& to)
{
    for (auto& n : g.nodes) {
        for (auto& in : n.inputs)
            if (in == from)
                in = to;
        for (auto& sg : n.subgraphs) {
            auto reads = outerScopeReads(sg.graph);
            if (std::find(reads->begin(), reads->end(), from) != reads->end()) {
                auto copy = std::make_shared<Graph>(*sg.graph);
                renameOuterReads(*copy, from, to);
                sg.graph = std::move(copy);
            }
        }
    }
}

void renameOuterReads(Graph& g, const std::string& from, const std::string& to)
{
    // Inside a subgraph a name declared locally shadows the outer one.
    for (const auto& v : g.inputs)
        if (v.name == from)
            return;
    for (const auto& i : g.initializers)
        if (i.name == from)
            return;
    for (const auto& n : g.nodes)
        for (const auto& o : n.outputs)
            if (o == from)
                return;
    renameReads(g, from, to);
    for (auto& o : g.outputs)
        if (o.name == from)
            o.name = to;
}

} // namespace

std::string uniqueName(const Graph& graph, const std::string& base)
{
    if (!nameUsed(graph, base))
        return base;
    for (int i = 1;; ++i) {
        std::string candidate = base + "_" + std::to_string(i);
        if (!nameUsed(graph, candidate))
            return candidate;
    }
}

TensorPtr constantValue(const Graph& graph, const GraphIndex& index, const std::string& name)
{
    if (name.empty())
        return nullptr;
    if (const auto* init = index.initializer(name)) {
        if (index.isGraphInput(name))
            return nullptr; // an initializer that is also an input can be overridden
        return init->tensor;
    }
    const int p = index.producer(name);
    if (p < 0)
        return nullptr;
    const Node& n = graph.nodes[static_cast<std::size_t>(p)];
    return constantValue(n);
}

void replaceUses(Graph& graph, const std::string& from, const std::string& to)
{
    renameReads(graph, from, to);
}

bool bypass(Graph& graph, int nodeIndex, const std::string& input, const std::string& output, std::string* why)
{
    const GraphIndex index(graph);
    const bool outputIsGraphOutput = index.isGraphOutput(output);
    if (!outputIsGraphOutput) {
        replaceUses(graph, output, input);
        graph.nodes.erase(graph.nodes.begin() + nodeIndex);
        return true;
    }
    // The output name must survive: rename the input's producer to write it directly.
    const int producer = index.producer(input);
    if (producer < 0 || index.isGraphOutput(input)) {
        if (why)
            *why = "its output " + quote(output) + " is a graph output and its input " + quote(input)
                   + " is a graph input, initializer or another output";
        return false;
    }
    graph.nodes.erase(graph.nodes.begin() + nodeIndex);
    for (auto& n : graph.nodes)
        for (auto& o : n.outputs)
            if (o == input)
                o = output;
    replaceUses(graph, input, output);
    auto it = graph.types.find(input);
    if (it != graph.types.end() && !graph.types.count(output))
        graph.types[output] = it->second;
    return true;
}

void removeNodes(Graph& graph, const std::vector<NodeId>& ids)
{
    const std::unordered_set<NodeId> gone(ids.begin(), ids.end());
    graph.nodes.erase(std::remove_if(graph.nodes.begin(), graph.nodes.end(),
                                     [&](const Node& n) { return gone.count(n.id) != 0; }),
                      graph.nodes.end());
}

std::string addInitializer(Graph& graph, const std::string& base, TensorPtr tensor)
{
    const std::string name = uniqueName(graph, base);
    ValueType vt;
    vt.elemType = tensor->dtype();
    vt.hasShape = true;
    for (int64_t d : tensor->dims())
        vt.dims.push_back(Dim{d, {}});
    graph.types[name] = vt;
    graph.initializers.push_back({name, std::move(tensor)});
    return name;
}

void recordRemoval(PassContext& ctx, const Node& node, Fate fate, NodeId into, const std::string& intoValue)
{
    Removal r;
    r.node = node.id;
    r.label = node.label();
    r.opType = node.opType;
    r.fate = fate;
    r.into = into;
    r.intoValue = intoValue;
    ctx.record().removed.push_back(std::move(r));
}

std::shared_ptr<onnx::NodeProto> mutableProto(const Node& node)
{
    auto p = std::make_shared<onnx::NodeProto>();
    if (node.proto)
        p->CopyFrom(*node.proto);
    return p;
}

void removeAttr(onnx::NodeProto& proto, const std::string& name)
{
    auto* attrs = proto.mutable_attribute();
    for (int i = 0; i < attrs->size(); ++i)
        if (attrs->Get(i).name() == name) {
            attrs->DeleteSubrange(i, 1);
            return;
        }
}

void setIntAttr(onnx::NodeProto& proto, const std::string& name, int64_t value)
{
    removeAttr(proto, name);
    auto* a = proto.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
}

void setIntsAttr(onnx::NodeProto& proto, const std::string& name, const std::vector<int64_t>& values)
{
    removeAttr(proto, name);
    auto* a = proto.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto v : values)
        a->add_ints(v);
}

bool isPinned(const PassContext& ctx, const Node& node)
{
    return !node.name.empty() && ctx.options().keepNodes.count(node.name) != 0;
}

std::optional<std::vector<int64_t>> staticShape(const Graph& graph, const std::string& name)
{
    auto it = graph.types.find(name);
    if (it == graph.types.end())
        return std::nullopt;
    return it->second.staticDims();
}

void pruneTypes(Graph& graph)
{
    std::unordered_set<std::string> live;
    for (const auto& v : graph.inputs)
        live.insert(v.name);
    for (const auto& v : graph.outputs)
        live.insert(v.name);
    for (const auto& i : graph.initializers)
        live.insert(i.name);
    for (const auto& n : graph.nodes)
        for (const auto& o : n.outputs)
            live.insert(o);
    std::vector<std::string> dead;
    for (const auto& kv : graph.types)
        if (!live.count(kv.first))
            dead.push_back(kv.first);
    for (const auto& name : dead)
        graph.types.erase(name);
}

} // namespace netfold::edit

namespace netfold::edit {

std::optional<std::vector<Dim>> shapeOpDims(const Graph& graph, const Node& shapeNode)
{
    const ValueType t = graph.typeOf(shapeNode.input(0));
    if (!t.hasShape)
        return std::nullopt;
    const auto rank = static_cast<int64_t>(t.dims.size());
    auto clampIndex = [rank](int64_t v) {
        if (v < 0)
            v += rank;
        return std::max<int64_t>(0, std::min(v, rank));
    };
    const int64_t start = clampIndex(shapeNode.attrInt("start", 0));
    const int64_t end = clampIndex(shapeNode.attrInt("end", rank));
    std::vector<Dim> dims;
    for (int64_t i = start; i < end; ++i)
        dims.push_back(t.dims[static_cast<std::size_t>(i)]);
    return dims;
}

void materializeConstant(Graph& graph, PassContext& ctx, const std::string& value, TensorPtr tensor,
                         const std::vector<NodeId>& from)
{
    const GraphIndex index(graph);
    materializeConstant(graph, ctx, value, std::move(tensor), from, consumerIds(graph, index, value));
}

std::vector<NodeId> consumerIds(const Graph& graph, const GraphIndex& index, const std::string& value)
{
    std::vector<NodeId> ids;
    for (int i : index.consumers(value))
        ids.push_back(graph.nodes[static_cast<std::size_t>(i)].id);
    return ids;
}

void materializeConstant(Graph& graph, PassContext& ctx, const std::string& value, TensorPtr tensor,
                         const std::vector<NodeId>& from, std::vector<NodeId> consumers)
{
    ValueType vt;
    vt.elemType = tensor->dtype();
    vt.hasShape = true;
    for (int64_t d : tensor->dims())
        vt.dims.push_back(Dim{d, {}});
    graph.types[value] = vt;
    graph.initializers.push_back({value, std::move(tensor)});
    NewConstant c;
    c.value = value;
    c.from = from;
    c.consumers = std::move(consumers);
    ctx.record().constants.push_back(std::move(c));
}

void removeDeadProducers(Graph& graph, PassContext& ctx, const std::vector<std::string>& values,
                         const std::string& into, std::vector<NodeId>* removed)
{
    std::vector<std::pair<std::string, std::string>> roots;
    for (const auto& v : values)
        roots.emplace_back(v, into);
    std::vector<std::vector<NodeId>> out;
    removeDeadProducers(graph, ctx, roots, out);
    if (removed)
        for (const auto& ids : out)
            removed->insert(removed->end(), ids.begin(), ids.end());
}

void removeDeadProducers(Graph& graph, PassContext& ctx, const std::vector<std::pair<std::string, std::string>>& roots,
                         std::vector<std::vector<NodeId>>& removed)
{
    removed.assign(roots.size(), {});
    const GraphIndex index(graph);
    std::unordered_map<std::string, std::size_t> uses;
    auto usesOf = [&](const std::string& v) -> std::size_t& {
        auto it = uses.find(v);
        if (it == uses.end())
            it = uses.emplace(v, index.useCount(v)).first;
        return it->second;
    };
    std::unordered_set<NodeId> gone;
    for (std::size_t k = 0; k < roots.size(); ++k) {
        std::vector<std::string> work{roots[k].first};
        while (!work.empty()) {
            const std::string v = work.back();
            work.pop_back();
            const int p = index.producer(v);
            if (p < 0)
                continue;
            const Node& node = graph.nodes[static_cast<std::size_t>(p)];
            if (gone.count(node.id) || isPinned(ctx, node))
                continue;
            bool used = false;
            for (const auto& o : node.outputs)
                used = used || (!o.empty() && usesOf(o) > 0);
            if (used)
                continue;
            gone.insert(node.id);
            recordRemoval(ctx, node, Fate::Folded, kNoNode, roots[k].second);
            removed[k].push_back(node.id);
            for (const auto& in : node.inputs)
                if (!in.empty()) {
                    std::size_t& u = usesOf(in);
                    if (u > 0)
                        --u;
                    work.push_back(in);
                }
        }
    }
    if (!gone.empty())
        removeNodes(graph, std::vector<NodeId>(gone.begin(), gone.end()));
}

} // namespace netfold::edit
