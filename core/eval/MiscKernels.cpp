// The remaining deterministic ops of opsets 1-17: Shrink, Compress, ReverseSequence, Det,
// LpNormalization, GlobalLpPool, LpPool, MaxUnpool, MeanVarianceNormalization, Unique,
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (inference: the loss values).
#include "eval/Elementwise.h"
#include "eval/Spatial.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

Outputs shrink(KernelContext& ctx)
{
    ctx.requireType(0, kNumeric);
    const Tensor& x = ctx.in(0);
    const double lambd = ctx.attrFloat("lambd", 0.5f), bias = ctx.attrFloat("bias", 0.0f);
    const auto v = readAs<double>(x);
    Output out(ctx, x.dtype(), x.dims());
    for (int64_t i = 0; i < x.numel(); ++i) {
        const double e = v[std::size_t(i)];
        out.setDouble(i, e < -lambd ? e + bias : e > lambd ? e - bias : 0.0);
    }
    return {out.finish()};
}

Outputs compress(KernelContext& ctx)
{
    ctx.requireType(1, kBoolType);
    ctx.requireRank(1, 1);
    const Tensor& x = ctx.in(0);
    const auto cond = readAs<int64_t>(ctx.in(1));
    const bool flat = !ctx.hasAttr("axis");
    const int64_t rank = int64_t(x.rank());
    const int64_t axis = flat ? 0 : ctx.axis(ctx.attrInt("axis", 0), rank);
    const int64_t len = flat ? x.numel() : x.dims()[std::size_t(axis)];
    if (int64_t(cond.size()) > len)
        ctx.fail("condition has " + std::to_string(cond.size()) + " values for an axis of length " + std::to_string(len));
    std::vector<int64_t> keep;
    for (std::size_t i = 0; i < cond.size(); ++i)
        if (cond[i])
            keep.push_back(int64_t(i));
    std::vector<int64_t> dims = flat ? std::vector<int64_t>{int64_t(keep.size())} : x.dims();
    if (!flat)
        dims[std::size_t(axis)] = int64_t(keep.size());
    const int64_t outer = flat ? 1 : product(x.dims(), 0, std::size_t(axis));
    const int64_t inner = flat ? 1 : product(x.dims(), std::size_t(axis + 1));
    Output out(ctx, x.dtype(), dims, Output::Fill::Overwritten);
    int64_t at = 0;
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t k : keep) {
            out.copyRun(at, x, (o * len + k) * inner, inner);
            at += inner;
        }
    return {out.finish()};
}

Outputs reverseSequence(KernelContext& ctx)
{
    ctx.requireMinRank(0, 2);
    const Tensor& x = ctx.in(0);
    const int64_t batchAxis = ctx.attrInt("batch_axis", 1), timeAxis = ctx.attrInt("time_axis", 0);
    if (!((batchAxis == 0 && timeAxis == 1) || (batchAxis == 1 && timeAxis == 0)))
        ctx.fail("batch_axis and time_axis must be 0 and 1 in either order");
    const int64_t B = x.dims()[std::size_t(batchAxis)], T = x.dims()[std::size_t(timeAxis)];
    const auto lens = ctx.ints(1);
    if (ctx.in(1).dims() != std::vector<int64_t>{B})
        ctx.fail("sequence_lens has shape " + dimsString(ctx.in(1).dims()) + ", expected [" + std::to_string(B) + "]");
    for (int64_t l : lens)
        if (l < 0 || l > T)
            ctx.fail("sequence length " + std::to_string(l) + " is outside [0, " + std::to_string(T) + "]");
    const int64_t inner = product(x.dims(), 2);
    Output out(ctx, x.dtype(), x.dims(), Output::Fill::Overwritten);
    for (int64_t b = 0; b < B; ++b)
        for (int64_t t = 0; t < T; ++t) {
            const int64_t len = lens[std::size_t(b)];
            const int64_t src = t < len ? len - 1 - t : t;
            auto offset = [&](int64_t time) {
                return (batchAxis == 0 ? b * T + time : time * B + b) * inner;
            };
            out.copyRun(offset(t), x, offset(src), inner);
        }
    return {out.finish()};
}

