// Normalization and other network layers in inference mode: BatchNormalization,
// InstanceNormalization, LayerNormalization, LRN, Dropout, DepthToSpace, SpaceToDepth.
#include "eval/Elementwise.h"
#include "eval/TensorOps.h"

#include <algorithm>
#include <cmath>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

/// Input i as doubles, which must hold exactly `count` values (per-channel parameters).
std::vector<double> channelParams(const KernelContext& ctx, std::size_t i, int64_t count, const char* what)
{
    ctx.requireType(i, kFloatTypes);
    if (ctx.in(i).numel() != count || ctx.in(i).rank() != 1)
        ctx.fail(std::string(what) + " has shape " + dimsString(ctx.in(i).dims()) + ", expected ["
                 + std::to_string(count) + "]");
    return readAs<double>(ctx.in(i));
}

void refuseTrainingOutputs(const KernelContext& ctx, std::size_t from)
{
    for (std::size_t i = from; i < ctx.outputCount(); ++i)
        if (ctx.wantsOutput(i))
            ctx.fail("training-mode output " + std::to_string(i) + " has no kernel");
}

Outputs batchNormalization(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireMinRank(0, 2);
    if (ctx.opset() >= 14 && ctx.attrInt("training_mode", 0) != 0)
        ctx.fail("training_mode=1 has no kernel");
    if (ctx.opset() < 7 && ctx.attrInt("is_test", 0) == 0)
        ctx.fail("is_test=0 (training) has no kernel");
    if (ctx.opset() < 9 && ctx.attrInt("spatial", 1) == 0)
        ctx.fail("spatial=0 has no kernel");
    refuseTrainingOutputs(ctx, 1);
    const Tensor& x = ctx.in(0);
    const int64_t C = x.dims()[1], inner = product(x.dims(), 2);
    const auto scale = channelParams(ctx, 1, C, "scale");
    const auto bias = channelParams(ctx, 2, C, "B");
    const auto mean = channelParams(ctx, 3, C, "mean");
    const auto var = channelParams(ctx, 4, C, "var");
    const double eps = ctx.attrFloat("epsilon", 1e-5f);
    const auto v = readAs<double>(x);
    Output out(ctx, x.dtype(), x.dims());
    for (int64_t i = 0; i < out.numel(); ++i) {
        const auto c = static_cast<std::size_t>((i / inner) % C);
        out.setDouble(i, (v[std::size_t(i)] - mean[c]) / std::sqrt(var[c] + eps) * scale[c] + bias[c]);
    }
    return {out.finish()};
}

struct Moments {
    double mean = 0, invStd = 0;
};

/// Mean and 1/sqrt(variance + eps) of n values.
Moments moments(const double* v, int64_t n, double eps)
{
    double sum = 0;
    for (int64_t i = 0; i < n; ++i)
        sum += v[i];
    const double mean = n ? sum / double(n) : 0.0;
    double sq = 0;
    for (int64_t i = 0; i < n; ++i)
        sq += (v[i] - mean) * (v[i] - mean);
    return {mean, 1.0 / std::sqrt((n ? sq / double(n) : 0.0) + eps)};
}

Outputs instanceNormalization(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireMinRank(0, 3);
    const Tensor& x = ctx.in(0);
    const int64_t C = x.dims()[1], inner = product(x.dims(), 2);
    const auto scale = channelParams(ctx, 1, C, "scale");
    const auto bias = channelParams(ctx, 2, C, "B");
    const double eps = ctx.attrFloat("epsilon", 1e-5f);
    const auto v = readAs<double>(x);
    Output out(ctx, x.dtype(), x.dims());
    for (int64_t img = 0; img * inner < out.numel(); ++img) {
        const auto c = static_cast<std::size_t>(img % C);
        const Moments m = moments(v.data() + img * inner, inner, eps);
        for (int64_t i = img * inner; i < (img + 1) * inner; ++i)
            out.setDouble(i, (v[std::size_t(i)] - m.mean) * m.invStd * scale[c] + bias[c]);
    }
    return {out.finish()};
}

/// A parameter broadcast (unidirectionally) over the normalized dims, flattened to their size
/// (scale 1 and bias 0 when absent).
std::vector<double> expandOver(const KernelContext& ctx, std::size_t i, const std::vector<int64_t>& dims)
{
    if (!ctx.has(i))
        return std::vector<double>(ctx.checkScratch(double(product(dims)), sizeof(double), "the default scale or bias"),
                                   i == 1 ? 1.0 : 0.0);
    return broadcastInput(ctx, i, dims);
}

Outputs layerNormalization(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    const Tensor& x = ctx.in(0);
    const auto a = static_cast<std::size_t>(ctx.axis(ctx.attrInt("axis", -1), static_cast<int64_t>(x.rank())));
    const std::vector<int64_t> normDims(x.dims().begin() + static_cast<std::ptrdiff_t>(a), x.dims().end());
    ctx.in(1);
    const auto scale = expandOver(ctx, 1, normDims);
    const auto bias = expandOver(ctx, 2, normDims);
    const double eps = ctx.attrFloat("epsilon", 1e-5f);
    const int64_t inner = product(normDims), outer = product(x.dims(), 0, a);
    std::vector<int64_t> statDims(x.dims().begin(), x.dims().begin() + static_cast<std::ptrdiff_t>(a));
    statDims.resize(x.rank(), 1);
    const int32_t statType = ctx.attrInt("stash_type", 1) == 1 ? dtype::Float : x.dtype();
    Output out(ctx, x.dtype(), x.dims());
    Output meanOut(ctx, statType, ctx.wantsOutput(1) ? statDims : std::vector<int64_t>{0});
    Output invStdOut(ctx, statType, ctx.wantsOutput(2) ? statDims : std::vector<int64_t>{0});
    const auto v = readAs<double>(x);
    for (int64_t row = 0; row < outer; ++row) {
        const Moments m = moments(v.data() + row * inner, inner, eps);
        for (int64_t j = 0; j < inner; ++j) {
            const int64_t i = row * inner + j;
            out.setDouble(i, (v[std::size_t(i)] - m.mean) * m.invStd * scale[std::size_t(j)] + bias[std::size_t(j)]);
        }
        if (ctx.wantsOutput(1))
            meanOut.setDouble(row, m.mean);
        if (ctx.wantsOutput(2))
            invStdOut.setDouble(row, m.invStd);
    }
    return {out.finish(), ctx.wantsOutput(1) ? meanOut.finish() : nullptr,
            ctx.wantsOutput(2) ? invStdOut.finish() : nullptr};
}

