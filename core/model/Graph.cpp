#include "model/Graph.h"

#include "model/DataType.h"
#include "util/Error.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <mutex>
#include <string_view>
#include <unordered_set>

namespace netfold {

bool ValueType::isStatic() const
{
    if (!hasShape)
        return false;
    for (const auto& d : dims)
        if (!d.known())
            return false;
    return true;
}

std::optional<std::vector<int64_t>> ValueType::staticDims() const
{
    if (!isStatic())
        return std::nullopt;
    std::vector<int64_t> out;
    out.reserve(dims.size());
    for (const auto& d : dims)
        out.push_back(d.value);
    return out;
}

std::string ValueType::shapeString() const
{
    if (!hasShape)
        return "?";
    std::string s = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (i)
            s += ",";
        s += dims[i].toString();
    }
    return s + "]";
}

std::string ValueType::toString() const
{
    if (!kind.empty() && kind != "tensor")
        return kind + (elemType ? "<" + dtypeName(elemType) + ">" : std::string());
    if (!elemType && !hasShape)
        return "?";
    std::string s = elemType ? dtypeName(elemType) : "?";
    if (hasShape)
        s += shapeString();
    return s;
}

std::string Node::label() const
{
    if (!name.empty())
        return name;
    return opType + "#" + std::to_string(id);
}

const onnx::AttributeProto* Node::attribute(const std::string& attrName) const
{
    if (!proto)
        return nullptr;
    for (const auto& a : proto->attribute())
        if (a.name() == attrName)
            return &a;
    return nullptr;
}

int64_t Node::attrInt(const std::string& attrName, int64_t fallback) const
{
    const auto* a = attribute(attrName);
    return a ? a->i() : fallback;
}

float Node::attrFloat(const std::string& attrName, float fallback) const
{
    const auto* a = attribute(attrName);
    return a ? a->f() : fallback;
}

std::string Node::attrString(const std::string& attrName, const std::string& fallback) const
{
    const auto* a = attribute(attrName);
    return a ? a->s() : fallback;
}

std::vector<int64_t> Node::attrInts(const std::string& attrName) const
{
    const auto* a = attribute(attrName);
    if (!a)
        return {};
    return {a->ints().begin(), a->ints().end()};
}

std::vector<float> Node::attrFloats(const std::string& attrName) const
{
    const auto* a = attribute(attrName);
    if (!a)
        return {};
    return {a->floats().begin(), a->floats().end()};
}

TensorPtr Node::attrTensor(const std::string& attrName) const
{
    const auto* a = attribute(attrName);
    if (!a || !a->has_t())
        return nullptr;
    // Alias the node's proto: the TensorProto lives as long as the NodeProto.
    std::shared_ptr<const onnx::TensorProto> t(proto, &a->t());
    return std::make_shared<const Tensor>(t, std::string());
}

std::vector<std::string> Node::attributeNames() const
{
    std::vector<std::string> names;
    if (proto)
        for (const auto& a : proto->attribute())
            names.push_back(a.name());
    return names;
}

const std::string& Node::input(std::size_t i) const
{
    static const std::string empty;
    return i < inputs.size() ? inputs[i] : empty;
}

const Node* Graph::findNode(NodeId id) const
{
    for (const auto& n : nodes)
        if (n.id == id)
            return &n;
    return nullptr;
}

Node* Graph::findNode(NodeId id)
{
    for (auto& n : nodes)
        if (n.id == id)
            return &n;
    return nullptr;
}

const Initializer* Graph::findInitializer(const std::string& initName) const
{
    for (const auto& i : initializers)
        if (i.name == initName)
            return &i;
    return nullptr;
}

ValueType Graph::typeOf(const std::string& valueName) const
{
    auto it = types.find(valueName);
    return it == types.end() ? ValueType{} : it->second;
}

std::size_t Graph::totalNodeCount() const
{
    std::size_t n = nodes.size();
    for (const auto& node : nodes)
        for (const auto& sg : node.subgraphs)
            n += sg.graph->totalNodeCount();
    return n;
}

std::size_t Graph::subgraphCount() const
{
    std::size_t n = 0;
    for (const auto& node : nodes)
        for (const auto& sg : node.subgraphs)
            n += 1 + sg.graph->subgraphCount();
    return n;
}

void forEachGraph(const Graph& graph, const std::function<void(const Graph&)>& visit)
{
    visit(graph);
    for (const Node& n : graph.nodes)
        for (const Subgraph& sg : n.subgraphs)
            forEachGraph(*sg.graph, visit);
}

const Graph* resolvePath(const Graph& graph, const GraphPath& path)
{
    const Graph* g = &graph;
    for (const GraphPathStep& step : path) {
        const Node* n = g->findNode(step.node);
        if (!n)
            return nullptr;
        auto it = std::find_if(n->subgraphs.begin(), n->subgraphs.end(),
                               [&](const Subgraph& sg) { return sg.attribute == step.attribute; });
        if (it == n->subgraphs.end())
            return nullptr;
        g = it->graph.get();
    }
    return g;
}

std::optional<GraphPath> pathToNode(const Graph& graph, NodeId node)
{
    if (graph.findNode(node))
        return GraphPath{};
    for (const Node& n : graph.nodes)
        for (const Subgraph& sg : n.subgraphs)
            if (std::optional<GraphPath> below = pathToNode(*sg.graph, node)) {
                below->insert(below->begin(), GraphPathStep{n.id, sg.attribute});
                return below;
            }
    return std::nullopt;
}