Outputs det(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireMinRank(0, 2);
    const Tensor& x = ctx.in(0);
    const int64_t M = x.dims().back();
    if (x.dims()[x.rank() - 2] != M)
        ctx.fail("input of shape " + dimsString(x.dims()) + " is not a stack of square matrices");
    std::vector<int64_t> dims(x.dims().begin(), x.dims().end() - 2);
    Output out(ctx, x.dtype(), dims);
    const auto v = readAs<double>(x);
    std::vector<double> a(static_cast<std::size_t>(M * M));
    for (int64_t m = 0; m < out.numel(); ++m) {
        std::copy_n(v.begin() + m * M * M, M * M, a.begin());
        double d = 1;
        for (int64_t c = 0; c < M && d != 0; ++c) {
            int64_t pivot = c;
            for (int64_t r = c + 1; r < M; ++r)
                if (std::fabs(a[std::size_t(r * M + c)]) > std::fabs(a[std::size_t(pivot * M + c)]))
                    pivot = r;
            if (a[std::size_t(pivot * M + c)] == 0) {
                d = 0;
                break;
            }
            if (pivot != c) {
                for (int64_t k = 0; k < M; ++k)
                    std::swap(a[std::size_t(pivot * M + k)], a[std::size_t(c * M + k)]);
                d = -d;
            }
            const double p = a[std::size_t(c * M + c)];
            d *= p;
            for (int64_t r = c + 1; r < M; ++r) {
                const double f = a[std::size_t(r * M + c)] / p;
                for (int64_t k = c; k < M; ++k)
                    a[std::size_t(r * M + k)] -= f * a[std::size_t(c * M + k)];
            }
            ctx.tick((M - c) * (M - c)); // the elimination is cubic in M
        }
        out.setDouble(m, d);
    }
    return {out.finish()};
}

int64_t lpOrder(const KernelContext& ctx)
{
    const int64_t p = ctx.attrInt("p", 2);
    if (p != 1 && p != 2)
        ctx.fail("p " + std::to_string(p) + " is not 1 or 2");
    return p;
}

double lpTerm(double v, int64_t p) { return p == 1 ? std::fabs(v) : v * v; }
double lpRoot(double s, int64_t p) { return p == 1 ? s : std::sqrt(s); }

Outputs lpNormalization(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    const Tensor& x = ctx.in(0);
    const int64_t p = lpOrder(ctx);
    const int64_t axis = ctx.axis(ctx.attrInt("axis", -1), int64_t(x.rank()));
    const int64_t len = x.dims()[std::size_t(axis)], inner = product(x.dims(), std::size_t(axis + 1));
    const int64_t outer = product(x.dims(), 0, std::size_t(axis));
    const auto v = readAs<double>(x);
    Output out(ctx, x.dtype(), x.dims());
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
            double s = 0;
            for (int64_t k = 0; k < len; ++k)
                s += lpTerm(v[std::size_t((o * len + k) * inner + i)], p);
            const double norm = lpRoot(s, p);
            for (int64_t k = 0; k < len; ++k) {
                const int64_t at = (o * len + k) * inner + i;
                out.setDouble(at, norm == 0 ? 0.0 : v[std::size_t(at)] / norm);
            }
        }
    return {out.finish()};
}

/// (sum |x|^p)^(1/p) for any real p (GlobalLpPool and LpPool take p as a float before opset 11).
double lpNorm(double sum, double p) { return p == 1 ? sum : p == 2 ? std::sqrt(sum) : std::pow(sum, 1.0 / p); }
double lpPower(double v, double p) { return p == 1 ? std::fabs(v) : p == 2 ? v * v : std::pow(std::fabs(v), p); }

/// p of GlobalLpPool / LpPool: a float in opset 1, an int since.
double poolOrder(const KernelContext& ctx)
{
    const auto* a = ctx.node().attribute("p");
    if (!a)
        return 2.0;
    const double p = a->type() == onnx::AttributeProto::FLOAT ? double(a->f()) : double(a->i());
    if (!(p > 0))
        ctx.fail("p " + formatNumber(p) + " is not positive");
    return p;
}

Outputs globalLpPool(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireMinRank(0, 3);
    const Tensor& x = ctx.in(0);
    const double p = poolOrder(ctx);
    const int64_t planes = x.dims()[0] * x.dims()[1], size = product(x.dims(), 2);
    std::vector<int64_t> dims{x.dims()[0], x.dims()[1]};
    dims.resize(x.rank(), 1);
    const auto v = readAs<double>(x);
    Output out(ctx, x.dtype(), dims);
    for (int64_t i = 0; i < planes; ++i) {
        double s = 0;
        for (int64_t k = 0; k < size; ++k)
            s += lpPower(v[std::size_t(i * size + k)], p);
        out.setDouble(i, lpNorm(s, p));
    }
    return {out.finish()};
}

