// Reductions: ReduceSum/Prod/Min/Max/Mean/L1/L2/LogSum/LogSumExp/SumSquare, ArgMax, ArgMin.
#include "eval/Elementwise.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

enum class Reduction { Sum, Prod, Min, Max, Mean, L1, L2, LogSum, LogSumExp, SumSquare };

struct ReduceOp {
    const char* op;
    Reduction kind;
    int64_t axesInputFrom; // first opset taking axes as an input
};

const ReduceOp kReduceOps[] = {
    {"ReduceSum", Reduction::Sum, 13},        {"ReduceProd", Reduction::Prod, 18},
    {"ReduceMin", Reduction::Min, 18},        {"ReduceMax", Reduction::Max, 18},
    {"ReduceMean", Reduction::Mean, 18},      {"ReduceL1", Reduction::L1, 18},
    {"ReduceL2", Reduction::L2, 18},          {"ReduceLogSum", Reduction::LogSum, 18},
    {"ReduceLogSumExp", Reduction::LogSumExp, 18}, {"ReduceSumSquare", Reduction::SumSquare, 18},
};

/// Which axes of x are reduced, sorted. With noop_with_empty_axes and no axes the list is empty:
/// every element is then "reduced" alone (ReduceSumSquare squares, ReduceL1 takes |x| ...).
std::vector<int64_t> reducedAxes(const KernelContext& ctx, const Tensor& x, int64_t axesInputFrom)
{
    const bool fromInput = ctx.opset() >= axesInputFrom;
    std::vector<int64_t> axes = fromInput ? (ctx.has(1) ? ctx.ints(1) : std::vector<int64_t>{}) : ctx.attrInts("axes");
    const auto rank = static_cast<int64_t>(x.rank());
    if (axes.empty() && !(fromInput && ctx.attrInt("noop_with_empty_axes", 0) != 0))
        for (int64_t i = 0; i < rank; ++i)
            axes.push_back(i);
    axes = ctx.axes(axes, rank);
    std::sort(axes.begin(), axes.end());
    return axes;
}

/// Output dims with reduced axes kept as 1 (for iteration) and as requested (for the result).
struct ReduceShape {
    std::vector<int64_t> kept;
    std::vector<int64_t> out;
};

ReduceShape reduceShape(const std::vector<int64_t>& dims, const std::vector<int64_t>& axes, bool keepDims)
{
    ReduceShape s;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        const bool reduced = std::binary_search(axes.begin(), axes.end(), int64_t(i));
        s.kept.push_back(reduced ? 1 : dims[i]);
        if (!reduced || keepDims)
            s.out.push_back(reduced ? 1 : dims[i]);
    }
    return s;
}

template <class T> T initialValue(Reduction kind)
{
    switch (kind) {
    case Reduction::Prod: return T(1);
    case Reduction::Min:
        return std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
    case Reduction::Max:
        return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                    : std::numeric_limits<T>::lowest();
    default: return T(0);
    }
}

template <class T> T accumulate(Reduction kind, T acc, T v)
{
    switch (kind) {
    case Reduction::Prod: return wrapMul(acc, v);
    case Reduction::Min:
        if constexpr (std::is_floating_point_v<T>)
            if (std::isnan(v) || std::isnan(acc))
                return std::numeric_limits<T>::quiet_NaN();
        return std::min(acc, v);
    case Reduction::Max:
        if constexpr (std::is_floating_point_v<T>)
            if (std::isnan(v) || std::isnan(acc))
                return std::numeric_limits<T>::quiet_NaN();
        return std::max(acc, v);
    case Reduction::L1: return wrapAdd(acc, isNegative(v) ? wrapNeg(v) : v);
    case Reduction::L2: case Reduction::SumSquare: return wrapAdd(acc, wrapMul(v, v));
    case Reduction::LogSumExp: return acc + static_cast<T>(std::exp(static_cast<double>(v)));
    default: return wrapAdd(acc, v);
    }
}

template <class T> double finalizeDouble(Reduction kind, T acc, int64_t count)
{
    const auto a = static_cast<double>(acc);
    switch (kind) {
    case Reduction::Mean: return a / static_cast<double>(count);
    case Reduction::L2: return std::sqrt(a);
    case Reduction::LogSum: case Reduction::LogSumExp: return std::log(a);
    default: return a;
    }
}

/// True for reductions whose result is not an integer even on integer inputs.
bool needsDouble(Reduction kind)
{
    return kind == Reduction::L2 || kind == Reduction::LogSum || kind == Reduction::LogSumExp;
}