Outputs lrn(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireMinRank(0, 3);
    const Tensor& x = ctx.in(0);
    const int64_t size = ctx.requiredInt("size");
    if (size < 1)
        ctx.fail("size must be positive");
    const double alpha = ctx.attrFloat("alpha", 1e-4f), beta = ctx.attrFloat("beta", 0.75f),
                 bias = ctx.attrFloat("bias", 1.0f);
    const int64_t C = x.dims()[1], inner = product(x.dims(), 2);
    const auto v = readAs<double>(x);
    Output out(ctx, x.dtype(), x.dims());
    for (int64_t i = 0; i < out.numel(); ++i) {
        const int64_t c = (i / inner) % C;
        const int64_t base = i - c * inner;
        double sq = 0;
        const int64_t from = std::max<int64_t>(0, c - (size - 1) / 2), to = std::min(C - 1, c + size / 2);
        for (int64_t k = from; k <= to; ++k)
            sq += v[std::size_t(base + k * inner)] * v[std::size_t(base + k * inner)];
        ctx.tick(std::max<int64_t>(to - from, 0) + 1); // up to C per value: quadratic in C
        out.setDouble(i, v[std::size_t(i)] / std::pow(bias + alpha / double(size) * sq, beta));
    }
    return {out.finish()};
}

Outputs dropout(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    ctx.requireType(0, kFloatTypes);
    if (ctx.opset() >= 12) {
        const double ratio = ctx.has(1) ? ctx.scalarDouble(1) : 0.5;
        const bool training = ctx.has(2) && ctx.scalarDouble(2) != 0;
        if (training && ratio != 0)
            ctx.fail("training mode drops values at random, which has no kernel");
    } else if (ctx.opset() < 7 && ctx.attrInt("is_test", 0) == 0) {
        ctx.fail("is_test=0 (training) drops values at random, which has no kernel");
    }
    Outputs result{ctx.inPtr(0)};
    if (ctx.wantsOutput(1)) {
        Output mask(ctx, ctx.opset() >= 10 ? dtype::Bool : x.dtype(), x.dims());
        for (int64_t i = 0; i < mask.numel(); ++i)
            mask.setInt(i, 1);
        result.push_back(mask.finish());
    }
    return result;
}

/// DepthToSpace / SpaceToDepth on [N, C, H, W] with blocksize b.
Outputs depthSpace(KernelContext& ctx)
{
    ctx.requireRank(0, 4);
    const Tensor& x = ctx.in(0);
    const int64_t b = ctx.requiredInt("blocksize");
    const int64_t N = x.dims()[0], C = x.dims()[1], H = x.dims()[2], W = x.dims()[3];
    const bool toSpace = ctx.node().opType == "DepthToSpace";
    int64_t bb = 0, grown = 0;
    if (b < 1 || __builtin_mul_overflow(b, b, &bb)
        || (toSpace ? __builtin_mul_overflow(std::max(H, W), b, &grown) : __builtin_mul_overflow(C, bb, &grown)))
        ctx.fail("blocksize " + std::to_string(b) + " is out of range for shape " + dimsString(x.dims()));
    if (toSpace ? C % bb != 0 : (H % b != 0 || W % b != 0))
        ctx.fail("blocksize " + std::to_string(b) + " does not divide shape " + dimsString(x.dims()));
    const std::string mode = ctx.attrString("mode", "DCR");
    if (toSpace && mode != "DCR" && mode != "CRD")
        ctx.fail("mode '" + mode + "' is not DCR or CRD");
    const std::vector<int64_t> dims = toSpace ? std::vector<int64_t>{N, C / (b * b), H * b, W * b}
                                              : std::vector<int64_t>{N, C * b * b, H / b, W / b};
    return {gatherByIndex(ctx, x, dims, [&](const std::vector<int64_t>& o) {
        if (toSpace) {
            const int64_t i = o[2] % b, j = o[3] % b, c = o[1];
            const int64_t ic = mode == "DCR" ? (i * b + j) * (C / (b * b)) + c : c * b * b + i * b + j;
            return ((o[0] * C + ic) * H + o[2] / b) * W + o[3] / b;
        }
        const int64_t c = o[1] % C, ij = o[1] / C;
        return ((o[0] * C + c) * H + o[2] * b + ij / b) * W + o[3] * b + ij % b;
    })};
}

} // namespace

void registerNNKernels(KernelTable& table)
{
    table["BatchNormalization"] = batchNormalization;
    table["InstanceNormalization"] = instanceNormalization;
    table["LayerNormalization"] = layerNormalization;
    table["LRN"] = lrn;
    table["Dropout"] = dropout;
    table["DepthToSpace"] = depthSpace;
    table["SpaceToDepth"] = depthSpace;
    registerConvKernels(table);
    registerPoolKernels(table);
    registerResizeKernels(table);
}

} // namespace netfold::eval