Outputs lpPool(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireMinRank(0, 3);
    const Tensor& x = ctx.in(0);
    const double p = poolOrder(ctx);
    const std::vector<int64_t> spatial(x.dims().begin() + 2, x.dims().end());
    const bool ceilMode = ctx.attrInt("ceil_mode", 0) != 0;
    const Window w = slidingWindow(ctx, spatial, kernelShape(ctx, spatial.size()), ceilMode);
    std::vector<int64_t> dims{x.dims()[0], x.dims()[1]};
    dims.insert(dims.end(), w.out.begin(), w.out.end());
    const auto v = readAs<double>(x);
    const auto inStrides = stridesOf(w.in);
    const int64_t inSize = product(w.in), outSize = product(w.out);
    Output out(ctx, x.dtype(), dims);
    for (int64_t plane = 0; plane < dims[0] * dims[1]; ++plane) {
        int64_t o = 0;
        for (IndexCounter at(w.out); at.valid(); at.next(), ++o) {
            double s = 0;
            forWindow(ctx, w, at.index(), inStrides, [&](int64_t offset) {
                s += lpPower(v[std::size_t(plane * inSize + offset)], p);
            });
            out.setDouble(plane * outSize + o, lpNorm(s, p));
        }
    }
    return {out.finish()};
}

Outputs maxUnpool(KernelContext& ctx)
{
    ctx.requireMinRank(0, 3);
    const Tensor& x = ctx.in(0);
    const auto index = ctx.ints(1);
    if (ctx.in(1).dims() != x.dims())
        ctx.fail("indices of shape " + dimsString(ctx.in(1).dims()) + " do not match X of shape " + dimsString(x.dims()));
    const std::vector<int64_t> spatial(x.dims().begin() + 2, x.dims().end());
    const auto kernel = kernelShape(ctx, spatial.size());
    const Window w = windowAttributes(ctx, spatial, kernel);
    std::vector<int64_t> dims{x.dims()[0], x.dims()[1]};
    for (std::size_t a = 0; a < spatial.size(); ++a) {
        const AxisMath m(ctx, a);
        dims.push_back(m.sub(m.sub(m.add(m.mul(spatial[a] - 1, w.strides[a]), kernel[a]), w.padBegin[a]), w.padEnd[a]));
    }
    if (ctx.has(2)) {
        const auto shape = ctx.ints(2);
        if (shape.size() != dims.size())
            ctx.fail("output_shape " + dimsString(shape) + " does not have rank " + std::to_string(dims.size()));
        dims = shape;
    }
    Output out(ctx, x.dtype(), dims);
    for (int64_t i = 0; i < x.numel(); ++i) {
        const int64_t at = index[std::size_t(i)];
        if (at < 0 || at >= out.numel())
            ctx.fail("index " + std::to_string(at) + " is outside the output of shape " + dimsString(dims));
        out.copy(at, x, i);
    }
    return {out.finish()};
}

Outputs meanVarianceNormalization(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    const Tensor& x = ctx.in(0);
    const int64_t rank = int64_t(x.rank());
    std::vector<int64_t> axes = ctx.hasAttr("axes") ? ctx.attrInts("axes") : std::vector<int64_t>{0, 2, 3};
    axes = ctx.axes(axes, rank);
    std::vector<bool> reduced(x.rank(), false);
    for (int64_t a : axes)
        reduced[std::size_t(a)] = true;
    // Group elements by their index over the kept axes.
    const auto v = readAs<double>(x);
    std::vector<int64_t> keptDims;
    for (std::size_t a = 0; a < x.rank(); ++a)
        keptDims.push_back(reduced[a] ? 1 : x.dims()[a]);
    const auto keptStrides = stridesOf(keptDims);
    const int64_t groups = product(keptDims);
    std::vector<int64_t> group(v.size());
    std::vector<double> sum(std::size_t(groups), 0.0), sq(std::size_t(groups), 0.0), count(std::size_t(groups), 0.0);
    int64_t i = 0;
    for (IndexCounter c(x.dims()); c.valid(); c.next(), ++i) {
        int64_t g = 0;
        for (std::size_t a = 0; a < x.rank(); ++a)
            g += reduced[a] ? 0 : c[a] * keptStrides[a];
        group[std::size_t(i)] = g;
        sum[std::size_t(g)] += v[std::size_t(i)];
        count[std::size_t(g)] += 1;
    }
    for (std::size_t k = 0; k < v.size(); ++k) {
        const auto g = std::size_t(group[k]);
        const double d = v[k] - sum[g] / count[g];
        sq[g] += d * d;
    }
    Output out(ctx, x.dtype(), x.dims());
    for (std::size_t k = 0; k < v.size(); ++k) {
        const auto g = std::size_t(group[k]);
        out.setDouble(int64_t(k), (v[k] - sum[g] / count[g]) / (std::sqrt(sq[g] / count[g]) + 1e-9));
    }
    return {out.finish()};
}

