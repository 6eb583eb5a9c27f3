#include "ModelDiff.h"

#include <onnx/onnx_pb.h>

#include <map>
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

std::map<std::string, std::string> attributes(const Node& n)
{
    std::map<std::string, std::string> out;
    if (n.proto)
        for (const auto& a : n.proto->attribute())
            out[a.name()] = a.SerializeAsString();
    return out;
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

} // namespace

ModelDiff diffModels(const Model& a, const Model& b)
{
    ModelDiff d;
    std::map<std::string, const Node*> nb;
    for (const auto& n : b.graph.nodes)
        nb.emplace(nodeKey(n), &n);
    std::map<std::string, bool> matched;
    for (const auto& n : a.graph.nodes) {
        const std::string key = nodeKey(n);
        auto it = nb.find(key);
        if (it == nb.end()) {
            d.onlyInA.push_back({n.label(), n.opType});
            continue;
        }
        matched[key] = true;
        const Node& m = *it->second;
        ModelDiff::Changed c{n.label(), n.opType, {}};
        if (n.opType != m.opType || n.domain != m.domain)
            c.what.push_back("op type " + n.opType + " -> " + m.opType);
        if (n.inputs != m.inputs)
            c.what.push_back("inputs");
        if (n.outputs != m.outputs)
            c.what.push_back("outputs");
        const auto aa = attributes(n), ab = attributes(m);
        for (const auto& [name, bytes] : aa) {
            auto j = ab.find(name);
            if (j == ab.end())
                c.what.push_back("attribute '" + name + "' removed");
            else if (j->second != bytes)
                c.what.push_back("attribute '" + name + "'");
        }
        for (const auto& [name, bytes] : ab)
            if (!aa.count(name))
                c.what.push_back("attribute '" + name + "' added");
        if (!c.what.empty())
            d.changed.push_back(c);
    }
    for (const auto& n : b.graph.nodes)
        if (!matched.count(nodeKey(n)))
            d.onlyInB.push_back({n.label(), n.opType});
    std::map<std::string, const Tensor*> ib;
    for (const auto& i : b.graph.initializers)
        ib[i.name] = i.tensor.get();
    for (const auto& i : a.graph.initializers) {
        auto it = ib.find(i.name);
        if (it == ib.end()) {
            d.initializersOnlyInA.push_back(i.name);
            continue;
        }
        bool same = false;
        try {
            same = i.tensor->sameContent(*it->second);
        } catch (const std::exception&) {
            same = i.tensor->dtype() == it->second->dtype() && i.tensor->dims() == it->second->dims();
        }
        if (!same)
            d.initializersChanged.push_back(i.name);
        ib.erase(it);
    }
    for (const auto& kv : ib)
        d.initializersOnlyInB.push_back(kv.first);
    compareInterface(a.graph.inputs, b.graph.inputs, a.graph, b.graph, "input", d.interfaceChanges);
    compareInterface(a.graph.outputs, b.graph.outputs, a.graph, b.graph, "output", d.interfaceChanges);
    return d;
}

Json ModelDiff::toJson() const
{
    auto refs = [](const std::vector<NodeRef>& v) {
        Json a = Json::array();
        for (const auto& r : v) {
            Json x = Json::object();
            x.set("node", r.label);
            x.set("op", r.opType);
            a.push(x);
        }
        return a;
    };
    auto strings = [](const std::vector<std::string>& v) {
        Json a = Json::array();
        for (const auto& s : v)
            a.push(s);
        return a;
    };
    Json j = Json::object();
    j.set("identical", identical());
    j.set("only_in_a", refs(onlyInA));
    j.set("only_in_b", refs(onlyInB));
    Json ch = Json::array();
    for (const auto& c : changed) {
        Json x = Json::object();
        x.set("node", c.label);
        x.set("op", c.opType);
        x.set("what", strings(c.what));
        ch.push(x);
    }
    j.set("changed", ch);
    j.set("initializers_only_in_a", strings(initializersOnlyInA));
    j.set("initializers_only_in_b", strings(initializersOnlyInB));
    j.set("initializers_changed", strings(initializersChanged));
    j.set("interface", strings(interfaceChanges));
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
    for (const auto& r : onlyInA)
        out << "- " << r.label << " (" << r.opType << ")\n";
    for (const auto& r : onlyInB)
        out << "+ " << r.label << " (" << r.opType << ")\n";
    for (const auto& c : changed) {
        out << "~ " << c.label << " (" << c.opType << "):";
        for (std::size_t i = 0; i < c.what.size(); ++i)
            out << (i ? ", " : " ") << c.what[i];
        out << "\n";
    }
    for (const auto& s : initializersOnlyInA)
        out << "- initializer " << s << "\n";
    for (const auto& s : initializersOnlyInB)
        out << "+ initializer " << s << "\n";
    for (const auto& s : initializersChanged)
        out << "~ initializer " << s << "\n";
    out << onlyInA.size() << " node(s) only in A, " << onlyInB.size() << " only in B, " << changed.size()
        << " changed.\n";
    return out.str();
}

} // namespace netfold
