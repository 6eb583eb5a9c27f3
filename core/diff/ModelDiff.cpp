#include "diff/ModelDiff.h"

#include "model/DataType.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace netfold {

namespace {

std::string nodeKey(const Node& n)
{
    if (!n.name.empty())
        return "name:" + n.name;
    std::string k = "anon:" + n.opType + "(";
    for (const auto& i : n.inputs)
        k += i + ",";
    return k + ")";
}

std::string joinPath(const std::string& where, const Node& n, const std::string& attribute)
{
    return (where.empty() ? "" : where + " / ") + n.opType + " '" + n.label() + "' / " + attribute;
}

std::string number(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

template <typename Seq, typename F>
std::string listText(const Seq& seq, F f)
{
    std::string s = "[";
    int k = 0;
    for (const auto& x : seq) {
        if (k == 16) {
            s += ", ... (" + std::to_string(seq.size()) + " values)";
            break;
        }
        s += (k++ ? ", " : "") + f(x);
    }
    return s + "]";
}

std::string dimsText(const std::vector<int64_t>& dims)
{
    return listText(dims, [](int64_t d) { return std::to_string(d); });
}

std::string tensorText(const Tensor& t)
{
    std::string s = (t.dtype() ? dtypeName(t.dtype()) : std::string("?")) + dimsText(t.dims());
    if (t.numel() <= 8 && isNumericType(t.dtype())) {
        try {
            s += " " + listText(t.toDouble(), [](double v) { return number(v); });
        } catch (const std::exception&) {
            // values not readable (external data): the type says enough
        }
    }
    return s;
}

/// An attribute's value as text ("[1, 1]", "0.5", "'NOTSET'", "float[64] [...]", "graph").
std::string attributeText(const Node& n, const onnx::AttributeProto& a)
{
    using A = onnx::AttributeProto;
    switch (a.type()) {
    case A::INT: return std::to_string(a.i());
    case A::FLOAT: return number(a.f());
    case A::STRING: return "'" + a.s() + "'";
    case A::INTS: return listText(a.ints(), [](int64_t v) { return std::to_string(v); });
    case A::FLOATS: return listText(a.floats(), [](float v) { return number(v); });
    case A::STRINGS: return listText(a.strings(), [](const std::string& v) { return "'" + v + "'"; });
    case A::TENSOR:
        try {
            if (auto t = n.attrTensor(a.name()))
                return tensorText(*t);
        } catch (const std::exception&) {
        }
        return "tensor";
    case A::GRAPH: return "graph";
    case A::GRAPHS: return std::to_string(a.graphs_size()) + " graphs";
    default: return "(" + std::to_string(a.ByteSizeLong()) + " bytes)";
    }
}

std::map<std::string, const onnx::AttributeProto*> attributes(const Node& n)
{
    std::map<std::string, const onnx::AttributeProto*> out;
    if (n.proto)
        for (const auto& a : n.proto->attribute())
            if (a.type() != onnx::AttributeProto::GRAPH && a.type() != onnx::AttributeProto::GRAPHS)
                out[a.name()] = &a; // bodies are compared node by node
    return out;
}

std::string namesText(const std::vector<std::string>& names)
{
    return listText(names, [](const std::string& v) { return v.empty() ? std::string("''") : v; });
}

void compareInterface(const std::vector<ValueInfo>& a, const std::vector<ValueInfo>& b, const Graph& ga,
                      const Graph& gb, const char* what, std::vector<std::string>& out)
{
    std::map<std::string, ValueType> ma, mb;
    for (const auto& v : a)
        if (!ga.findInitializer(v.name))
            ma[v.name] = v.type.known() ? v.type : ga.typeOf(v.name);
    for (const auto& v : b)
        if (!gb.findInitializer(v.name))
            mb[v.name] = v.type.known() ? v.type : gb.typeOf(v.name);
    for (const auto& [name, t] : ma) {
        auto it = mb.find(name);
        if (it == mb.end())
            out.push_back(std::string(what) + " '" + name + "' removed");
        else if (!(it->second == t))
            out.push_back(std::string(what) + " '" + name + "' " + t.toString() + " -> " + it->second.toString());
    }
    for (const auto& [name, t] : mb)
        if (!ma.count(name))
            out.push_back(std::string(what) + " '" + name + "' added (" + t.toString() + ")");
}

struct Collected {
    std::vector<std::pair<ModelDiff::NodeRef, const Node*>> onlyA, onlyB;
};

void allNodes(const Graph& g, const std::string& where, std::vector<std::pair<ModelDiff::NodeRef, const Node*>>& out)
{
    for (const auto& n : g.nodes) {
        out.push_back({{n.label(), n.opType, where}, &n});
        for (const auto& sg : n.subgraphs)
            allNodes(*sg.graph, joinPath(where, n, sg.attribute), out);
    }
}

void compareNode(const Node& n, const Node& m, const std::string& where, ModelDiff& d)
{
    ModelDiff::Changed c{n.label(), n.opType, where, {}};
    if (n.opType != m.opType || n.domain != m.domain)
        c.changes.push_back({"op type", (n.domain.empty() ? "" : n.domain + ":") + n.opType,
                             (m.domain.empty() ? "" : m.domain + ":") + m.opType});
    auto ports = [&](const std::vector<std::string>& x, const std::vector<std::string>& y, const char* one,
                     const char* all) {
        if (x == y)
            return;
        if (x.size() != y.size()) {
            c.changes.push_back({all, namesText(x), namesText(y)});
            return;
        }
        for (std::size_t k = 0; k < x.size(); ++k)
            if (x[k] != y[k])
                c.changes.push_back({std::string(one) + " " + std::to_string(k), x[k], y[k]});
    };
    ports(n.inputs, m.inputs, "input", "inputs");
    ports(n.outputs, m.outputs, "output", "outputs");
    const auto aa = attributes(n), ab = attributes(m);
    for (const auto& [name, attr] : aa) {
        auto j = ab.find(name);
        if (j == ab.end())
            c.changes.push_back({"attribute '" + name + "'", attributeText(n, *attr), ""});
        else if (attr->SerializeAsString() != j->second->SerializeAsString())
            c.changes.push_back({"attribute '" + name + "'", attributeText(n, *attr), attributeText(m, *j->second)});
    }
    for (const auto& [name, attr] : ab)
        if (!aa.count(name))
            c.changes.push_back({"attribute '" + name + "'", "", attributeText(m, *attr)});
    if (!c.changes.empty())
        d.changed.push_back(std::move(c));
}

void compareInitializers(const Graph& a, const Graph& b, const std::string& where, ModelDiff& d)
{
    std::map<std::string, const Tensor*> ib;
    for (const auto& i : b.initializers)
        ib[i.name] = i.tensor.get();
    for (const auto& i : a.initializers) {
        auto it = ib.find(i.name);
        if (it == ib.end()) {
            d.initializersOnlyInA.push_back({i.name, where, tensorText(*i.tensor), ""});
            continue;
        }
        const Tensor& x = *i.tensor;
        const Tensor& y = *it->second;
        if (x.dtype() != y.dtype() || x.dims() != y.dims()) {
            d.initializersChanged.push_back({i.name, where, tensorText(x), tensorText(y)});
        } else {
            bool same = false;
            try {
                same = x.sameContent(y);
            } catch (const std::exception&) {
                same = true; // unreadable (external data): same type is all that can be said
            }
            if (!same)
                d.initializersChanged.push_back({i.name, where, tensorText(x), tensorText(y) + " (values differ)"});
        }
        ib.erase(it);
    }
    for (const auto& i : b.initializers)
        if (ib.count(i.name))
            d.initializersOnlyInB.push_back({i.name, where, "", tensorText(*i.tensor)});
}

void diffGraph(const Graph& a, const Graph& b, const std::string& where, ModelDiff& d, Collected& col)
{
    std::map<std::string, const Node*> nb;
    for (const auto& n : b.nodes)
        nb.emplace(nodeKey(n), &n);
    std::set<std::string> matched;
    for (const auto& n : a.nodes) {
        const std::string key = nodeKey(n);
        auto it = nb.find(key);
        if (it == nb.end() || matched.count(key)) {
            col.onlyA.push_back({{n.label(), n.opType, where}, &n});
            for (const auto& sg : n.subgraphs)
                allNodes(*sg.graph, joinPath(where, n, sg.attribute), col.onlyA);
            continue;
        }
        matched.insert(key);
        const Node& m = *it->second;
        compareNode(n, m, where, d);
        for (const auto& sg : n.subgraphs) {
            auto other = std::find_if(m.subgraphs.begin(), m.subgraphs.end(),
                                      [&](const Subgraph& s) { return s.attribute == sg.attribute; });
            if (other == m.subgraphs.end())
                allNodes(*sg.graph, joinPath(where, n, sg.attribute), col.onlyA);
            else
                diffGraph(*sg.graph, *other->graph, joinPath(where, n, sg.attribute), d, col);
        }
        for (const auto& sg : m.subgraphs)
            if (std::none_of(n.subgraphs.begin(), n.subgraphs.end(),
                             [&](const Subgraph& s) { return s.attribute == sg.attribute; }))
                allNodes(*sg.graph, joinPath(where, m, sg.attribute), col.onlyB);
    }
    for (const auto& n : b.nodes)
        if (!matched.count(nodeKey(n))) {
            col.onlyB.push_back({{n.label(), n.opType, where}, &n});
            for (const auto& sg : n.subgraphs)
                allNodes(*sg.graph, joinPath(where, n, sg.attribute), col.onlyB);
        }
    compareInitializers(a, b, where, d);
}

std::set<std::string> initializerNames(const Graph& g)
{
    std::set<std::string> out;
    forEachGraph(g, [&](const Graph& x) {
        for (const auto& i : x.initializers)
            out.insert(i.name);
    });
    return out;
}

std::string graphName(const std::string& where) { return where.empty() ? "the main graph" : where; }

/// Groups removed and added nodes that went the same way into moves; the rest stay listed.
void summarise(const Model& a, const Model& b, Collected& col, ModelDiff& d)
{
    const std::set<std::string> initsA = initializerNames(a.graph), initsB = initializerNames(b.graph);
    std::set<std::string> newInits; // initializers a move accounts for
    std::map<std::string, ModelDiff::Move> moves;
    std::vector<std::string> order;
    auto addMove = [&](const std::string& key, const ModelDiff::NodeRef& r) {
        if (!moves.count(key))
            order.push_back(key);
        moves[key].nodes.push_back(r);
    };
    // Named nodes only in A and only in B with the same name moved between graphs.
    std::map<std::string, std::size_t> addedByName;
    for (std::size_t k = 0; k < col.onlyB.size(); ++k)
        if (!col.onlyB[k].second->name.empty())
            addedByName.emplace(col.onlyB[k].second->name, k);
    std::vector<bool> addedMoved(col.onlyB.size(), false);
    for (const auto& [ref, node] : col.onlyA) {
        auto moved = node->name.empty() ? addedByName.end() : addedByName.find(node->name);
        if (moved != addedByName.end() && !addedMoved[moved->second]
            && col.onlyB[moved->second].first.where != ref.where) {
            addedMoved[moved->second] = true;
            addMove("moved\n" + ref.where + "\n" + col.onlyB[moved->second].first.where, ref);
            continue;
        }
        bool intoInit = false;
        for (const auto& o : node->outputs)
            if (!o.empty() && initsB.count(o) && !initsA.count(o)) {
                intoInit = true;
                newInits.insert(o);
            }
        if (intoInit && node->opType == "Constant")
            addMove("constant", ref);
        else if (intoInit)
            addMove("folded", ref);
        else
            d.onlyInA.push_back(ref);
    }
    for (std::size_t k = 0; k < col.onlyB.size(); ++k)
        if (!addedMoved[k])
            d.onlyInB.push_back(col.onlyB[k].first);
    for (const auto& key : order) {
        ModelDiff::Move m = std::move(moves[key]);
        m.kind = key == "constant" || key == "folded" ? key : "moved";
        const std::size_t n = m.nodes.size();
        const std::string nodes = std::to_string(n) + (n == 1 ? " node" : " nodes");
        if (key == "constant") {
            m.summary = std::to_string(n) + " Constant node" + (n == 1 ? "" : "s") + " became initializer"
                        + (n == 1 ? "" : "s");
        } else if (key == "folded") {
            std::map<std::string, int> ops;
            for (const auto& r : m.nodes)
                ++ops[r.opType];
            std::string list;
            for (const auto& [op, c] : ops)
                list += (list.empty() ? "" : ", ") + op + " x" + std::to_string(c);
            m.summary = nodes + " folded into initializers (" + list + ")";
        } else {
            const auto first = key.find('\n'), second = key.find('\n', first + 1);
            m.summary = nodes + " moved from " + graphName(key.substr(first + 1, second - first - 1)) + " to "
                        + graphName(key.substr(second + 1));
        }
        d.moves.push_back(std::move(m));
    }
    // New initializers a move explains are not listed one by one.
    d.initializersOnlyInB.erase(std::remove_if(d.initializersOnlyInB.begin(), d.initializersOnlyInB.end(),
                                               [&](const ModelDiff::InitializerRef& r) { return newInits.count(r.name) > 0; }),
                                d.initializersOnlyInB.end());
}

std::string refText(const ModelDiff::NodeRef& r)
{
    return (r.where.empty() ? "" : r.where + " / ") + r.label;
}

} // namespace

std::size_t ModelDiff::removedCount() const
{
    std::size_t n = onlyInA.size();
    for (const auto& m : moves)
        if (m.kind != "moved")
            n += m.nodes.size();
    return n;
}

std::size_t ModelDiff::movedCount() const
{
    std::size_t n = 0;
    for (const auto& m : moves)
        if (m.kind == "moved")
            n += m.nodes.size();
    return n;
}

ModelDiff diffModels(const Model& a, const Model& b)
{
    ModelDiff d;
    Collected col;
    diffGraph(a.graph, b.graph, "", d, col);
    summarise(a, b, col, d);
    compareInterface(a.graph.inputs, b.graph.inputs, a.graph, b.graph, "input", d.interfaceChanges);
    compareInterface(a.graph.outputs, b.graph.outputs, a.graph, b.graph, "output", d.interfaceChanges);
    return d;
}

Json ModelDiff::toJson() const
{
    auto ref = [](const NodeRef& r) {
        Json x = Json::object();
        x.set("node", r.label);
        x.set("op", r.opType);
        x.set("body", r.where.empty() ? Json() : Json(r.where));
        return x;
    };
    auto refs = [&](const std::vector<NodeRef>& v) {
        Json a = Json::array();
        for (const auto& r : v)
            a.push(ref(r));
        return a;
    };
    auto inits = [](const std::vector<InitializerRef>& v) {
        Json a = Json::array();
        for (const auto& r : v) {
            Json x = Json::object();
            x.set("name", r.name);
            x.set("body", r.where.empty() ? Json() : Json(r.where));
            x.set("old", r.before.empty() ? Json() : Json(r.before));
            x.set("new", r.after.empty() ? Json() : Json(r.after));
            a.push(x);
        }
        return a;
    };
    Json j = Json::object();
    j.set("identical", identical());
    Json mv = Json::array();
    for (const auto& m : moves) {
        Json x = Json::object();
        x.set("kind", m.kind);
        x.set("summary", m.summary);
        x.set("count", static_cast<int64_t>(m.nodes.size()));
        x.set("nodes", refs(m.nodes));
        mv.push(x);
    }
    j.set("moves", mv);
    j.set("only_in_a", refs(onlyInA));
    j.set("only_in_b", refs(onlyInB));
    Json ch = Json::array();
    for (const auto& c : changed) {
        Json x = ref({c.label, c.opType, c.where});
        Json what = Json::array(), changes = Json::array();
        for (const auto& k : c.changes) {
            what.push(k.what);
            Json y = Json::object();
            y.set("what", k.what);
            y.set("old", k.before.empty() ? Json() : Json(k.before));
            y.set("new", k.after.empty() ? Json() : Json(k.after));
            changes.push(y);
        }
        x.set("what", what);
        x.set("changes", changes);
        ch.push(x);
    }
    j.set("changed", ch);
    j.set("initializers_only_in_a", inits(initializersOnlyInA));
    j.set("initializers_only_in_b", inits(initializersOnlyInB));
    j.set("initializers_changed", inits(initializersChanged));
    Json itf = Json::array();
    for (const auto& s : interfaceChanges)
        itf.push(s);
    j.set("interface", itf);
    Json counts = Json::object();
    counts.set("removed", static_cast<int64_t>(removedCount()));
    counts.set("only_in_b", static_cast<int64_t>(onlyInB.size()));
    counts.set("moved", static_cast<int64_t>(movedCount()));
    counts.set("changed", static_cast<int64_t>(changed.size()));
    j.set("counts", counts);
    return j;
}

std::string ModelDiff::toText() const
{
    std::ostringstream out;
    if (identical()) {
        out << "The graphs are identical.\n";
        return out.str();
    }
    for (const auto& s : interfaceChanges)
        out << "! " << s << "\n";
    for (const auto& m : moves) {
        out << "> " << m.summary;
        if (m.nodes.size() <= 5) {
            out << ":";
            for (std::size_t k = 0; k < m.nodes.size(); ++k)
                out << (k ? ", " : " ") << refText(m.nodes[k]);
        }
        out << "\n";
    }
    for (const auto& r : onlyInA)
        out << "- " << refText(r) << " (" << r.opType << ")\n";
    for (const auto& r : onlyInB)
        out << "+ " << refText(r) << " (" << r.opType << ")\n";
    for (const auto& c : changed) {
        out << "~ " << refText({c.label, c.opType, c.where}) << " (" << c.opType << "):";
        for (std::size_t i = 0; i < c.changes.size(); ++i) {
            const Change& k = c.changes[i];
            out << (i ? "; " : " ") << k.what << " "
                << (k.before.empty() ? "(none)" : k.before) << " -> " << (k.after.empty() ? "(none)" : k.after);
        }
        out << "\n";
    }
    auto initText = [](const InitializerRef& r) { return (r.where.empty() ? "" : r.where + " / ") + r.name; };
    for (const auto& s : initializersOnlyInA)
        out << "- initializer " << initText(s) << " " << s.before << "\n";
    for (const auto& s : initializersOnlyInB)
        out << "+ initializer " << initText(s) << " " << s.after << "\n";
    for (const auto& s : initializersChanged)
        out << "~ initializer " << initText(s) << " " << s.before << " -> " << s.after << "\n";
    std::size_t inBodies = 0;
    for (const auto& r : onlyInA)
        inBodies += !r.where.empty();
    for (const auto& m : moves)
        if (m.kind != "moved")
            for (const auto& r : m.nodes)
                inBodies += !r.where.empty();
    out << removedCount() << " node(s) only in A";
    if (inBodies)
        out << " (" << inBodies << " in bodies)";
    out << ", " << onlyInB.size() << " only in B, " << changed.size() << " changed";
    if (movedCount())
        out << ", " << movedCount() << " moved to another graph";
    out << ".\n";
    return out.str();
}

} // namespace netfold
