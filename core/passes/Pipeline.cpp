#include "passes/Pipeline.h"

#include "passes/GraphEdit.h"
#include "passes/Passes.h"

#include "util/Error.h"
#include "shape/ShapeInference.h"

#include <algorithm>
#include <chrono>
#include <set>

namespace netfold {

namespace {

void pruneAll(Graph& g)
{
    edit::pruneTypes(g);
    for (auto& n : g.nodes)
        for (auto& sg : n.subgraphs) {
            auto copy = std::make_shared<Graph>(*sg.graph);
            pruneAll(*copy);
            sg.graph = std::move(copy);
        }
}

} // namespace

Pipeline::Pipeline(Model model, PipelineOptions options) : m_options(std::move(options))
{
    m_original = std::make_shared<const Model>(std::move(model));
    for (auto& p : passes::optimizerPasses())
        m_passes.push_back({std::shared_ptr<const Pass>(std::move(p)), true});
    m_fold = std::shared_ptr<const Pass>(passes::foldConstants());
    m_passes.push_back({m_fold, true});
    for (auto& e : m_passes)
        e.enabled = !m_options.skip.count(e.pass->info().name);
}

Pipeline::~Pipeline() = default;

void Pipeline::truncateFuture()
{
    m_steps.resize(m_position);
    m_cursors.resize(m_position);
    m_quiet.clear();
    if (m_kept.size() > m_position + 1)
        m_kept.resize(m_position + 1);
}

std::map<NodeId, Pipeline::Kept> Pipeline::liveKept() const
{
    std::map<NodeId, Kept> out;
    for (std::size_t i = 0; i < m_kept.size() && i <= m_position; ++i)
        for (const auto& kv : m_kept[i])
            out[kv.first] = kv.second;
    std::set<NodeId> live;
    for (const auto& n : current().graph.nodes)
        live.insert(n.id);
    for (auto it = out.begin(); it != out.end();)
        it = live.count(it->first) ? std::next(it) : out.erase(it);
    return out;
}

std::map<NodeId, std::string> Pipeline::keptReasons() const
{
    std::map<NodeId, std::string> out;
    for (const auto& [id, kept] : liveKept())
        out.emplace(id, kept.reason);
    return out;
}

std::map<NodeId, std::string> Pipeline::keptAtLimit() const
{
    std::map<NodeId, std::string> out;
    for (const auto& [id, kept] : liveKept())
        if (kept.atLimit)
            out.emplace(id, kept.reason);
    return out;
}

void Pipeline::setEnabled(const std::string& name, bool enabled)
{
    for (auto& e : m_passes)
        if (e.pass->info().name == name)
            e.enabled = enabled;
    truncateFuture();
    if (!m_cursors.empty())
        m_cursors.back().done = false;
    m_initial.done = false;
}

void Pipeline::movePass(const std::string& name, std::size_t newIndex)
{
    auto it = std::find_if(m_passes.begin(), m_passes.end(), [&](const Entry& e) { return e.pass->info().name == name; });
    if (it == m_passes.end() || it->pass == m_fold)
        return;
    Entry e = *it;
    m_passes.erase(it);
    newIndex = std::min(newIndex, m_passes.size() - 1); // fold_constants stays last
    m_passes.insert(m_passes.begin() + static_cast<long>(newIndex), e);
    truncateFuture();
}

void Pipeline::setOptions(const PipelineOptions& options)
{
    m_options = options;
    m_quiet.clear();
    for (auto& e : m_passes)
        e.enabled = !m_options.skip.count(e.pass->info().name);
    truncateFuture();
    if (!m_cursors.empty())
        m_cursors.back().done = false;
    m_initial.done = false;
}

const Model& Pipeline::current() const { return *currentPtr(); }

std::shared_ptr<const Model> Pipeline::currentPtr() const
{
    return m_position == 0 ? m_original : m_steps[m_position - 1].after;
}

bool Pipeline::atFixedPoint() const
{
    if (m_position < m_steps.size())
        return false;
    const Cursor& c = m_position == 0 ? m_initial : m_cursors[m_position - 1];
    return c.done;
}

Model Pipeline::afterChange(Model model) const
{
    pruneAll(model.graph);
    if (m_options.shapeInference)
        inferShapes(model);
    return model;
}

bool Pipeline::computeNext()
{
    Cursor c = m_position == 0 ? m_initial : m_cursors[m_position - 1];
    std::vector<std::string> unchanged;
    auto current = currentPtr();
    auto finish = [&](const Cursor& cursor) {
        if (m_position == 0)
            m_initial = cursor;
        else
            m_cursors[m_position - 1] = cursor;
    };
    while (!c.done) {
        const Pass* pass = nullptr;
        if (c.phase == Phase::Optimizer) {
            // Optimizer passes, swept until a sweep changes nothing.
            while (c.passIndex < m_passes.size()
                   && (m_passes[c.passIndex].pass == m_fold || !m_passes[c.passIndex].enabled || !m_options.optimization))
                ++c.passIndex;
            if (c.passIndex >= m_passes.size()) {
                if (c.sweepChanged && ++c.sweeps < m_options.maxRounds) {
                    c.sweepChanged = false;
                    c.passIndex = 0;
                } else {
                    c.phase = Phase::Folding;
                }
                continue;
            }
            pass = m_passes[c.passIndex++].pass.get();
        } else if (c.phase == Phase::Folding) {
            c.phase = Phase::EndOfRound;
            const bool foldEnabled = std::any_of(m_passes.begin(), m_passes.end(),
                                                 [&](const Entry& e) { return e.pass == m_fold && e.enabled; });
            if (!m_options.constantFolding || !foldEnabled)
                continue;
            pass = m_fold.get();
        } else {
            if (!c.roundChanged || c.round >= m_options.maxRounds) {
                c.done = true;
                continue;
            }
            ++c.round;
            c.phase = Phase::Optimizer;
            c.passIndex = 0;
            c.sweeps = 0;
            c.sweepChanged = false;
            c.roundChanged = false;
            continue;
        }

        auto& quiet = m_quiet[current.get()];
        if (quiet.count(pass) || !pass->mayChange(*current)) {
            quiet.insert(pass);
            unchanged.push_back(pass->info().name);
            continue;
        }
        if (beforePass)
            beforePass(*pass, *current);
        const auto t0 = std::chrono::steady_clock::now();
        PassResult result = pass->run(*current, m_options.pass);
        if (afterPass)
            afterPass(*pass, *current, result.changes);
        if (m_kept.size() <= m_position)
            m_kept.resize(m_position + 1);
        for (const auto& kv : result.changes.kept)
            m_kept[m_position][kv.first] = {kv.second, result.changes.keptAtLimit.count(kv.first) > 0};
        if (result.changes.empty()) {
            quiet.insert(pass);
            unchanged.push_back(pass->info().name);
            continue;
        }
        Step step;
        step.pass = pass->info().name;
        step.round = c.round;
        step.before = current;
        step.after = std::make_shared<const Model>(afterChange(std::move(result.model)));
        step.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        step.changes = std::move(result.changes);
        step.unchanged = std::move(unchanged);
        c.sweepChanged = true;
        c.roundChanged = true;
        m_steps.push_back(std::move(step));
        m_cursors.push_back(c);
        ++m_position;
        return true;
    }
    finish(c);
    return false;
}

bool Pipeline::stepForward()
{
    if (m_position < m_steps.size()) {
        ++m_position;
        return true;
    }
    return computeNext();
}

bool Pipeline::stepBack()
{
    if (m_position == 0)
        return false;
    --m_position;
    return true;
}

void Pipeline::runToFixedPoint(const std::function<bool(const Step&)>& progress)
{
    while (stepForward())
        if (progress && !progress(m_steps[m_position - 1]))
            return;
}

void Pipeline::reset() { m_position = 0; }

bool Pipeline::seek(std::size_t position)
{
    if (position > m_steps.size())
        return false;
    m_position = position;
    return true;
}

void overwriteInputShapes(Model& model, const std::vector<std::pair<std::string, std::vector<int64_t>>>& shapes)
{
    Graph& g = model.graph;
    for (const auto& [name, dims] : shapes) {
        const std::string& wanted = name; // C++17 lambdas cannot capture structured bindings (clang)
        auto it = std::find_if(g.inputs.begin(), g.inputs.end(), [&](const ValueInfo& v) { return v.name == wanted; });
        if (it == g.inputs.end())
            throw Error("The model has no input " + quote(name) + ".");
        it->type.hasShape = true;
        it->type.dims.clear();
        for (int64_t d : dims)
            it->type.dims.push_back(d >= 0 ? Dim{d, {}} : Dim{});
    }
    // Forget everything inferred before: it was inferred from the old shapes.
    std::unordered_map<std::string, ValueType> kept;
    for (const auto& v : g.inputs)
        kept[v.name] = v.type;
    for (const auto& i : g.initializers)
        if (g.types.count(i.name))
            kept[i.name] = g.types.at(i.name);
    g.types = std::move(kept);
    inferShapes(model);
}

} // namespace netfold
