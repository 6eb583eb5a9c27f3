#include "layout/LayoutGraph.h"

#include "model/DataType.h"

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string_view>
#include <unordered_set>

namespace netfold {

namespace {

constexpr const char* kTimes = "\u00d7";   // ×
constexpr const char* kLangle = "\u27e8";  // ⟨
constexpr const char* kRangle = "\u27e9";  // ⟩
constexpr std::size_t kMaxRowText = 48;

std::string formatDouble(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

std::string truncate(std::string s)
{
    if (s.size() <= kMaxRowText)
        return s;
    // Cut on a UTF-8 character boundary.
    std::size_t cut = kMaxRowText;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;
    s.resize(cut);
    return s + "\u2026";
}

std::string dimsText(const std::vector<int64_t>& dims)
{
    std::string s = kLangle;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (i)
            s += kTimes;
        s += std::to_string(dims[i]);
    }
    return s + kRangle;
}

/// "= 0", "= [0, 64, -1]" for small readable tensors; "⟨8×3×3×3⟩" otherwise.
std::string tensorText(const Tensor& t, int maxShown)
{
    const bool readable = t.storage() != Tensor::Storage::External && isNumericType(t.dtype()) &&
                          t.numel() <= maxShown && t.numel() > 0;
    if (readable) {
        try {
            std::string s = "= ";
            if (t.rank() > 0)
                s += "[";
            for (int64_t i = 0; i < t.numel(); ++i) {
                if (i)
                    s += ", ";
                s += isFloatType(t.dtype()) ? formatDouble(t.at(i)) : std::to_string(t.intAt(i));
            }
            if (t.rank() > 0)
                s += "]";
            return s;
        } catch (const std::exception&) {
            // Unreadable data: fall back to the shape.
        }
    }
    return dimsText(t.dims());
}

std::string attributeText(const onnx::AttributeProto& a)
{
    using A = onnx::AttributeProto;
    auto list = [](const auto& values, auto fmt) {
        std::string s;
        int n = 0;
        for (const auto& v : values) {
            if (n++)
                s += ", ";
            s += fmt(v);
            if (s.size() > kMaxRowText)
                break;
        }
        return s;
    };
    switch (a.type()) {
    case A::INT:
        return std::to_string(a.i());
    case A::FLOAT:
        return formatDouble(a.f());
    case A::STRING:
        return a.s();
    case A::INTS:
        return list(a.ints(), [](int64_t v) { return std::to_string(v); });
    case A::FLOATS:
        return list(a.floats(), [](float v) { return formatDouble(v); });
    case A::STRINGS:
        return list(a.strings(), [](const std::string& v) { return v; });
    case A::TENSOR: {
        std::vector<int64_t> dims(a.t().dims().begin(), a.t().dims().end());
        return dimsText(dims);
    }
    case A::GRAPH:
        return "graph";
    default:
        return "\u2026";
    }
}

/// Input names of an op's schema (empty when ONNX does not know the op).
std::vector<std::string> schemaInputs(const std::string& opType, const std::string& domain, int64_t opset)
{
    const std::string dom = domain == "ai.onnx" ? std::string() : domain;
    const onnx::OpSchema* schema = opset > 0 && dom.empty()
                                       ? onnx::OpSchemaRegistry::Schema(opType, static_cast<int>(opset), dom)
                                       : onnx::OpSchemaRegistry::Schema(opType, dom);
    if (!schema && dom.empty())
        schema = onnx::OpSchemaRegistry::Schema(opType, dom);
    std::vector<std::string> names;
    if (schema)
        for (const auto& p : schema->inputs())
            names.push_back(p.GetName());
    return names;
}

std::string inputName(const std::vector<std::string>& names, std::size_t n)
{
    if (names.empty())
        return "input " + std::to_string(n);
    return n < names.size() ? names[n] : names.back();
}

/// Schema input names per op, looked up once per op type of a graph.
class SchemaNames {
public:
    explicit SchemaNames(int64_t opset) : m_opset(opset) {}
    std::string name(const std::string& op, const std::string& domain, std::size_t n)
    {
        std::string key = domain;
        key += '\n';
        key += op;
        auto it = m_names.find(key);
        if (it == m_names.end())
            it = m_names.emplace(std::move(key), schemaInputs(op, domain, m_opset)).first;
        return inputName(it->second, n);
    }

private:
    int64_t m_opset;
    std::unordered_map<std::string, std::vector<std::string>> m_names;
};

} // namespace

int LayoutGraph::findNode(NodeId id) const
{
    auto it = nodeOf.find(id);
    return it == nodeOf.end() ? -1 : it->second;
}

std::string shapeLabel(const ValueType& type)
{
    if (!type.hasShape)
        return {};
    if (type.dims.empty())
        return "scalar";
    std::string s;
    for (std::size_t i = 0; i < type.dims.size(); ++i) {
        if (i)
            s += kTimes;
        s += type.dims[i].toString();
    }
    return s;
}

std::string schemaInputName(const std::string& opType, const std::string& domain, int64_t opset, std::size_t n)
{
    return inputName(schemaInputs(opType, domain, opset), n);
}

LayoutGraph buildLayoutGraph(const Graph& graph, const LayoutGraphOptions& options)
{
    // Light indexes keyed by views into the graph's own strings (GraphIndex allocates a copy of
    // every name, which dominates on 20k-node graphs).
    using View = std::string_view;
    LayoutGraph lg;
    std::unordered_map<View, const Initializer*> initializers;
    initializers.reserve(graph.initializers.size() * 2);
    for (const Initializer& i : graph.initializers)
        initializers.emplace(i.name, &i);
    std::unordered_set<View> graphOutputs;
    for (const ValueInfo& o : graph.outputs)
        graphOutputs.insert(o.name);
    static const ValueType kUnknown;
    auto typeOf = [&graph](const std::string& v) -> const ValueType& {
        auto it = graph.types.find(v);
        return it == graph.types.end() ? kUnknown : it->second;
    };
    SchemaNames schemas(options.opset);

    // Constants drawn inside their consumers: Constant nodes whose outputs are read by nodes only.
    std::unordered_map<View, const Node*> constantOf;
    std::vector<bool> inlined(graph.nodes.size(), false);
    if (options.inlineConstants) {
        for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
            const Node& n = graph.nodes[i];
            if (n.opType != "Constant" || !(n.domain.empty() || n.domain == "ai.onnx") || n.outputs.size() != 1)
                continue;
            const std::string& out = n.outputs[0];
            if (!out.empty() && !graphOutputs.count(out))
                constantOf.emplace(out, &n);
        }
        // Only constants somebody reads are inlined (a dead Constant stays a node).
        std::unordered_set<View> read;
        for (const Node& n : graph.nodes)
            for (const std::string& in : n.inputs)
                if (!in.empty() && constantOf.count(in))
                    read.insert(in);
        for (auto it = constantOf.begin(); it != constantOf.end();) {
            if (read.count(it->first)) {
                inlined[static_cast<std::size_t>(it->second - graph.nodes.data())] = true;
                ++it;
            } else {
                it = constantOf.erase(it);
            }
        }
    }

