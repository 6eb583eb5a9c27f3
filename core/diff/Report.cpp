#include "diff/Report.h"

#include "model/ModelSummary.h"
#include "util/Error.h"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <sstream>

namespace netfold {

ModelStats statsOf(const Model& model)
{
    ModelStats s;
    s.nodes = model.graph.nodes.size();
    s.nodesTotal = model.graph.totalNodeCount();
    s.ops = opCounts(model.graph);
    s.opsTotal = opCountsTotal(model.graph);
    s.initializers = model.graph.initializers.size();
    for (const auto& i : model.graph.initializers)
        s.initializerBytes += i.tensor->byteSize();
    return s;
}

namespace {

std::string pad(const std::string& s, std::size_t width)
{
    return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string signedBytes(int64_t delta)
{
    return (delta < 0 ? "-" : "+") + formatBytes(static_cast<uint64_t>(delta < 0 ? -delta : delta));
}

} // namespace

std::string opCountTable(const Model& before, const Model& after)
{
    const ModelStats a = statsOf(before), b = statsOf(after);
    std::set<std::string> ops;
    for (const auto& kv : a.opsTotal)
        ops.insert(kv.first);
    for (const auto& kv : b.opsTotal)
        ops.insert(kv.first);
    std::vector<std::array<std::string, 3>> rows;
    for (const auto& op : ops) {
        auto ia = a.opsTotal.find(op);
        auto ib = b.opsTotal.find(op);
        rows.push_back({op, std::to_string(ia == a.opsTotal.end() ? 0 : ia->second),
                        std::to_string(ib == b.opsTotal.end() ? 0 : ib->second)});
    }
    const bool bodies = a.nodesTotal != a.nodes || b.nodesTotal != b.nodes;
    rows.push_back({bodies ? "Nodes (top level)" : "Nodes", std::to_string(a.nodes), std::to_string(b.nodes)});
    if (bodies)
        rows.push_back({"Nodes (with bodies)", std::to_string(a.nodesTotal), std::to_string(b.nodesTotal)});
    rows.push_back({"Initializers", std::to_string(a.initializers) + " (" + formatBytes(a.initializerBytes) + ")",
                    std::to_string(b.initializers) + " (" + formatBytes(b.initializerBytes) + ")"});
    std::size_t w0 = 4, w1 = 14, w2 = 16;
    for (const auto& r : rows) {
        w0 = std::max(w0, r[0].size());
        w1 = std::max(w1, r[1].size());
        w2 = std::max(w2, r[2].size());
    }
    auto line = [&](const char* l, const char* m, const char* r, const char* fill) {
        std::string s = l;
        for (std::size_t i = 0; i < w0 + 2; ++i)
            s += fill;
        s += m;
        for (std::size_t i = 0; i < w1 + 2; ++i)
            s += fill;
        s += m;
        for (std::size_t i = 0; i < w2 + 2; ++i)
            s += fill;
        return s + r + "\n";
    };
    std::ostringstream out;
    out << line("┌", "┬", "┐", "─");
    out << "│ " << pad("", w0) << " │ " << pad("Original Model", w1) << " │ " << pad("Simplified Model", w2) << " │\n";
    out << line("├", "┼", "┤", "─");
    const std::size_t totals = bodies ? 3 : 2; // node and initializer rows
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i + totals == rows.size())
            out << line("├", "┼", "┤", "─");
        out << "│ " << pad(rows[i][0], w0) << " │ " << pad(rows[i][1], w1) << " │ " << pad(rows[i][2], w2) << " │\n";
    }
    out << line("└", "┴", "┘", "─");
    return out.str();
}

