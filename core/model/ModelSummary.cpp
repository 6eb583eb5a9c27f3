#include "model/ModelSummary.h"

#include "model/DataType.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <sstream>

namespace netfold {

Json valueInfoJson(const std::string& name, const ValueType& type)
{
    Json v = Json::object();
    v.set("name", name);
    v.set("dtype", type.elemType ? Json(dtypeName(type.elemType)) : Json());
    if (type.hasShape) {
        Json shape = Json::array();
        for (const auto& d : type.dims) {
            if (d.known())
                shape.push(d.value);
            else if (!d.param.empty() && !d.placeholder())
                shape.push(d.param);
            else
                shape.push(Json()); // unknown, as '?' in text (unk__N placeholders too)
        }
        v.set("shape", shape);
    } else {
        v.set("shape", Json());
    }
    if (!type.kind.empty())
        v.set("kind", type.kind);
    return v;
}

std::map<std::string, int> opCountsTotal(const Graph& graph)
{
    std::map<std::string, int> counts;
    forEachGraph(graph, [&](const Graph& g) {
        for (const auto& kv : opCounts(g))
            counts[kv.first] += kv.second;
    });
    return counts;
}

std::string graphPathText(const Graph& root, const GraphPath& path)
{
    std::string s;
    const Graph* g = &root;
    for (const auto& step : path) {
        const Node* n = g ? g->findNode(step.node) : nullptr;
        s += (s.empty() ? "" : " / ") + (n ? n->opType + " '" + n->label() + "'" : std::string("node ") + std::to_string(step.node))
             + " / " + step.attribute;
        if (n) {
            const Graph* next = nullptr;
            for (const auto& sg : n->subgraphs)
                if (sg.attribute == step.attribute)
                    next = sg.graph.get();
            g = next;
        } else {
            g = nullptr;
        }
    }
    return s;
}

std::string nodePathText(const Graph& root, NodeId node)
{
    const auto path = pathToNode(root, node);
    if (!path)
        return {};
    const Graph* g = resolvePath(root, *path);
    const Node* n = g ? g->findNode(node) : nullptr;
    if (!n)
        return {};
    const std::string where = graphPathText(root, *path);
    return where.empty() ? n->label() : where + " / " + n->label();
}

std::size_t UnknownShapes::count() const
{
    std::size_t n = 0;
    for (const auto& g : groups)
        n += g.values.size();
    return n;
}

namespace {

/// Type of a value seen from a graph nested in `scopes` (innermost last).
ValueType scopedType(const std::vector<const Graph*>& scopes, const std::string& name)
{
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
        auto t = (*it)->types.find(name);
        if (t != (*it)->types.end())
            return t->second;
        for (const auto& v : (*it)->inputs)
            if (v.name == name && v.type.known())
                return v.type;
    }
    return {};
}

void collectUnknown(const Graph& g, std::vector<const Graph*>& scopes, const std::string& where,
                    std::map<std::string, std::vector<UnknownShapes::Value>>& groups, std::vector<std::string>& order)
{
    scopes.push_back(&g);
    auto add = [&](const std::string& reason, UnknownShapes::Value v) {
        if (!groups.count(reason))
            order.push_back(reason);
        groups[reason].push_back(std::move(v));
    };
    for (const auto& in : g.inputs) {
        if (g.findInitializer(in.name))
            continue;
        const ValueType t = in.type.hasShape ? in.type : g.typeOf(in.name);
        if (t.kind.empty() && !t.hasShape)
            add(where.empty() ? "graph input declared without a shape" : "body input declared without a shape",
                {in.name, where, {}});
    }
    for (const auto& n : g.nodes) {
        auto note = g.inferenceNotes.find(n.id);
        for (const auto& out : n.outputs) {
            if (out.empty())
                continue;
            const ValueType t = g.typeOf(out);
            if (!t.kind.empty() || t.hasShape)
                continue;
            std::string reason;
            if (note != g.inferenceNotes.end()) {
                reason = note->second;
                while (!reason.empty() && reason.back() == '.')
                    reason.pop_back();
            } else {
                bool inputUnknown = false;
                for (const auto& in : n.inputs)
                    if (!in.empty()) {
                        const ValueType it = scopedType(scopes, in);
                        inputUnknown = inputUnknown || (it.kind.empty() && !it.hasShape);
                    }
                if (inputUnknown)
                    reason = "an input's shape is unknown";
                else if (t.elemType)
                    reason = "shape inference gives " + n.opType + " a dtype but no shape here";
                else
                    reason = "shape inference infers nothing for " + n.opType + " here";
            }
            add(reason, {out, where, n.label()});
        }
        for (const auto& sg : n.subgraphs)
            collectUnknown(*sg.graph, scopes,
                           (where.empty() ? "" : where + " / ") + n.opType + " '" + n.label() + "' / " + sg.attribute,
                           groups, order);
    }
    scopes.pop_back();
}

} // namespace

