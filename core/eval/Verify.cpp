#include "Verify.h"

#include "Evaluator.h"

#include "../model/DataType.h"
#include "../model/Error.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <set>

namespace netfold {

namespace {

TensorPtr randomInput(const std::string& name, const ValueType& t, std::mt19937_64& rng, int64_t dynamicDim,
                      uint64_t maxBytes)
{
    std::vector<int64_t> dims;
    for (const auto& d : t.dims)
        dims.push_back(d.known() ? d.value : dynamicDim);
    const int64_t n = checkedNumel(dims, "Input " + quote(name));
    if (static_cast<uint64_t>(n) > maxBytes / 8)
        throw Error("Input " + quote(name) + " has " + std::to_string(n)
                    + " elements; random values for it would be over the check's memory budget.");
    std::vector<double> values(static_cast<std::size_t>(n));
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    std::uniform_int_distribution<int> small(0, 3);
    for (auto& v : values) {
        if (isFloatType(t.elemType))
            v = static_cast<float>(uniform(rng));
        else if (t.elemType == dtype::Bool)
            v = small(rng) & 1;
        else
            v = small(rng);
    }
    return Tensor::fromDoubles(t.elemType, dims, values);
}

uint64_t initializerBytesOf(const Graph& g)
{
    uint64_t total = 0;
    for (const auto& i : g.initializers)
        total += i.tensor->byteSize();
    for (const auto& n : g.nodes)
        for (const auto& sg : n.subgraphs)
            if (sg.graph)
                total += initializerBytesOf(*sg.graph);
    return total;
}

} // namespace

uint64_t defaultCheckBudget(const Model& original, const Model& simplified)
{
    const uint64_t weights = std::max(initializerBytesOf(original.graph), initializerBytesOf(simplified.graph));
    return std::max<uint64_t>(uint64_t(1) << 30, weights > (uint64_t(1) << 60) ? weights : weights * 4);
}

VerifyResult verifyModels(const Model& original, const Model& simplified, int runs, uint64_t seed, int64_t dynamicDim,
                          const VerifyLimits& limits)
{
    EvalBudget budget;
    budget.maxBytes = limits.maxBytes ? limits.maxBytes : defaultCheckBudget(original, simplified);
    budget.maxIterations = limits.maxIterations;
    budget.maxSeconds = limits.maxSeconds;
    EvalOptions options;
    options.budget = &budget;
    const auto start = std::chrono::steady_clock::now();
    VerifyResult result;
    std::set<std::string> missing;
    for (const auto& op : missingKernels(original.graph))
        missing.insert(op);
    for (const auto& op : missingKernels(simplified.graph))
        missing.insert(op);
    result.blockers.assign(missing.begin(), missing.end());
    if (!missing.empty())
        return result;
    result.ran = true;
    result.ok = true;
    std::mt19937_64 rng(seed);
    for (const auto& o : original.graph.outputs)
        result.outputs.push_back({o.name, 0, 0, true, {}});
    try {
        for (int r = 0; r < runs; ++r) {
            std::map<std::string, TensorPtr> feeds;
            for (const auto& in : original.graph.inputs) {
                if (original.graph.findInitializer(in.name))
                    continue;
                const ValueType t = in.type.known() ? in.type : original.graph.typeOf(in.name);
                if (!isNumericType(t.elemType) || !t.hasShape) {
                    result.ok = false;
                    result.error = "Input " + quote(in.name) + " has no numeric type and shape to make random values for.";
                    result.originalFailed = true;
                    return result;
                }
                try {
                    feeds[in.name] = randomInput(in.name, t, rng, dynamicDim, budget.maxBytes);
                } catch (const std::exception&) {
                    result.originalFailed = true;
                    throw;
                }
            }
            // Each evaluation gets the memory and iteration budget afresh; the clock runs on.
            budget.reset();
            budget.start = start;
            std::map<std::string, TensorPtr> a;
            try {
                a = evaluateGraph(original, original.graph, feeds, {}, options);
            } catch (const std::exception&) {
                if (result.runs == 0)
                    result.originalFailed = true;
                throw;
            }
            budget.reset();
            budget.start = start;
            const auto b = evaluateGraph(simplified, simplified.graph, feeds, {}, options);
            ++result.runs;
            for (auto& d : result.outputs) {
                auto ia = a.find(d.name);
                auto ib = b.find(d.name);
                if (ia == a.end() || ib == b.end() || !ia->second || !ib->second) {
                    d.ok = false;
                    d.problem = "missing in one model";
                    continue;
                }
                const Tensor& x = *ia->second;
                const Tensor& y = *ib->second;
                if (x.dims() != y.dims()) {
                    d.ok = false;
                    d.problem = "shapes differ";
                    continue;
                }
                if (!isNumericType(x.dtype()) || !isNumericType(y.dtype())) {
                    if (x.dtype() != y.dtype() || !x.sameContent(y)) {
                        d.ok = false;
                        d.problem = "values differ";
                    }
                    continue;
                }
                const auto xv = x.toDouble(), yv = y.toDouble();
                double scale = 1.0;
                for (double v : xv)
                    if (std::isfinite(v))
                        scale = std::max(scale, std::fabs(v));
                for (std::size_t k = 0; k < xv.size(); ++k) {
                    if (std::isnan(xv[k]) && std::isnan(yv[k]))
                        continue;
                    const double diff = std::fabs(xv[k] - yv[k]);
                    d.maxAbs = std::max(d.maxAbs, diff);
                    if (xv[k] != 0)
                        d.maxRel = std::max(d.maxRel, diff / std::fabs(xv[k]));
                    if (!(diff <= 1e-5 * scale + 1e-4 * std::fabs(xv[k])))
                        d.ok = false;
                }
            }
        }
    } catch (const std::exception& e) {
        result.ok = false;
        result.error = e.what();
        return result;
    }
    for (const auto& d : result.outputs)
        result.ok = result.ok && d.ok;
    return result;
}

} // namespace netfold
