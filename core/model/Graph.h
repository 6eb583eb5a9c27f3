#pragma once
#include "model/Tensor.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace onnx {
class NodeProto;
class AttributeProto;
class ModelProto;
class SparseTensorProto;
} // namespace onnx

namespace netfold {

/// Stable node identity, given at import (1, 2, ... in file order, subgraphs included) and to
/// every node a pass creates. ONNX node names may be empty or repeated; NodeIds never are.
using NodeId = uint32_t;
constexpr NodeId kNoNode = 0;

/// One dimension: a known size (value >= 0), a symbolic name (param), or unknown (neither).
struct Dim {
    int64_t value = -1;
    std::string param;
    bool known() const { return value >= 0; }
    /// An "unk__N" name: one ONNX shape inference makes up for a dim it could not infer (still
    /// unknown, and not a name anyone gave it).
    bool placeholder() const { return !known() && param.rfind("unk__", 0) == 0; }
    /// "64", "batch", or "?" for an unknown dim (placeholder names included).
    std::string toString() const { return known() ? std::to_string(value) : param.empty() || placeholder() ? "?" : param; }
    bool operator==(const Dim& o) const { return value == o.value && param == o.param; }
    bool operator!=(const Dim& o) const { return !(*this == o); }
};

/// Type of a value: element dtype plus, when known, a shape of static and symbolic dims.
struct ValueType {
    int32_t elemType = 0;
    bool hasShape = false;
    std::vector<Dim> dims;
    /// "" for tensors; "sequence", "optional", "map" or "sparse" for the other ONNX types.
    std::string kind;

    bool known() const { return elemType != 0 || hasShape || !kind.empty(); }
    /// True when the shape is known and every dim is a number.
    bool isStatic() const;
    /// The dims when static.
    std::optional<std::vector<int64_t>> staticDims() const;
    /// "float[batch,3,64,64]", "int64[?]", "float" (unknown shape), "?" (nothing known).
    std::string toString() const;
    /// "[batch,3,64,64]" or "?".
    std::string shapeString() const;
    bool operator==(const ValueType& o) const
    {
        return elemType == o.elemType && hasShape == o.hasShape && dims == o.dims && kind == o.kind;
    }
};

/// Value name -> type, shared between graph snapshots until one of them changes it
/// (copy-on-write), so copying a Graph does not copy every type.
class TypeTable {
public:
    using Map = std::unordered_map<std::string, ValueType>;
    using const_iterator = Map::const_iterator;

    TypeTable() : m_map(std::make_shared<Map>()) {}
    TypeTable& operator=(Map map)
    {
        m_map = std::make_shared<Map>(std::move(map));
        return *this;
    }
    const_iterator find(const std::string& name) const { return m_map->find(name); }
    const_iterator begin() const { return m_map->begin(); }
    const_iterator end() const { return m_map->end(); }
    std::size_t count(const std::string& name) const { return m_map->count(name); }
    std::size_t size() const { return m_map->size(); }
    bool empty() const { return m_map->empty(); }
    const ValueType& at(const std::string& name) const { return m_map->at(name); }
    /// Writable entry (detaches from other snapshots first).
    ValueType& operator[](const std::string& name)
    {
        detach();
        return (*m_map)[name];
    }
    std::size_t erase(const std::string& name)
    {
        if (!m_map->count(name))
            return 0;
        detach();
        return m_map->erase(name);
    }
    void clear() { m_map = std::make_shared<Map>(); }

private:
    void detach()
    {
        if (m_map.use_count() > 1)
            m_map = std::make_shared<Map>(*m_map);
    }
    std::shared_ptr<Map> m_map;
};

struct ValueInfo {
    std::string name;
    ValueType type;
    std::string docString;
    /// Serialized fields ONNX 1.12's schema does not have (metadata_props of IR 10), written back as read.
    std::string unknownFields;
};

struct Graph;

/// A graph attribute of a node (If's then/else_branch, Loop's and Scan's body).
struct Subgraph {
    std::string attribute;
    std::shared_ptr<const Graph> graph;
};

/// One operator application. The original NodeProto is kept for lossless save; its inputs and
/// outputs are superseded by the fields here, its graph attributes by `subgraphs`.
struct Node {
    NodeId id = kNoNode;
    std::string name;
    std::string opType;
    std::string domain;
    std::vector<std::string> inputs;
    std::vector<std::string> outputs;
    std::shared_ptr<const onnx::NodeProto> proto;
    std::vector<Subgraph> subgraphs;