std::string stepSummary(const Step& step)
{
    const ChangeRecord& c = step.changes;
    int folded = 0, eliminated = 0, fused = 0;
    for (const auto& r : c.removed)
        (r.fate == Fate::Folded ? folded : r.fate == Fate::Fused ? fused : eliminated) += 1;
    std::vector<std::string> parts;
    if (folded)
        parts.push_back(std::to_string(folded) + " folded");
    if (eliminated)
        parts.push_back(std::to_string(eliminated) + " eliminated");
    if (fused)
        parts.push_back(std::to_string(fused) + " fused");
    if (!c.added.empty())
        parts.push_back(std::to_string(c.added.size()) + " added");
    if (!c.changed.empty())
        parts.push_back(std::to_string(c.changed.size()) + " changed");
    if (!c.constants.empty())
        parts.push_back(std::to_string(c.constants.size()) + " constant" + (c.constants.size() == 1 ? "" : "s"));
    if (!c.removedInitializers.empty())
        parts.push_back(std::to_string(c.removedInitializers.size()) + " initializer"
                        + (c.removedInitializers.size() == 1 ? "" : "s") + " dropped");
    const uint64_t bytesAfter = statsOf(*step.after).initializerBytes;
    const uint64_t bytesBefore = statsOf(*step.before).initializerBytes;
    constexpr uint64_t kMaxDelta = uint64_t(std::numeric_limits<int64_t>::max());
    const int64_t delta = bytesAfter >= bytesBefore ? static_cast<int64_t>(std::min(bytesAfter - bytesBefore, kMaxDelta))
                                                    : -static_cast<int64_t>(std::min(bytesBefore - bytesAfter, kMaxDelta));
    std::string s = step.pass + ": ";
    for (std::size_t i = 0; i < parts.size(); ++i)
        s += (i ? ", " : "") + parts[i];
    if (delta != 0)
        s += " (" + signedBytes(delta) + ")";
    const Graph& gb = step.before->graph;
    const Graph& ga = step.after->graph;
    if (gb.nodes.size() != ga.nodes.size() || gb.totalNodeCount() != ga.totalNodeCount()) {
        s += "  [nodes " + std::to_string(gb.nodes.size()) + " -> " + std::to_string(ga.nodes.size());
        if (gb.totalNodeCount() != gb.nodes.size() || ga.totalNodeCount() != ga.nodes.size())
            s += ", with bodies " + std::to_string(gb.totalNodeCount()) + " -> " + std::to_string(ga.totalNodeCount());
        s += "]";
    }
    return s;
}

std::string stepsText(const Pipeline& pipeline, bool detailed)
{
    std::ostringstream out;
    for (std::size_t i = 0; i < pipeline.position(); ++i) {
        const Step& s = pipeline.steps()[i];
        out << "step " << (i + 1) << "  round " << s.round << "  " << stepSummary(s) << "\n";
        if (!detailed)
            continue;
        for (const auto& r : s.changes.removed) {
            const std::string where = nodePathText(s.before->graph, r.node);
            out << "    - " << (where.empty() ? r.label : where) << " (" << r.opType << ") " << fateName(r.fate);
            if (!r.intoValue.empty()) {
                out << " into constant '" << r.intoValue << "'";
            } else if (r.into != kNoNode) {
                const std::string into = nodePathText(s.after->graph, r.into);
                if (!into.empty())
                    if (auto path = pathToNode(s.after->graph, r.into))
                        if (const Graph* g = resolvePath(s.after->graph, *path))
                            if (const Node* n = g->findNode(r.into))
                                out << " into '" << into << "' (" << n->opType << ")";
            }
            out << "\n";
        }
        for (auto id : s.changes.added) {
            auto path = pathToNode(s.after->graph, id);
            const Graph* g = path ? resolvePath(s.after->graph, *path) : nullptr;
            if (const Node* n = g ? g->findNode(id) : nullptr)
                out << "    + " << nodePathText(s.after->graph, id) << " (" << n->opType << ")\n";
        }
        for (const auto& w : s.changes.warnings)
            out << "    ! " << w << "\n";
    }
    return out.str();
}

std::vector<LimitedNode> keptAtLimitList(const Pipeline& pipeline)
{
    const auto limited = pipeline.keptAtLimit();
    std::vector<LimitedNode> out;
    if (limited.empty())
        return out;
    const std::string prefix = "Not folded: ";
    for (const Node& n : pipeline.current().graph.nodes) {
        auto it = limited.find(n.id);
        if (it == limited.end())
            continue;
        std::string reason = it->second;
        if (reason.rfind(prefix, 0) == 0)
            reason.erase(0, prefix.size());
        out.push_back({n.label(), n.opType, oneLine(reason)});
    }
    return out;
}

