#include "eval/Verify.h"

#include "eval/Evaluator.h"
#include "eval/Values.h"

#include "model/DataType.h"
#include "util/Error.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <random>
#include <set>

namespace netfold {

namespace {

std::string dimsText(const std::vector<int64_t>& dims)
{
    std::string s = "[";
    for (std::size_t i = 0; i < dims.size(); ++i)
        s += (i ? "," : "") + std::to_string(dims[i]);
    return s + "]";
}

/// Random values for an input, made a chunk at a time straight into the tensor's bytes (never a
/// double per element beside them); poll() runs between chunks and may throw to stop.
TensorPtr randomInput(int32_t elemType, const std::vector<int64_t>& dims, std::mt19937_64& rng,
                      const std::function<void()>& poll)
{
    const int64_t n = checkedNumel(dims, "A random input");
    constexpr int64_t kChunk = 1 << 16; // even: packed 4-bit chunks join byte-aligned
    // Straight from the generator's bits: std::uniform_real_distribution goes through
    // generate_canonical, which computes a long-double logarithm per value (in a profile of the
    // fuzz target, a third of the time its checks took).
    auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * 0x1.0p-52 - 1.0; }; // [-1, 1)
    auto small = [&rng] { return static_cast<int>(rng() >> 62); };                           // 0..3
    std::vector<double> values;
    auto fill = [&](int64_t count) {
        values.resize(static_cast<std::size_t>(count));
        for (auto& v : values) {
            if (isFloatType(elemType))
                v = static_cast<float>(uniform());
            else if (elemType == dtype::Bool)
                v = small() & 1;
            else
                v = small();
        }
    };
    if (n <= kChunk) {
        fill(n);
        return Tensor::fromDoubles(elemType, dims, values);
    }
    Bytes bytes;
    for (int64_t done = 0; done < n; done += kChunk) {
        fill(std::min(kChunk, n - done));
        const TensorPtr part = Tensor::fromDoubles(elemType, {static_cast<int64_t>(values.size())}, values);
        if (bytes.empty())
            bytes.reserve(static_cast<std::size_t>((n + kChunk - 1) / kChunk) * part->bytes().size());
        bytes.insert(bytes.end(), part->bytes().begin(), part->bytes().end());
        if (poll)
            poll();
    }
    return std::make_shared<const Tensor>(elemType, dims, std::move(bytes));
}

/// One real (non-initializer) input and what is known of its shape.
struct InputSpec {
    std::string name;
    int32_t elemType = 0;
    std::vector<int64_t> fixed; ///< the user's shape, when given
    std::vector<Dim> dims;      ///< the model's dims otherwise
};

/// Key of a symbolic dim: its name when it has one (the same name is the same size in every
/// input), else the input and axis.
std::string dimKey(const InputSpec& in, std::size_t axis)
{
    const Dim& d = in.dims[axis];
    if (!d.param.empty() && !d.placeholder())
        return "name:" + d.param;
    return "axis:" + in.name + "#" + std::to_string(axis);
}

std::vector<int64_t> shapeFor(const InputSpec& in, const std::map<std::string, int64_t>& sizes)
{
    if (!in.fixed.empty() || in.dims.empty())
        return in.fixed;
    std::vector<int64_t> dims;
    for (std::size_t k = 0; k < in.dims.size(); ++k)
        dims.push_back(in.dims[k].known() ? in.dims[k].value : sizes.at(dimKey(in, k)));
    return dims;
}

void compareOutputs(const std::map<std::string, TensorPtr>& a, const std::map<std::string, TensorPtr>& b,
                    std::vector<OutputDiff>& outputs)
{
    for (auto& d : outputs) {
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
            d.problem = "shapes differ: " + dimsText(x.dims()) + " vs " + dimsText(y.dims());
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
            if (std::isinf(xv[k]) && xv[k] == yv[k])
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

/// An error message as a clause inside a sentence: one line, no closing full stop.
std::string clause(const std::string& message)
{
    std::string s = oneLine(message);
    while (!s.empty() && (s.back() == '.' || s.back() == ' '))
        s.pop_back();
    return s;
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

std::string VerifyResult::shapesText() const
{
    std::string s;
    for (const auto& [name, dims] : inputShapes)
        s += (s.empty() ? "" : ", ") + name + dimsText(dims);
    return s;
}

std::string checkInputShape(const Model& model, const std::string& name, const std::vector<int64_t>& dims)
{
    const Graph& g = model.graph;
    auto it = std::find_if(g.inputs.begin(), g.inputs.end(), [&](const ValueInfo& v) { return v.name == name; });
    if (it == g.inputs.end() || g.findInitializer(name))
        return "The model has no input " + quote(name) + ".";
    for (auto d : dims)
        if (d < 0)
            return "Input shape " + name + dimsText(dims) + " has a negative dim; give every size.";
    const ValueType t = it->type.known() ? it->type : g.typeOf(name);
    if (!t.hasShape)
        return {};
    if (t.dims.size() != dims.size())
        return "Input " + quote(name) + " has rank " + std::to_string(t.dims.size()) + " " + t.shapeString()
               + ", given " + std::to_string(dims.size()) + " dims " + dimsText(dims) + ".";
    for (std::size_t k = 0; k < dims.size(); ++k)
        if (t.dims[k].known() && t.dims[k].value != dims[k])
            return "Input " + quote(name) + " is " + t.shapeString() + ", given " + dimsText(dims) + ": dim "
                   + std::to_string(k) + " is fixed at " + std::to_string(t.dims[k].value) + ".";
    return {};
}

VerifyResult verifyModels(const Model& original, const Model& simplified, int runs, uint64_t seed)
{
    VerifyOptions options;
    options.runs = runs;
    options.seed = seed;
    return verifyModels(original, simplified, options);
}

VerifyResult verifyModels(const Model& original, const Model& simplified, const VerifyOptions& options)
{
    EvalBudget budget;
    budget.maxBytes = options.maxBytes ? options.maxBytes : defaultCheckBudget(original, simplified);
    budget.maxIterations = options.maxIterations;
    budget.maxSeconds = options.maxSeconds;
    budget.cancel = options.cancel;
    EvalOptions evalOptions;
    evalOptions.budget = &budget;
    const auto start = std::chrono::steady_clock::now();
    // Each evaluation gets the memory and iteration budget afresh; the clock runs on.
    auto evaluate = [&](const Model& m, const std::map<std::string, TensorPtr>& feeds) {
        budget.reset();
        budget.start = start;
        return evaluateGraph(m, m.graph, feeds, {}, evalOptions);
    };
    VerifyResult result;
    auto cancelled = [&options] { return options.cancel && options.cancel->load(); };
    std::set<std::string> missing;
    for (const auto& op : missingKernels(original.graph))
        missing.insert(op);
    for (const auto& op : missingKernels(simplified.graph))
        missing.insert(op);
    result.blockers.assign(missing.begin(), missing.end());
    if (!missing.empty()) {
        result.reason = "cannot check: no kernel for ";
        for (std::size_t k = 0; k < result.blockers.size(); ++k)
            result.reason += (k ? ", " : "") + result.blockers[k];
        return result;
    }

    // The inputs, and the symbolic dims to choose sizes for.
    const Graph& g = original.graph;
    std::vector<InputSpec> inputs;
    std::map<std::string, int64_t> bound; // named dims fixed by the user's shapes
    for (const auto& in : g.inputs) {
        if (g.findInitializer(in.name))
            continue;
        const ValueType t = in.type.known() ? in.type : g.typeOf(in.name);
        if (!isNumericType(t.elemType) || !t.kind.empty()) {
            result.reason = "cannot check: input " + quote(in.name) + " (" + t.toString()
                            + ") is not a numeric tensor to make random values for";
            return result;
        }
        InputSpec spec{in.name, t.elemType, {}, t.dims};
        auto user = options.inputShapes.find(in.name);
        if (user != options.inputShapes.end()) {
            const std::string problem = checkInputShape(original, in.name, user->second);
            if (!problem.empty()) {
                result.reason = "cannot check: " + problem;
                return result;
            }
            spec.fixed = user->second;
            if (t.hasShape)
                for (std::size_t k = 0; k < t.dims.size(); ++k)
                    if (!t.dims[k].known() && !t.dims[k].param.empty() && !t.dims[k].placeholder())
                        bound["name:" + t.dims[k].param] = user->second[k];
        } else if (!t.hasShape) {
            result.reason = "cannot check: input " + quote(in.name)
                            + " has no shape; give one with --check-input-shape " + in.name + ":D,D,...";
            return result;
        }
        inputs.push_back(std::move(spec));
    }
    std::vector<std::string> keys;
    for (const auto& in : inputs)
        if (in.fixed.empty())
            for (std::size_t k = 0; k < in.dims.size(); ++k)
                if (!in.dims[k].known()) {
                    const std::string key = dimKey(in, k);
                    if (!bound.count(key) && std::find(keys.begin(), keys.end(), key) == keys.end())
                        keys.push_back(key);
                }

    // Size combinations to try, smallest first: every free dim at firstDim; then one dim at a time
    // growing; then all of them growing together.
    std::vector<int64_t> sizes;
    for (int64_t v = std::max<int64_t>(1, options.firstDim) * 4; v < options.maxDim; v *= 4)
        sizes.push_back(v);
    if (options.maxDim > options.firstDim)
        sizes.push_back(options.maxDim);
    std::map<std::string, int64_t> base = bound;
    for (const auto& k : keys)
        base[k] = options.firstDim;
    std::vector<std::map<std::string, int64_t>> candidates{base};
    for (const auto& k : keys)
        for (auto v : sizes) {
            auto c = base;
            c[k] = v;
            candidates.push_back(c);
        }
    if (keys.size() > 1)
        for (auto v : sizes) {
            auto c = base;
            for (const auto& k : keys)
                c[k] = v;
            candidates.push_back(c);
        }

    std::mt19937_64 rng(options.seed);
    // Making the inputs counts against the check's clock and can be cancelled like evaluating.
    bool inputsTimedOut = false;
    auto poll = [&] {
        if (cancelled())
            throw Error("cancelled");
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        if (options.maxSeconds > 0 && elapsed.count() > options.maxSeconds) {
            inputsTimedOut = true;
            throw Error("making its random values ran for over " + eval::formatNumber(options.maxSeconds)
                        + " s, the check's time cap");
        }
    };
    auto makeFeeds = [&](const std::map<std::string, std::vector<int64_t>>& shapes) {
        std::map<std::string, TensorPtr> feeds;
        for (const auto& in : inputs)
            feeds[in.name] = randomInput(in.elemType, shapes.at(in.name), rng, poll);
        return feeds;
    };

    // Find sizes the original model runs on.
    std::map<std::string, TensorPtr> feeds, a;
    std::string firstError;
    std::map<std::string, std::vector<int64_t>> firstShapes, bigShapes;
    bool found = false;
    bool overBudget = false; // why bigShapes were not tried: bytes (else elements)
    bool stoppedLarger = false; // the time cap ran out while a larger size was tried
    bool outAfterFirst = false; // ... or already on the first
    uint64_t bigBytes = 0;
    for (const auto& c : candidates) {
        std::map<std::string, std::vector<int64_t>> shapes;
        bool tooBig = false, tooManyBytes = false;
        // The model's own sizes (first candidate) may be large; grown sizes stay small.
        const int64_t limit = &c == &candidates.front() ? options.maxFirstInputElements : options.maxInputElements;
        uint64_t inputBytes = 0;
        for (const auto& in : inputs) {
            shapes[in.name] = shapeFor(in, c);
            int64_t n = 1;
            for (auto d : shapes[in.name])
                n = d > 0 && n > limit / d ? limit + 1 : n * d;
            tooBig = tooBig || n > limit;
            if (!tooBig)
                inputBytes += static_cast<uint64_t>(n) * std::max<uint64_t>(dtypeSize(in.elemType), 1);
        }
        // The inputs are values of the evaluation too: together they stay within its memory cap.
        tooManyBytes = !tooBig && inputBytes > budget.maxBytes;
        if (tooBig || tooManyBytes) {
            if (bigShapes.empty()) {
                bigShapes = shapes;
                overBudget = tooManyBytes;
                bigBytes = inputBytes;
            }
            continue;
        }
        ++result.attempts;
        if (result.attempts == 1)
            firstShapes = shapes;
        try {
            feeds = makeFeeds(shapes);
            a = evaluate(original, feeds);
            result.inputShapes = shapes;
            found = true;
            break;
        } catch (const std::bad_alloc&) {
            if (firstError.empty())
                firstError = "out of memory";
        } catch (const std::exception& e) {
            if (firstError.empty())
                firstError = clause(e.what());
        }
        // The clock runs across attempts: once it is out, a larger size was stopped, not failing.
        const bool outOfTime = options.maxSeconds > 0
                               && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
                                      > options.maxSeconds;
        if (result.attempts == 1)
            outAfterFirst = outOfTime;
        else if (outOfTime && !outAfterFirst) {
            stoppedLarger = true;
            break;
        }
        if (cancelled()) {
            result.cancelled = true;
            result.inputShapes = shapes;
            result.reason = "cannot check: cancelled while running the original model on input " + result.shapesText();
            return result;
        }
    }
    if (!found) {
        if (result.attempts == 0) {
            result.inputShapes = bigShapes;
            if (overBudget)
                result.reason = "cannot check: the inputs (" + result.shapesText() + ") take " + std::to_string(bigBytes)
                                + " bytes, over the check's memory cap of " + std::to_string(budget.maxBytes) + " bytes";
            else
                result.reason = "cannot check: an input has more than " + std::to_string(options.maxFirstInputElements)
                                + " elements, too many to make random values for (" + result.shapesText() + ")";
            return result;
        }
        if (inputsTimedOut && !stoppedLarger) {
            result.inputShapes = firstShapes;
            result.reason = "cannot check: input " + result.shapesText() + ": " + firstError;
            return result;
        }
        result.inputShapes = firstShapes;
        result.reason = "cannot check: the original model fails on input " + result.shapesText() + ": " + firstError;
        const std::string cap = "the check's " + eval::formatNumber(options.maxSeconds) + " s time cap ran out on ";
        if (stoppedLarger && result.attempts > 2)
            result.reason += " (" + std::to_string(result.attempts - 2) + " larger input size(s) fail too; " + cap
                             + "the next)";
        else if (stoppedLarger)
            result.reason += " (" + cap + "the next larger input size)";
        else if (result.attempts > 1)
            result.reason += " (" + std::to_string(result.attempts - 1) + " larger input size(s) tried, up to "
                             + std::to_string(options.maxDim) + ", fail too)";
        return result;
    }

    for (const auto& o : g.outputs)
        result.outputs.push_back({o.name, 0, 0, true, {}});
    result.ran = true;
    for (int r = 0; r < std::max(1, options.runs); ++r) {
        if (r > 0) {
            try {
                feeds = makeFeeds(result.inputShapes);
                a = evaluate(original, feeds);
            } catch (const std::exception& e) {
                if (cancelled()) {
                    result.cancelled = true;
                    break;
                }
                // Not the simplified model's fault: stop with what was measured.
                result.error = (inputsTimedOut ? "random input " + std::to_string(r + 1) + " ("
                                                   : "the original model fails on random input " + std::to_string(r + 1) + " (")
                               + result.shapesText() + "): " + clause(e.what()) + "; compared on "
                               + std::to_string(result.runs) + " input(s)";
                break;
            }
        }
        std::map<std::string, TensorPtr> b;
        try {
            b = evaluate(simplified, feeds);
        } catch (const std::exception& e) {
            if (cancelled()) {
                // Stopped by the user, not a failure of the simplified model.
                result.cancelled = true;
                if (result.runs == 0) {
                    result.ran = false;
                    result.outputs.clear();
                    result.reason = "cannot check: cancelled while running the simplified model on input "
                                    + result.shapesText();
                    return result;
                }
                break;
            }
            result.error = "the simplified model fails on input " + result.shapesText()
                           + " where the original runs: " + clause(e.what());
            result.ok = false;
            if (result.runs == 0)
                result.outputs.clear(); // nothing was compared
            return result;
        }
        ++result.runs;
        compareOutputs(a, b, result.outputs);
    }
    result.ok = true;
    for (const auto& d : result.outputs)
        result.ok = result.ok && d.ok;
    return result;
}

} // namespace netfold