    /// "Reshape_12" style label: the name, or op type plus id when unnamed.
    std::string label() const;
    /// The attribute, or nullptr.
    const onnx::AttributeProto* attribute(const std::string& name) const;
    bool hasAttribute(const std::string& name) const { return attribute(name) != nullptr; }
    int64_t attrInt(const std::string& name, int64_t fallback) const;
    float attrFloat(const std::string& name, float fallback) const;
    std::string attrString(const std::string& name, const std::string& fallback = {}) const;
    std::vector<int64_t> attrInts(const std::string& name) const;
    std::vector<float> attrFloats(const std::string& name) const;
    /// A tensor attribute ("value" of Constant), decoded lazily; nullptr when absent.
    TensorPtr attrTensor(const std::string& name) const;
    /// Names of all attributes, in file order.
    std::vector<std::string> attributeNames() const;
    /// Input i, or "" when absent or omitted.
    const std::string& input(std::size_t i) const;
};

/// A named initializer (a constant input of the graph).
struct Initializer {
    std::string name;
    TensorPtr tensor;
};

/// A graph (main graph or subgraph). Value semantics: copies are cheap enough to keep one per
/// pipeline step (tensors are shared, never copied).
struct Graph {
    std::string name;
    std::string docString;
    /// Serialized fields ONNX 1.12's schema does not have (metadata_props of IR 10), written back as read.
    std::string unknownFields;
    std::vector<Node> nodes;
    std::vector<ValueInfo> inputs;
    std::vector<ValueInfo> outputs;
    std::vector<Initializer> initializers;
    /// Everything known about every value's type (graph inputs, outputs, initializers, intermediates).
    TypeTable types;
    /// Why shape inference could not infer a node's outputs, by node.
    std::map<NodeId, std::string> inferenceNotes;
    /// Sparse initializers, kept as they were.
    std::vector<std::shared_ptr<const onnx::SparseTensorProto>> sparseInitializers;

    const Node* findNode(NodeId id) const;
    Node* findNode(NodeId id);
    const Initializer* findInitializer(const std::string& name) const;
    /// Type of a value, or an empty type when unknown.
    ValueType typeOf(const std::string& name) const;
    /// Every node in this graph and its subgraphs, depth first.
    std::size_t totalNodeCount() const;
    /// Number of If/Loop/Scan bodies below this graph.
    std::size_t subgraphCount() const;
};

/// One level down into a subgraph: a node and one of its graph attributes.
struct GraphPathStep {
    NodeId node = kNoNode;
    std::string attribute;
    bool operator==(const GraphPathStep& o) const { return node == o.node && attribute == o.attribute; }
    bool operator!=(const GraphPathStep& o) const { return !(*this == o); }
};

/// The way from a main graph down to one of its subgraphs; empty for the main graph itself.
/// NodeIds are unique in a model, so one path leads to the same body in every snapshot of it
/// that still has the node.
using GraphPath = std::vector<GraphPathStep>;

/// Calls visit on graph and on every If/Loop/Scan body below it, depth first.
void forEachGraph(const Graph& graph, const std::function<void(const Graph&)>& visit);

/// The graph that path leads to below graph, or nullptr when a node or attribute on the way is
/// not there.
const Graph* resolvePath(const Graph& graph, const GraphPath& path);
/// The path to the graph (graph itself or a subgraph below it) holding node; nullopt when none does.
std::optional<GraphPath> pathToNode(const Graph& graph, NodeId node);

/// Who produces and who consumes each value of one graph. Built once per graph snapshot.
class GraphIndex {
public:
    explicit GraphIndex(const Graph& graph);
    /// Index in graph.nodes of the node producing name, or -1 (graph input, initializer, outer scope).
    int producer(const std::string& name) const;
    /// Indices of the nodes reading name (a node reading it twice appears twice).
    const std::vector<int>& consumers(const std::string& name) const;
    bool isGraphOutput(const std::string& name) const;
    bool isGraphInput(const std::string& name) const;
    const Initializer* initializer(const std::string& name) const;
    /// Index of a node by id, or -1.
    int nodeIndex(NodeId id) const;
    /// Number of uses of a value, graph outputs and subgraph reads counted.
    std::size_t useCount(const std::string& name) const;

private:
    /// Everything known about one value name, in one entry (one key copy per name).
    struct Value {
        int producer = -1;
        bool graphOutput = false;
        bool graphInput = false;
        const Initializer* initializer = nullptr;
        std::size_t subgraphReads = 0;
        std::vector<int> consumers;
    };
    const Value* find(const std::string& name) const;

    std::unordered_map<std::string, Value> m_values;
    std::unordered_map<NodeId, int> m_nodeIndex;
};

/// Names a subgraph reads from enclosing scopes (inputs not produced or declared inside it).
std::vector<std::string> outerScopeReads(const Graph& graph);
/// The same for a body held by a node: remembered while the body lives, as a shared body is
/// never changed (edits copy it and replace the pointer). Thread-safe.
std::shared_ptr<const std::vector<std::string>> outerScopeReads(const std::shared_ptr<const Graph>& body);

struct OpsetImport {
    std::string domain;
    int64_t version = 0;
};

/// A whole model: the main graph plus what the file says about it.
struct Model {
    int64_t irVersion = 0;
    std::vector<OpsetImport> opsets;
    std::string producerName;
    std::string producerVersion;
    std::string domain;
    int64_t modelVersion = 0;
    std::string docString;
    std::vector<std::pair<std::string, std::string>> metadata;
    /// Parts netfold does not model (functions, training info), copied through on save.
    std::shared_ptr<const onnx::ModelProto> extras;
    Graph graph;
    /// The file it was loaded from ("" for built models) and its directory (for external data).
    std::string sourcePath;
    std::string baseDir;
    /// Notes from loading (missing external data, unknown domains ...).
    std::vector<std::string> warnings;
    /// Next NodeId to hand out.
    NodeId nextNodeId = 1;

    /// Opset version imported for a domain ("" and "ai.onnx" are the same), or 0.
    int64_t opsetVersion(const std::string& domain = "") const;
    NodeId newNodeId() { return nextNodeId++; }
};

/// Op type counts of a graph (top level only), sorted; custom-domain ops as "domain:Op".
std::map<std::string, int> opCounts(const Graph& graph);

} // namespace netfold
