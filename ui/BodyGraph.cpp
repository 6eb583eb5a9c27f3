#include "BodyGraph.h"

#include <unordered_set>

namespace netfold {

namespace {

/// The type of name as the scope defining it knows it (innermost first); unknown when none does.
ValueType outerType(const std::vector<const Graph*>& scopes, const std::string& name)
{
    for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
        const Graph& g = **it;
        if (const Initializer* init = g.findInitializer(name); init && init->tensor) {
            ValueType t = g.typeOf(name);
            if (!t.known() || !t.hasShape) {
                t.elemType = init->tensor->dtype();
                t.hasShape = true;
                t.dims.clear();
                for (int64_t d : init->tensor->dims())
                    t.dims.push_back(Dim{d, {}});
            }
            return t;
        }
        const ValueType t = g.typeOf(name);
        if (t.known())
            return t;
    }
    return {};
}

} // namespace

std::shared_ptr<const Graph> drawableGraph(const std::shared_ptr<const Model>& model, const GraphPath& path)
{
    if (!model)
        return nullptr;
    if (path.empty())
        return std::shared_ptr<const Graph>(model, &model->graph);
    std::vector<const Graph*> scopes{&model->graph};
    const Graph* g = &model->graph;
    for (const GraphPathStep& step : path) {
        g = resolvePath(*g, GraphPath{step});
        if (!g)
            return nullptr;
        scopes.push_back(g);
    }
    scopes.pop_back(); // the enclosing scopes of the body shown
    const std::vector<std::string> reads = outerScopeReads(*g);
    if (reads.empty())
        return std::shared_ptr<const Graph>(model, g);
    auto drawn = std::make_shared<Graph>(*g);
    std::unordered_set<std::string> declared;
    for (const ValueInfo& in : drawn->inputs)
        declared.insert(in.name);
    for (const std::string& name : reads) {
        if (name.empty() || !declared.insert(name).second)
            continue;
        ValueInfo in;
        in.name = name;
        in.type = outerType(scopes, name);
        in.docString = kOuterScopeDoc;
        if (in.type.known() && !drawn->typeOf(name).known())
            drawn->types[name] = in.type;
        drawn->inputs.push_back(std::move(in));
    }
    // The copy shares its tensors and protos with the model (shared pointers): it needs no more.
    return drawn;
}

} // namespace netfold