Outputs unique(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    if (x.dtype() != dtype::String)
        ctx.requireType(0, kNumericOrBool);
    const bool sorted = ctx.attrInt("sorted", 1) != 0;
    const bool flat = !ctx.hasAttr("axis");
    const int64_t axis = flat ? 0 : ctx.axis(ctx.attrInt("axis", 0), int64_t(x.rank()));
    const int64_t len = flat ? x.numel() : x.dims()[std::size_t(axis)];
    const int64_t outer = flat ? 1 : product(x.dims(), 0, std::size_t(axis));
    const int64_t inner = flat ? 1 : product(x.dims(), std::size_t(axis + 1));
    // Slice k as a comparable key: numbers (as double / int64) or strings.
    const bool isString = x.dtype() == dtype::String;
    const bool isFloat = isFloatType(x.dtype());
    const auto dv = isFloat ? readAs<double>(x) : std::vector<double>{};
    const auto iv = !isFloat && !isString ? readAs<int64_t>(x) : std::vector<int64_t>{};
    const bool unsignedType = isUnsignedType(x.dtype());
    auto element = [&](int64_t k, int64_t o, int64_t i) { return (o * len + k) * inner + i; };
    auto less = [&](int64_t a, int64_t b) {
        for (int64_t o = 0; o < outer; ++o)
            for (int64_t i = 0; i < inner; ++i) {
                const auto ea = std::size_t(element(a, o, i)), eb = std::size_t(element(b, o, i));
                if (isString) {
                    if (x.strings()[ea] != x.strings()[eb])
                        return x.strings()[ea] < x.strings()[eb];
                } else if (isFloat) {
                    if (dv[ea] != dv[eb])
                        return dv[ea] < dv[eb];
                } else if (iv[ea] != iv[eb]) {
                    return unsignedType ? uint64_t(iv[ea]) < uint64_t(iv[eb]) : iv[ea] < iv[eb];
                }
            }
        return false;
    };
    std::vector<int64_t> order(static_cast<std::size_t>(len));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), less);
    // First occurrences in sorted order, and the group of every slice.
    std::vector<int64_t> firsts, groupOf(static_cast<std::size_t>(len));
    for (std::size_t k = 0; k < order.size(); ++k) {
        if (k == 0 || less(order[k - 1], order[k]))
            firsts.push_back(order[k]);
        groupOf[std::size_t(order[k])] = int64_t(firsts.size()) - 1;
    }
    std::vector<int64_t> rank(firsts.size());
    std::iota(rank.begin(), rank.end(), 0);
    if (!sorted) {
        std::vector<int64_t> byFirst(firsts.size());
        std::iota(byFirst.begin(), byFirst.end(), 0);
        std::sort(byFirst.begin(), byFirst.end(), [&](int64_t a, int64_t b) { return firsts[std::size_t(a)] < firsts[std::size_t(b)]; });
        for (std::size_t k = 0; k < byFirst.size(); ++k)
            rank[std::size_t(byFirst[k])] = int64_t(k);
    }
    const auto U = int64_t(firsts.size());
    std::vector<int64_t> slot(firsts.size()), counts(firsts.size(), 0), inverse(static_cast<std::size_t>(len));
    for (std::size_t g = 0; g < firsts.size(); ++g)
        slot[std::size_t(rank[g])] = firsts[g];
    for (int64_t k = 0; k < len; ++k) {
        inverse[std::size_t(k)] = rank[std::size_t(groupOf[std::size_t(k)])];
        ++counts[std::size_t(inverse[std::size_t(k)])];
    }
    std::vector<int64_t> dims = flat ? std::vector<int64_t>{U} : x.dims();
    if (!flat)
        dims[std::size_t(axis)] = U;
    Output y(ctx, x.dtype(), dims, Output::Fill::Overwritten);
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t u = 0; u < U; ++u)
            y.copyRun((o * U + u) * inner, x, element(slot[std::size_t(u)], o, 0), inner);
    Output indices(ctx, dtype::Int64, {U}), inv(ctx, dtype::Int64, {len}), cnt(ctx, dtype::Int64, {U});
    indices.putAll(slot);
    inv.putAll(inverse);
    cnt.putAll(counts);
    return {y.finish(), indices.finish(), inv.finish(), cnt.finish()};
}