UnknownShapes unknownShapes(const Model& model)
{
    std::map<std::string, std::vector<UnknownShapes::Value>> groups;
    std::vector<std::string> order;
    std::vector<const Graph*> scopes;
    collectUnknown(model.graph, scopes, "", groups, order);
    UnknownShapes u;
    for (const auto& reason : order)
        u.groups.push_back({reason, std::move(groups[reason])});
    std::stable_sort(u.groups.begin(), u.groups.end(),
                     [](const UnknownShapes::Group& a, const UnknownShapes::Group& b) { return a.values.size() > b.values.size(); });
    return u;
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
    if (model.producerName.empty() && model.producerVersion.empty())
        j.set("producer", Json()); // not recorded in the file
    else
        j.set("producer", model.producerName + (model.producerVersion.empty() ? "" : " " + model.producerVersion));
    j.set("graph_name", g.name);
    j.set("nodes", static_cast<int64_t>(g.nodes.size()));
    j.set("nodes_total", static_cast<int64_t>(g.totalNodeCount()));
    Json ops = Json::object();
    for (const auto& kv : opCounts(g))
        ops.set(kv.first, kv.second);
    j.set("op_counts", ops);
    Json opsTotal = Json::object();
    for (const auto& kv : opCountsTotal(g))
        opsTotal.set(kv.first, kv.second);
    j.set("op_counts_total", opsTotal);
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
    const UnknownShapes unknown = unknownShapes(model);
    j.set("shape_unknown_count", static_cast<int64_t>(unknown.count()));
    Json groups = Json::array();
    for (const auto& grp : unknown.groups) {
        Json x = Json::object();
        x.set("reason", grp.reason);
        x.set("count", static_cast<int64_t>(grp.values.size()));
        Json values = Json::array();
        for (const auto& v : grp.values) {
            Json y = Json::object();
            y.set("value", v.name);
            y.set("node", v.node.empty() ? Json() : Json(v.node));
            y.set("body", v.where.empty() ? Json() : Json(v.where));
            values.push(y);
        }
        x.set("values", values);
        groups.push(x);
    }
    j.set("shape_unknown", groups);
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
        out << " top level, " << g.totalNodeCount() << " with bodies";
    out << "\n";
    const auto top = opCounts(g);
    for (const auto& kv : opCountsTotal(g)) {
        auto it = top.find(kv.first);
        const int atTop = it == top.end() ? 0 : it->second;
        out << "  " << kv.first << std::string(kv.first.size() < 24 ? 24 - kv.first.size() : 1, ' ') << kv.second;
        if (atTop != kv.second)
            out << " (" << kv.second - atTop << " in bodies)";
        out << "\n";
    }
    out << "Initializers: " << count << " (" << formatBytes(bytes) << ")\n";
    out << "Subgraphs:    " << g.subgraphCount() << "\n";
    Notes notes;
    collectNotes(g, "", notes);
    if (!notes.items.empty()) {
        out << "Not inferred: " << notes.items.size() << " node(s)\n";
        for (const auto& [node, note] : notes.items)
            out << "  " << node << ": " << note << "\n";
    }
    const UnknownShapes unknown = unknownShapes(model);
    if (unknown.count()) {
        out << "Shape unknown: " << unknown.count() << " value(s)\n";
        for (const auto& grp : unknown.groups) {
            out << "  " << grp.reason << " (" << grp.values.size() << "):\n";
            // One paragraph per graph: "    in If 'x' / then_branch: a, b, c".
            std::vector<std::string> wheres;
            for (const auto& v : grp.values)
                if (std::find(wheres.begin(), wheres.end(), v.where) == wheres.end())
                    wheres.push_back(v.where);
            for (const auto& where : wheres) {
                std::string line = "    " + (where.empty() ? std::string("main graph") : "in " + where) + ":";
                bool first = true;
                for (const auto& v : grp.values) {
                    if (v.where != where)
                        continue;
                    if (line.size() + v.name.size() > 100 && !first) {
                        out << line << ",\n";
                        line = "     ";
                        first = true;
                    }
                    line += (first ? " " : ", ") + v.name;
                    first = false;
                }
                out << line << "\n";
            }
        }
    }
    for (const auto& w : model.warnings)
        out << "Warning: " << w << "\n";
    return out.str();
}

} // namespace netfold