GraphIndex::GraphIndex(const Graph& graph)
{
    m_values.reserve(graph.nodes.size() * 2 + graph.inputs.size() + graph.initializers.size());
    m_nodeIndex.reserve(graph.nodes.size());
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const Node& n = graph.nodes[i];
        m_nodeIndex[n.id] = static_cast<int>(i);
        for (const auto& o : n.outputs)
            if (!o.empty())
                m_values[o].producer = static_cast<int>(i);
        for (const auto& in : n.inputs)
            if (!in.empty())
                m_values[in].consumers.push_back(static_cast<int>(i));
        for (const auto& sg : n.subgraphs) {
            // Held here: the cache may let go of its copy (another thread, the same body) meanwhile.
            const auto reads = outerScopeReads(sg.graph);
            for (const auto& name : *reads)
                ++m_values[name].subgraphReads;
        }
    }
    for (const auto& o : graph.outputs)
        m_values[o.name].graphOutput = true;
    for (const auto& in : graph.inputs)
        m_values[in.name].graphInput = true;
    for (const auto& init : graph.initializers)
        m_values[init.name].initializer = &init;
}

const GraphIndex::Value* GraphIndex::find(const std::string& name) const
{
    auto it = m_values.find(name);
    return it == m_values.end() ? nullptr : &it->second;
}

bool GraphIndex::isGraphOutput(const std::string& name) const
{
    const Value* v = find(name);
    return v && v->graphOutput;
}

bool GraphIndex::isGraphInput(const std::string& name) const
{
    const Value* v = find(name);
    return v && v->graphInput;
}

int GraphIndex::producer(const std::string& valueName) const
{
    const Value* v = find(valueName);
    return v ? v->producer : -1;
}

const std::vector<int>& GraphIndex::consumers(const std::string& valueName) const
{
    static const std::vector<int> none;
    const Value* v = find(valueName);
    return v ? v->consumers : none;
}

const Initializer* GraphIndex::initializer(const std::string& valueName) const
{
    const Value* v = find(valueName);
    return v ? v->initializer : nullptr;
}

int GraphIndex::nodeIndex(NodeId id) const
{
    auto it = m_nodeIndex.find(id);
    return it == m_nodeIndex.end() ? -1 : it->second;
}

std::size_t GraphIndex::useCount(const std::string& valueName) const
{
    const Value* v = find(valueName);
    return v ? v->consumers.size() + (v->graphOutput ? 1 : 0) + v->subgraphReads : 0;
}

std::vector<std::string> outerScopeReads(const Graph& graph)
{
    // Views of the graph's own strings: it does not change during the call.
    std::unordered_set<std::string_view> local;
    for (const auto& i : graph.inputs)
        local.insert(i.name);
    for (const auto& i : graph.initializers)
        local.insert(i.name);
    for (const auto& n : graph.nodes)
        for (const auto& o : n.outputs)
            local.insert(o);
    std::vector<std::string> reads;
    std::unordered_set<std::string> seen;
    auto note = [&](const std::string& name) {
        if (!name.empty() && !local.count(name) && seen.insert(name).second)
            reads.push_back(name);
    };
    for (const auto& n : graph.nodes) {
        for (const auto& in : n.inputs)
            note(in);
        for (const auto& sg : n.subgraphs) {
            const auto inner = outerScopeReads(sg.graph);
            for (const auto& name : *inner)
                note(name);
        }
    }
    for (const auto& o : graph.outputs)
        note(o.name);
    return reads;
}

namespace {

/// outerScopeReads by body. An entry is valid while its weak pointer still points at the body:
/// a body at the same address after the old one died has an expired entry.
struct ReadsCache {
    struct Entry {
        std::weak_ptr<const Graph> body;
        std::shared_ptr<const std::vector<std::string>> reads;
    };
    std::mutex mutex;
    std::unordered_map<const Graph*, Entry> entries;
    std::size_t sweepAt = 4096;
};

ReadsCache& readsCache()
{
    static ReadsCache cache;
    return cache;
}

} // namespace

std::shared_ptr<const std::vector<std::string>> outerScopeReads(const std::shared_ptr<const Graph>& body)
{
    ReadsCache& cache = readsCache();
    {
        std::lock_guard<std::mutex> lock(cache.mutex);
        auto it = cache.entries.find(body.get());
        if (it != cache.entries.end() && it->second.body.lock() == body)
            return it->second.reads;
    }
    auto reads = std::make_shared<const std::vector<std::string>>(outerScopeReads(*body));
    std::lock_guard<std::mutex> lock(cache.mutex);
    cache.entries[body.get()] = {body, reads};
    if (cache.entries.size() > cache.sweepAt) {
        for (auto it = cache.entries.begin(); it != cache.entries.end();)
            it = it->second.body.expired() ? cache.entries.erase(it) : std::next(it);
        cache.sweepAt = std::max<std::size_t>(4096, cache.entries.size() * 2);
    }
    return reads;
}

int64_t Model::opsetVersion(const std::string& d) const
{
    const std::string want = d == "ai.onnx" ? "" : d;
    for (const auto& o : opsets) {
        const std::string have = o.domain == "ai.onnx" ? "" : o.domain;
        if (have == want)
            return o.version;
    }
    return 0;
}

std::map<std::string, int> opCounts(const Graph& graph)
{
    std::map<std::string, int> counts;
    for (const auto& n : graph.nodes)
        ++counts[n.domain.empty() || n.domain == "ai.onnx" ? n.opType : n.domain + ":" + n.opType];
    return counts;
}

} // namespace netfold