Json pipelineReport(const Pipeline& pipeline)
{
    const Model& before = pipeline.original();
    const Model& after = pipeline.current();
    const ModelStats a = statsOf(before), b = statsOf(after);
    Json j = Json::object();
    j.set("nodes_before", static_cast<int64_t>(a.nodes));
    j.set("nodes_after", static_cast<int64_t>(b.nodes));
    j.set("nodes_total_before", static_cast<int64_t>(a.nodesTotal));
    j.set("nodes_total_after", static_cast<int64_t>(b.nodesTotal));
    auto counts = [](const std::map<std::string, int>& m) {
        Json o = Json::object();
        for (const auto& kv : m)
            o.set(kv.first, kv.second);
        return o;
    };
    j.set("op_counts_before", counts(a.ops));
    j.set("op_counts_after", counts(b.ops));
    j.set("op_counts_total_before", counts(a.opsTotal));
    j.set("op_counts_total_after", counts(b.opsTotal));
    j.set("initializer_bytes_before", static_cast<int64_t>(a.initializerBytes));
    j.set("initializer_bytes_after", static_cast<int64_t>(b.initializerBytes));
    j.set("fixed_point", pipeline.atFixedPoint());
    Json steps = Json::array();
    for (std::size_t i = 0; i < pipeline.position(); ++i) {
        const Step& s = pipeline.steps()[i];
        Json x = Json::object();
        x.set("pass", s.pass);
        x.set("round", s.round);
        x.set("summary", stepSummary(s));
        x.set("ms", s.milliseconds);
        x.set("nodes_before", static_cast<int64_t>(s.before->graph.nodes.size()));
        x.set("nodes_after", static_cast<int64_t>(s.after->graph.nodes.size()));
        x.set("nodes_total_before", static_cast<int64_t>(s.before->graph.totalNodeCount()));
        x.set("nodes_total_after", static_cast<int64_t>(s.after->graph.totalNodeCount()));
        x.set("changes", s.changes.toJson());
        // Where the removed and added nodes are that are not in the main graph (by id).
        Json bodies = Json::object();
        auto note = [&](const Graph& g, NodeId id) {
            if (g.findNode(id))
                return;
            if (auto path = pathToNode(g, id))
                bodies.set(std::to_string(id), graphPathText(g, *path));
        };
        for (const auto& r : s.changes.removed)
            note(s.before->graph, r.node);
        for (auto id : s.changes.added)
            note(s.after->graph, id);
        x.set("bodies", bodies);
        steps.push(x);
    }
    j.set("steps", steps);
    Json limited = Json::array();
    for (const LimitedNode& n : keptAtLimitList(pipeline)) {
        Json x = Json::object();
        x.set("node", n.node);
        x.set("op", n.op);
        x.set("reason", n.reason);
        limited.push(x);
    }
    j.set("kept_at_limit", limited);
    return j;
}

std::string pipelineMarkdown(const Pipeline& pipeline)
{
    std::ostringstream out;
    out << "# netfold simplification report\n\n";
    if (!pipeline.original().sourcePath.empty())
        out << "Model: `" << pipeline.original().sourcePath << "`\n\n";
    const ModelStats a = statsOf(pipeline.original()), b = statsOf(pipeline.current());
    out << "| | Original | Simplified |\n|---|---|---|\n";
    std::set<std::string> ops;
    for (const auto& kv : a.opsTotal)
        ops.insert(kv.first);
    for (const auto& kv : b.opsTotal)
        ops.insert(kv.first);
    for (const auto& op : ops)
        out << "| " << op << " | " << (a.opsTotal.count(op) ? a.opsTotal.at(op) : 0) << " | "
            << (b.opsTotal.count(op) ? b.opsTotal.at(op) : 0) << " |\n";
    out << "| **Nodes** | " << a.nodes << " | " << b.nodes << " |\n";
    if (a.nodesTotal != a.nodes || b.nodesTotal != b.nodes)
        out << "| **Nodes with bodies** | " << a.nodesTotal << " | " << b.nodesTotal << " |\n";
    out << "| **Initializer bytes** | " << formatBytes(a.initializerBytes) << " | " << formatBytes(b.initializerBytes)
        << " |\n\n## Steps\n\n";
    for (std::size_t i = 0; i < pipeline.position(); ++i) {
        const Step& s = pipeline.steps()[i];
        out << (i + 1) << ". round " << s.round << ", **" << s.pass << "**: " << stepSummary(s).substr(s.pass.size() + 2)
            << "\n";
        for (const auto& r : s.changes.removed) {
            out << "   - `" << r.label << "` (" << r.opType << ") " << fateName(r.fate);
            if (!r.intoValue.empty())
                out << " into `" << r.intoValue << "`";
            out << "\n";
        }
    }
    const auto limited = keptAtLimitList(pipeline);
    if (!limited.empty()) {
        out << "\n## Not folded at a limit\n\nRaising the size limit or the fold's time cap may fold these.\n\n";
        for (const LimitedNode& n : limited)
            out << "- `" << n.node << "` (" << n.op << "): " << n.reason << "\n";
    }
    return out.str();
}

} // namespace netfold