template <class T>
TensorPtr reduceAs(const KernelContext& ctx, const Tensor& x, const ReduceShape& shape, Reduction kind)
{
    Output out(ctx, x.dtype(), shape.out);
    std::vector<T> acc(static_cast<std::size_t>(out.numel()), initialValue<T>(kind));
    const auto v = readAs<T>(x);
    BroadcastIterator it(x.dims(), {shape.kept});
    for (std::size_t i = 0; i < v.size(); ++i, it.next()) {
        T& a = acc[static_cast<std::size_t>(it.offset(0))];
        a = accumulate(kind, a, v[i]);
    }
    const int64_t count = out.numel() ? x.numel() / out.numel() : 0;
    for (int64_t i = 0; i < out.numel(); ++i) {
        const T a = acc[static_cast<std::size_t>(i)];
        if (std::is_integral_v<T> && kind == Reduction::Mean)
            out.put(i, count ? static_cast<T>(a / static_cast<T>(count)) : T(0));
        else if (std::is_integral_v<T> && !needsDouble(kind))
            out.put(i, a);
        else
            out.setDouble(i, finalizeDouble(kind, a, count));
    }
    return out.finish();
}

Outputs reduce(KernelContext& ctx)
{
    const auto* op = std::find_if(std::begin(kReduceOps), std::end(kReduceOps),
                                  [&](const ReduceOp& r) { return ctx.node().opType == r.op; });
    const bool minMax = op->kind == Reduction::Min || op->kind == Reduction::Max;
    ctx.requireType(0, minMax ? kNumericOrBool : kNumeric);
    const Tensor& x = ctx.in(0);
    const auto axes = reducedAxes(ctx, x, op->axesInputFrom);
    const ReduceShape shape = reduceShape(x.dims(), axes, ctx.attrInt("keepdims", 1) != 0);
    if (isFloatType(x.dtype()) || needsDouble(op->kind))
        return {reduceAs<double>(ctx, x, shape, op->kind)};
    if (isUnsignedType(x.dtype()))
        return {reduceAs<uint64_t>(ctx, x, shape, op->kind)};
    return {reduceAs<int64_t>(ctx, x, shape, op->kind)};
}

template <class T> TensorPtr argExtreme(const KernelContext& ctx, const Tensor& x, int64_t axis, bool keepDims,
                                        bool isMax, bool last)
{
    const auto a = static_cast<std::size_t>(axis);
    std::vector<int64_t> dims = x.dims();
    if (keepDims)
        dims[a] = 1;
    else
        dims.erase(dims.begin() + axis);
    const int64_t n = x.dims()[a];
    if (n == 0)
        ctx.fail("cannot take the arg of an empty axis " + std::to_string(axis));
    Output out(ctx, dtype::Int64, dims);
    const int64_t inner = product(x.dims(), a + 1);
    const auto v = readAs<T>(x);
    for (int64_t o = 0; o < out.numel(); ++o) {
        const int64_t base = (o / inner) * n * inner + o % inner;
        int64_t best = 0;
        for (int64_t k = 1; k < n; ++k) {
            const T cand = v[static_cast<std::size_t>(base + k * inner)];
            const T cur = v[static_cast<std::size_t>(base + best * inner)];
            const bool better = isMax ? (cand > cur || (last && cand == cur)) : (cand < cur || (last && cand == cur));
            if (better)
                best = k;
        }
        out.setInt(o, best);
    }
    return out.finish();
}

Outputs argMinMax(KernelContext& ctx)
{
    ctx.requireType(0, kNumeric);
    const Tensor& x = ctx.in(0);
    const int64_t axis = ctx.axis(ctx.attrInt("axis", 0), static_cast<int64_t>(x.rank()));
    const bool keepDims = ctx.attrInt("keepdims", 1) != 0;
    const bool last = ctx.opset() >= 12 && ctx.attrInt("select_last_index", 0) != 0;
    const bool isMax = ctx.node().opType == "ArgMax";
    TensorPtr result;
    withDomain(x.dtype(), [&](auto tag) {
        result = argExtreme<decltype(tag)>(ctx, x, axis, keepDims, isMax, last);
    });
    return {result};
}

} // namespace

void registerReduceKernels(KernelTable& table)
{
    for (const auto& op : kReduceOps)
        table[op.op] = reduce;
    table["ArgMax"] = argMinMax;
    table["ArgMin"] = argMinMax;
}

} // namespace netfold::eval