/// The weighted negative log-likelihood of log-probabilities lp [N, C, d...] at target [N, d...].
TensorPtr nllLoss(const KernelContext& ctx, int32_t dt, const std::vector<int64_t>& dims, const std::vector<double>& lp,
                  std::size_t targetIndex, std::size_t weightIndex)
{
    const int64_t N = dims[0], C = dims[1], D = product(dims, 2);
    ctx.requireType(targetIndex, kIndexTypes);
    std::vector<int64_t> targetDims{N};
    targetDims.insert(targetDims.end(), dims.begin() + 2, dims.end());
    if (ctx.in(targetIndex).dims() != targetDims)
        ctx.fail("target of shape " + dimsString(ctx.in(targetIndex).dims()) + " does not match input of shape "
                 + dimsString(dims));
    const auto target = ctx.ints(targetIndex);
    std::vector<double> weight(static_cast<std::size_t>(C), 1.0);
    if (ctx.has(weightIndex)) {
        if (ctx.in(weightIndex).dims() != std::vector<int64_t>{C})
            ctx.fail("weight of shape " + dimsString(ctx.in(weightIndex).dims()) + " is not [" + std::to_string(C) + "]");
        weight = readAs<double>(ctx.in(weightIndex));
    }
    const bool hasIgnore = ctx.hasAttr("ignore_index");
    const int64_t ignore = ctx.attrInt("ignore_index", 0);
    const std::string reduction = ctx.attrString("reduction", "mean");
    if (reduction != "mean" && reduction != "sum" && reduction != "none")
        ctx.fail("reduction " + quote(reduction) + " is not mean, sum or none");
    std::vector<double> loss(static_cast<std::size_t>(N * D));
    double total = 0, weights = 0;
    for (int64_t n = 0; n < N; ++n)
        for (int64_t d = 0; d < D; ++d) {
            const int64_t t = target[std::size_t(n * D + d)];
            double l = 0, w = 0;
            if (!(hasIgnore && t == ignore)) {
                if (t < 0 || t >= C)
                    ctx.fail("target " + std::to_string(t) + " is outside [0, " + std::to_string(C) + ")");
                w = weight[std::size_t(t)];
                l = -lp[std::size_t((n * C + t) * D + d)] * w;
            }
            loss[std::size_t(n * D + d)] = l;
            total += l;
            weights += w;
        }
    if (reduction == "none") {
        Output out(ctx, dt, targetDims);
        out.putAll(loss);
        return out.finish();
    }
    Output out(ctx, dt, {});
    out.setDouble(0, reduction == "sum" ? total : total / weights);
    return out.finish();
}

Outputs negativeLogLikelihoodLoss(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireMinRank(0, 2);
    const Tensor& x = ctx.in(0);
    if (ctx.has(2))
        ctx.requireSameType(0, 2);
    return {nllLoss(ctx, x.dtype(), x.dims(), readAs<double>(x), 1, 2)};
}

Outputs softmaxCrossEntropyLoss(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireMinRank(0, 2);
    const Tensor& x = ctx.in(0);
    if (ctx.has(2))
        ctx.requireSameType(0, 2);
    const int64_t N = x.dims()[0], C = x.dims()[1], D = product(x.dims(), 2);
    auto lp = readAs<double>(x);
    for (int64_t n = 0; n < N; ++n)
        for (int64_t d = 0; d < D; ++d) {
            double m = -INFINITY;
            for (int64_t c = 0; c < C; ++c)
                m = std::max(m, lp[std::size_t((n * C + c) * D + d)]);
            double s = 0;
            for (int64_t c = 0; c < C; ++c)
                s += std::exp(lp[std::size_t((n * C + c) * D + d)] - m);
            const double logSum = m + std::log(s);
            for (int64_t c = 0; c < C; ++c)
                lp[std::size_t((n * C + c) * D + d)] -= logSum;
        }
    Outputs outs{nllLoss(ctx, x.dtype(), x.dims(), lp, 1, 2)};
    if (ctx.wantsOutput(1)) {
        Output logProb(ctx, x.dtype(), x.dims());
        logProb.putAll(lp);
        outs.push_back(logProb.finish());
    }
    return outs;
}

} // namespace

void registerMiscKernels(KernelTable& table)
{
    table["Shrink"] = shrink;
    table["Compress"] = compress;
    table["ReverseSequence"] = reverseSequence;
    table["Det"] = det;
    table["LpNormalization"] = lpNormalization;
    table["GlobalLpPool"] = globalLpPool;
    table["LpPool"] = lpPool;
    table["MaxUnpool"] = maxUnpool;
    table["MeanVarianceNormalization"] = meanVarianceNormalization;
    table["Unique"] = unique;
    table["NegativeLogLikelihoodLoss"] = negativeLogLikelihoodLoss;
    table["SoftmaxCrossEntropyLoss"] = softmaxCrossEntropyLoss;
}

} // namespace netfold::eval
