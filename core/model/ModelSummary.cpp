#include "ModelSummary.h"

#include "DataType.h"

#include <cstdio>
#include <functional>
#include <sstream>

namespace netfold {

Json valueInfoJson(const std::string& name, const ValueType& type)
{
    Json v = Json::object();
    v.set("name", name);
    v.set("dtype", type.elemType ? dtypeName(type.elemType) : std::string("?"));
    if (type.hasShape) {
        Json shape = Json::array();
        for (const auto& d : type.dims) {
            if (d.known())
                shape.push(d.value);
            else if (!d.param.empty())
                shape.push(d.param);
            else
                shape.push(Json());
        }
        v.set("shape", shape);
    } else {
        v.set("shape", Json());
    }
    if (!type.kind.empty())
        v.set("kind", type.kind);
    return v;
}

namespace {

struct Notes {
    std::vector<std::pair<std::string, std::string>> items; // node label, note
};

void collectNotes(const Graph& g, const std::string& prefix, Notes& notes)
{
    for (const auto& n : g.nodes) {
        auto it = g.inferenceNotes.find(n.id);
        if (it != g.inferenceNotes.end())
            notes.items.emplace_back(prefix + n.label(), it->second);
        for (const auto& sg : n.subgraphs)
            collectNotes(*sg.graph, prefix + n.label() + "/" + sg.attribute + "/", notes);
    }
}

uint64_t initializerBytes(const Graph& g, std::size_t& count)
{
    uint64_t bytes = 0;
    for (const auto& i : g.initializers) {
        bytes += i.tensor->byteSize();
        ++count;
    }
    return bytes;
}

} // namespace

Json modelInfoJson(const Model& model)
{
    const Graph& g = model.graph;
    Json j = Json::object();
    if (!model.sourcePath.empty())
        j.set("file", model.sourcePath);
    j.set("ir_version", model.irVersion);
    Json opsets = Json::object();
    for (const auto& o : model.opsets)
        opsets.set(o.domain.empty() ? "ai.onnx" : o.domain, o.version);
    j.set("opsets", opsets);
    j.set("producer", model.producerName + (model.producerVersion.empty() ? "" : " " + model.producerVersion));
    j.set("graph_name", g.name);
    j.set("nodes", static_cast<int64_t>(g.nodes.size()));
    j.set("nodes_total", static_cast<int64_t>(g.totalNodeCount()));
    Json ops = Json::object();
    for (const auto& kv : opCounts(g))
        ops.set(kv.first, kv.second);
    j.set("op_counts", ops);
    Json inputs = Json::array();
    for (const auto& v : g.inputs) {
        if (g.findInitializer(v.name))
            continue; // initializers listed as inputs (IR < 4) are not real inputs
        inputs.push(valueInfoJson(v.name, v.type.known() ? v.type : g.typeOf(v.name)));
    }
    j.set("inputs", inputs);
    Json outputs = Json::array();
    for (const auto& v : g.outputs) {
        const ValueType t = g.typeOf(v.name).known() ? g.typeOf(v.name) : v.type;
        outputs.push(valueInfoJson(v.name, t));
    }
    j.set("outputs", outputs);
    std::size_t count = 0;
    const uint64_t bytes = initializerBytes(g, count);
    Json inits = Json::object();
    inits.set("count", static_cast<int64_t>(count));
    inits.set("bytes", static_cast<int64_t>(bytes));
    j.set("initializers", inits);
    j.set("subgraphs", static_cast<int64_t>(g.subgraphCount()));
    Notes notes;
    collectNotes(g, "", notes);
    Json not_inferred = Json::array();
    for (const auto& [node, note] : notes.items) {
        Json n = Json::object();
        n.set("node", node);
        n.set("reason", note);
        not_inferred.push(n);
    }
    j.set("not_inferred", not_inferred);
    Json warnings = Json::array();
    for (const auto& w : model.warnings)
        warnings.push(w);
    j.set("warnings", warnings);
    return j;
}

std::string modelInfoText(const Model& model)
{
    const Graph& g = model.graph;
    std::ostringstream out;
    if (!model.sourcePath.empty())
        out << "Model:        " << model.sourcePath << "\n";
    out << "IR version:   " << model.irVersion << "\n";
    out << "Opsets:       ";
    for (std::size_t i = 0; i < model.opsets.size(); ++i)
        out << (i ? ", " : "") << (model.opsets[i].domain.empty() ? "ai.onnx" : model.opsets[i].domain) << " "
            << model.opsets[i].version;
    out << "\n";
    out << "Producer:     " << (model.producerName.empty() ? "?" : model.producerName) << " " << model.producerVersion
        << "\n";
    out << "Inputs:\n";
    for (const auto& v : g.inputs)
        if (!g.findInitializer(v.name))
            out << "  " << v.name << "  " << (v.type.known() ? v.type : g.typeOf(v.name)).toString() << "\n";
    out << "Outputs:\n";
    for (const auto& v : g.outputs) {
        const ValueType t = g.typeOf(v.name).known() ? g.typeOf(v.name) : v.type;
        out << "  " << v.name << "  " << t.toString() << "\n";
    }
    std::size_t count = 0;
    const uint64_t bytes = initializerBytes(g, count);
    out << "Nodes:        " << g.nodes.size();
    if (g.totalNodeCount() != g.nodes.size())
        out << " (" << g.totalNodeCount() << " with subgraphs)";
    out << "\n";
    for (const auto& kv : opCounts(g))
        out << "  " << kv.first << std::string(kv.first.size() < 24 ? 24 - kv.first.size() : 1, ' ') << kv.second
            << "\n";
    out << "Initializers: " << count << " (" << formatBytes(bytes) << ")\n";
    out << "Subgraphs:    " << g.subgraphCount() << "\n";
    Notes notes;
    collectNotes(g, "", notes);
    if (!notes.items.empty()) {
        out << "Not inferred: " << notes.items.size() << " node(s)\n";
        for (const auto& [node, note] : notes.items)
            out << "  " << node << ": " << note << "\n";
    }
    for (const auto& w : model.warnings)
        out << "Warning: " << w << "\n";
    return out.str();
}

} // namespace netfold