    std::unordered_map<View, int> producerNode; // value -> drawn node
    producerNode.reserve(graph.nodes.size() * 2 + graph.inputs.size());
    std::vector<const Node*> source;            // drawn node -> graph node (Op only)
    lg.nodes.reserve(graph.nodes.size() + graph.inputs.size() + graph.outputs.size());
    lg.nodeOf.reserve(graph.nodes.size());
    source.reserve(lg.nodes.capacity());
    for (const ValueInfo& in : graph.inputs) {
        if (initializers.count(in.name))
            continue; // drawn inside its consumers
        LayoutNode ln;
        ln.kind = LayoutNodeKind::Input;
        ln.title = in.name;
        ln.name = in.name;
        const ValueType& t = typeOf(in.name);
        if (t.known())
            ln.rows.push_back({NodeRow::Kind::Type, {}, t.toString(), in.name, kNoNode});
        const int idx = static_cast<int>(lg.nodes.size());
        producerNode[in.name] = idx;
        lg.inputOf[in.name] = idx;
        lg.nodes.push_back(std::move(ln));
        source.push_back(nullptr);
    }

    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        if (inlined[i])
            continue;
        const Node& n = graph.nodes[i];
        LayoutNode ln;
        ln.kind = LayoutNodeKind::Op;
        ln.id = n.id;
        ln.title = n.opType;
        ln.opType = n.opType;
        ln.domain = n.domain;
        ln.name = n.name;
        const int idx = static_cast<int>(lg.nodes.size());
        lg.nodeOf[n.id] = idx;
        for (std::size_t k = 0; k < n.inputs.size(); ++k) {
            const std::string& in = n.inputs[k];
            if (in.empty())
                continue;
            auto init = initializers.find(in);
            if (init != initializers.end()) {
                if (options.initializers)
                    ln.rows.push_back({NodeRow::Kind::Initializer, schemas.name(n.opType, n.domain, k),
                                       truncate(tensorText(*init->second->tensor, options.maxShownElements)), in,
                                       kNoNode});
                continue;
            }
            auto c = constantOf.find(in);
            if (c == constantOf.end())
                continue;
            const Node* cn = c->second;
            lg.nodeOf.emplace(cn->id, idx); // first consumer
            if (options.initializers) {
                std::string text;
                if (TensorPtr t = cn->attrTensor("value"))
                    text = tensorText(*t, options.maxShownElements);
                else if (!cn->attributeNames().empty())
                    text = "= " + attributeText(*cn->attribute(cn->attributeNames().front()));
                else
                    text = shapeLabel(typeOf(in));
                ln.rows.push_back({NodeRow::Kind::Constant, schemas.name(n.opType, n.domain, k), truncate(text), in,
                                   cn->id});
            }
        }
        if (options.attributes && n.proto) {
            for (const auto& a : n.proto->attribute()) {
                if (a.type() == onnx::AttributeProto::GRAPH || a.type() == onnx::AttributeProto::GRAPHS)
                    continue;
                ln.rows.push_back({NodeRow::Kind::Attribute, a.name(), truncate(attributeText(a)), {}, kNoNode});
            }
        }
        for (const Subgraph& sg : n.subgraphs) {
            const std::size_t count = sg.graph ? sg.graph->totalNodeCount() : 0;
            ln.rows.push_back({NodeRow::Kind::Subgraph, sg.attribute,
                               std::to_string(count) + (count == 1 ? " node" : " nodes"), {}, kNoNode});
        }
        for (const std::string& out : n.outputs)
            if (!out.empty())
                producerNode[out] = idx;
        lg.nodes.push_back(std::move(ln));
        source.push_back(&n);
    }

    for (const ValueInfo& out : graph.outputs) {
        LayoutNode ln;
        ln.kind = LayoutNodeKind::Output;
        ln.title = out.name;
        ln.name = out.name;
        const ValueType& t = typeOf(out.name);
        if (t.known())
            ln.rows.push_back({NodeRow::Kind::Type, {}, t.toString(), out.name, kNoNode});
        lg.outputOf[out.name] = static_cast<int>(lg.nodes.size());
        lg.nodes.push_back(std::move(ln));
        source.push_back(nullptr);
    }

    // Edges: one per (value, consumer), in the consumer's input order (so a node's first in-edge
    // is its data input).
    lg.edges.reserve(graph.nodes.size() * 3 / 2);
    // One shape label per value (a value read by several nodes gives several edges).
    // Keyed by the value's type entry (stable in the graph's table), not by a name that may live in
    // a temporary (outer-scope reads).
    std::unordered_map<const ValueType*, std::string> labels;
    labels.reserve(graph.nodes.size() * 2);
    auto labelOf = [&](const std::string& v) -> const std::string& {
        const ValueType& t = typeOf(v);
        auto it = labels.find(&t);
        if (it == labels.end())
            it = labels.emplace(&t, shapeLabel(t)).first;
        return it->second;
    };
    std::vector<const std::string*> reads;
    std::vector<std::string> outer;
    for (std::size_t i = 0; i < lg.nodes.size(); ++i) {
        const LayoutNode& ln = lg.nodes[i];
        reads.clear();
        if (ln.kind == LayoutNodeKind::Op) {
            const Node* n = source[i];
            for (const std::string& in : n->inputs)
                reads.push_back(&in);
            // Values a subgraph reads from this scope are inputs too.
            outer.clear();
            for (const Subgraph& sg : n->subgraphs)
                if (sg.graph)
                    for (std::string& r : outerScopeReads(*sg.graph))
                        outer.push_back(std::move(r));
            for (const std::string& r : outer)
                reads.push_back(&r);
        } else if (ln.kind == LayoutNodeKind::Output) {
            reads.push_back(&ln.name);
        }
        const std::size_t first = lg.edges.size();
        for (const std::string* v : reads) {
            if (v->empty())
                continue;
            auto p = producerNode.find(*v);
            if (p == producerNode.end() || p->second == static_cast<int>(i))
                continue;
            bool seen = false;
            for (std::size_t e = first; e < lg.edges.size() && !seen; ++e)
                seen = lg.edges[e].value == *v;
            if (seen)
                continue;
            lg.edges.push_back({p->second, static_cast<int>(i), *v, labelOf(*v)});
        }
    }
    return lg;
}

} // namespace netfold
