#include "passes/Pass.h"

#include <algorithm>

namespace netfold {

void Pass::runRecursive(Graph& graph, PassContext& ctx) const
{
    if (visitsSubgraphs()) {
        for (auto& node : graph.nodes) {
            for (auto& sg : node.subgraphs) {
                if (!mayChangeGraph(*sg.graph))
                    continue;
                ChangeRecord sub;
                PassContext subCtx(ctx.model(), sub, ctx.options());
                auto copy = std::make_shared<Graph>(*sg.graph);
                runRecursive(*copy, subCtx);
                if (!sub.empty()) {
                    sg.graph = std::move(copy);
                    auto& changed = ctx.record().changed;
                    if (std::find(changed.begin(), changed.end(), node.id) == changed.end())
                        changed.push_back(node.id); // once, however many of its bodies changed
                }
                sub.changed.erase(std::remove(sub.changed.begin(), sub.changed.end(), node.id), sub.changed.end());
                ctx.record().merge(sub);
            }
        }
    }
    runOnGraph(graph, ctx);
}

PassResult Pass::run(const Model& model, const PassOptions& options) const
{
    PassResult result{model, {}};
    PassContext ctx(result.model, result.changes, options);
    runRecursive(result.model.graph, ctx);
    return result;
}

} // namespace netfold
