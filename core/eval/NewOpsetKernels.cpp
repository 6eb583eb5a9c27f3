// Kernels for ops that opsets 18-23 added to the family the evaluator covers: GroupNormalization
// (18, per-channel scale and bias from 21), RMSNormalization (23), RotaryEmbedding (23),
// Col2Im (18), CenterCropPad (18), AffineGrid (20) and Attention (23).
#include "eval/Elementwise.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

/// GroupNormalization: statistics per instance and group of C / num_groups channels; scale and
/// bias per group (opset 18) or per channel (opset 21).
Outputs groupNormalization(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireMinRank(0, 2);
    const Tensor& x = ctx.in(0);
    const int64_t n = x.dims()[0], c = x.dims()[1], inner = product(x.dims(), 2);
    const int64_t groups = ctx.requiredInt("num_groups");
    if (groups <= 0 || c % groups != 0)
        ctx.fail("num_groups " + std::to_string(groups) + " does not divide the " + std::to_string(c) + " channels");
    if (c == 0) // any num_groups divides 0 channels: the kernel walks them all
        ctx.checkEmptyExtent({n, groups, 0}, "input 0 split into num_groups");
    const bool perChannel = ctx.opset() >= 21;
    const int64_t params = perChannel ? c : groups;
    for (std::size_t i : {std::size_t(1), std::size_t(2)}) {
        ctx.requireType(i, kFloatTypes);
        if (ctx.in(i).rank() != 1 || ctx.in(i).numel() != params)
            ctx.fail(std::string(i == 1 ? "scale" : "bias") + " has shape " + dimsString(ctx.in(i).dims()) + ", expected ["
                     + std::to_string(params) + "] (one per " + (perChannel ? "channel" : "group") + ")");
    }
    const auto scale = readAs<double>(ctx.in(1)), bias = readAs<double>(ctx.in(2));
    const double eps = ctx.attrFloat("epsilon", 1e-5f);
    const int64_t perGroup = c / groups * inner;
    const auto v = readAs<double>(x);
    Output out(ctx, x.dtype(), x.dims());
    for (int64_t b = 0; b < n; ++b)
        for (int64_t g = 0; g < groups; ++g) {
            const int64_t base = (b * groups + g) * perGroup;
            double sum = 0;
            for (int64_t i = 0; i < perGroup; ++i)
                sum += v[static_cast<std::size_t>(base + i)];
            const double mean = perGroup ? sum / double(perGroup) : 0.0;
            double sq = 0;
            for (int64_t i = 0; i < perGroup; ++i) {
                const double d = v[static_cast<std::size_t>(base + i)] - mean;
                sq += d * d;
            }
            const double invStd = 1.0 / std::sqrt((perGroup ? sq / double(perGroup) : 0.0) + eps);
            for (int64_t i = 0; i < perGroup; ++i) {
                const int64_t channel = g * (c / groups) + i / inner;
                const auto p = static_cast<std::size_t>(perChannel ? channel : g);
                const int64_t at = base + i;
                out.setDouble(at, (v[static_cast<std::size_t>(at)] - mean) * invStd * scale[p] + bias[p]);
            }
        }
    return {out.finish()};
}

/// RMSNormalization: x / sqrt(mean(x^2 over axis..) + epsilon) * scale.
Outputs rmsNormalization(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireType(1, kFloatTypes);
    const Tensor& x = ctx.in(0);
    const auto a = static_cast<std::size_t>(ctx.axis(ctx.attrInt("axis", -1), static_cast<int64_t>(x.rank())));
    const std::vector<int64_t> normDims(x.dims().begin() + static_cast<std::ptrdiff_t>(a), x.dims().end());
    const auto scale = broadcastInput(ctx, 1, normDims);
    const double eps = ctx.attrFloat("epsilon", 1e-5f);
    const int64_t inner = product(normDims), outer = product(x.dims(), 0, a);
    const auto v = readAs<double>(x);
    Output out(ctx, ctx.in(1).dtype(), x.dims());
    for (int64_t row = 0; row < outer; ++row) {
        double sq = 0;
        for (int64_t j = 0; j < inner; ++j) {
            const double e = v[static_cast<std::size_t>(row * inner + j)];
            sq += e * e;
        }
        const double inv = 1.0 / std::sqrt((inner ? sq / double(inner) : 0.0) + eps);
        for (int64_t j = 0; j < inner; ++j) {
            const int64_t i = row * inner + j;
            out.setDouble(i, v[static_cast<std::size_t>(i)] * inv * scale[static_cast<std::size_t>(j)]);
        }
    }
    return {out.finish()};
}

/// RotaryEmbedding: rotates the first rotary_embedding_dim values of every head by the cos/sin
/// of the token's position (halves, or interleaved pairs).
Outputs rotaryEmbedding(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    const Tensor& x = ctx.in(0);
    if (x.rank() != 3 && x.rank() != 4)
        ctx.fail("input has rank " + std::to_string(x.rank()) + ", expected 3 or 4");
    const bool fourD = x.rank() == 4;
    const int64_t batch = x.dims()[0];
    const int64_t heads = fourD ? x.dims()[1] : ctx.attrInt("num_heads", 0);
    const int64_t seq = fourD ? x.dims()[2] : x.dims()[1];
    if (heads <= 0 || (!fourD && x.dims()[2] % heads != 0))
        ctx.fail("num_heads must be given and divide the hidden size for a 3-D input");
    if (!fourD && x.dims()[2] == 0) // any num_heads divides 0: the kernel walks them all
        ctx.checkEmptyExtent({batch, heads, seq, 0}, "input 0 split into num_heads");
    const int64_t head = fourD ? x.dims()[3] : x.dims()[2] / heads;
    int64_t rot = ctx.attrInt("rotary_embedding_dim", 0);
    if (rot == 0)
        rot = head;
    if (rot < 0 || rot > head || rot % 2 != 0)
        ctx.fail("rotary_embedding_dim " + std::to_string(rot) + " must be even and at most the head size "
                 + std::to_string(head));
    const int64_t half = rot / 2;
    const bool interleaved = ctx.attrInt("interleaved", 0) != 0;
    const Tensor& cosCache = ctx.in(1);
    const Tensor& sinCache = ctx.in(2);
    const bool withPositions = ctx.has(3);
    const std::size_t cacheRank = withPositions ? 2 : 3;
    for (const Tensor* cache : {&cosCache, &sinCache})
        if (cache->rank() != cacheRank || cache->dims().back() != half
            || (!withPositions && (cache->dims()[0] != batch || cache->dims()[1] != seq)))
            ctx.fail("cos/sin cache has shape " + dimsString(cache->dims()) + ", expected "
                     + (withPositions ? "[max_position, " + std::to_string(half) + "]"
                                      : dimsString({batch, seq, half})));
    std::vector<int64_t> positions;
    if (withPositions) {
        positions = ctx.ints(3);
        if (static_cast<int64_t>(positions.size()) != batch * seq)
            ctx.fail("position_ids has shape " + dimsString(ctx.in(3).dims()) + ", expected " + dimsString({batch, seq}));
        for (int64_t p : positions)
            if (p < 0 || p >= cosCache.dims()[0])
                ctx.fail("position id " + std::to_string(p) + " is outside the cache of " + std::to_string(cosCache.dims()[0]));
    }
    const auto cosV = readAs<double>(cosCache), sinV = readAs<double>(sinCache);
    const auto v = readAs<double>(x);
    Output out(ctx, x.dtype(), x.dims());
    for (int64_t b = 0; b < batch; ++b)
        for (int64_t s = 0; s < seq; ++s) {
            const int64_t row = withPositions ? positions[static_cast<std::size_t>(b * seq + s)] : b * seq + s;
            for (int64_t h = 0; h < heads; ++h) {
                // Offset of element 0 of this head for this token.
                const int64_t base = fourD ? ((b * heads + h) * seq + s) * head : (b * seq + s) * heads * head + h * head;
                for (int64_t j = rot; j < head; ++j)
                    out.setDouble(base + j, v[static_cast<std::size_t>(base + j)]);
                for (int64_t j = 0; j < half; ++j) {
                    const double cs = cosV[static_cast<std::size_t>(row * half + j)];
                    const double sn = sinV[static_cast<std::size_t>(row * half + j)];
                    const int64_t i1 = interleaved ? 2 * j : j, i2 = interleaved ? 2 * j + 1 : j + half;
                    const double x1 = v[static_cast<std::size_t>(base + i1)], x2 = v[static_cast<std::size_t>(base + i2)];
                    out.setDouble(base + i1, cs * x1 - sn * x2);
                    out.setDouble(base + i2, sn * x1 + cs * x2);
                }
            }
        }
    return {out.finish()};
}

/// An attribute list of n ints, or n copies of fallback when absent.
std::vector<int64_t> intsOr(const KernelContext& ctx, const char* name, std::size_t n, int64_t fallback)
{
    auto v = ctx.attrInts(name);
    if (v.empty())
        v.assign(n, fallback);
    if (v.size() != n)
        ctx.fail(std::string(name) + " has " + std::to_string(v.size()) + " values, expected " + std::to_string(n));
    return v;
}

/// Col2Im: sums column blocks [N, C * prod(block), L] back into images [N, C, image...].
Outputs col2Im(KernelContext& ctx)
{
    ctx.requireType(0, kNumeric);
    ctx.requireRank(0, 3);
    const Tensor& x = ctx.in(0);
    const auto image = ctx.ints(1), block = ctx.ints(2);
    if (image.size() != block.size() || image.empty())
        ctx.fail("image_shape and block_shape must have the same, non-zero length");
    const std::size_t r = image.size();
    const auto dil = intsOr(ctx, "dilations", r, 1), strides = intsOr(ctx, "strides", r, 1);
    const auto pads = intsOr(ctx, "pads", 2 * r, 0);
    std::vector<int64_t> blocks(r);
    int64_t blockSize = 1, count = 1;
    // Hostile sizes: every step checked, so nothing wraps (the product checks below bound memory).
    auto checked = [&](bool overflow) {
        if (overflow)
            ctx.fail("image_shape, block_shape, dilations, strides and pads give sizes larger than int64 holds");
    };
    for (std::size_t a = 0; a < r; ++a) {
        if (block[a] <= 0 || dil[a] <= 0 || strides[a] <= 0 || image[a] < 0)
            ctx.fail("block_shape, dilations and strides must be positive and image_shape not negative");
        checked(__builtin_mul_overflow(blockSize, block[a], &blockSize));
        int64_t span = 0, padded = 0;
        checked(__builtin_mul_overflow(dil[a], block[a] - 1, &span) || __builtin_add_overflow(span, 1, &span));
        checked(__builtin_add_overflow(image[a], pads[a], &padded) || __builtin_add_overflow(padded, pads[a + r], &padded)
                || __builtin_sub_overflow(padded, span, &padded));
        blocks[a] = padded / strides[a] + 1;
        if (padded < 0 || blocks[a] <= 0)
            ctx.fail("the blocks do not fit in the padded image");
        checked(__builtin_mul_overflow(count, blocks[a], &count));
    }
    const int64_t n = x.dims()[0];
    if (x.dims()[1] % blockSize != 0 || x.dims()[2] != count)
        ctx.fail("input has shape " + dimsString(x.dims()) + ", which does not hold " + std::to_string(count)
                 + " blocks of " + std::to_string(blockSize) + " values per channel");
    const int64_t c = x.dims()[1] / blockSize;
    std::vector<int64_t> outDims{n, c};
    outDims.insert(outDims.end(), image.begin(), image.end());
    const int64_t imageSize = checkedNumel(image, "Col2Im's image");
    int64_t total = 0;
    checked(__builtin_mul_overflow(n * c, imageSize, &total));
    Output out(ctx, x.dtype(), outDims); // refuses an output over the evaluation's limits
    const auto v = readAs<double>(x);
    std::vector<double> acc(static_cast<std::size_t>(total), 0.0);
    std::vector<int64_t> kIdx(r), bIdx(r);
    for (int64_t img = 0; img < n * c; ++img)
        for (int64_t k = 0; k < blockSize; ++k) {
            for (int64_t rem = k, a = static_cast<int64_t>(r) - 1; a >= 0; --a) {
                kIdx[static_cast<std::size_t>(a)] = rem % block[static_cast<std::size_t>(a)];
                rem /= block[static_cast<std::size_t>(a)];
            }
            for (int64_t l = 0; l < count; ++l) {
                for (int64_t rem = l, a = static_cast<int64_t>(r) - 1; a >= 0; --a) {
                    bIdx[static_cast<std::size_t>(a)] = rem % blocks[static_cast<std::size_t>(a)];
                    rem /= blocks[static_cast<std::size_t>(a)];
                }
                int64_t at = 0;
                bool inside = true;
                for (std::size_t a = 0; a < r && inside; ++a) {
                    const int64_t p = bIdx[a] * strides[a] - pads[a] + kIdx[a] * dil[a];
                    inside = p >= 0 && p < image[a];
                    at = at * image[a] + p;
                }
                if (inside)
                    acc[static_cast<std::size_t>(img * imageSize + at)] +=
                        v[static_cast<std::size_t>((img * blockSize + k) * count + l)];
            }
        }
    out.putAll(acc);
    return {out.finish()};
}

/// CenterCropPad: crops or zero-pads the given axes around their centre to the given sizes.
Outputs centerCropPad(KernelContext& ctx)
{
    const Tensor& x = ctx.in(0);
    const auto rank = static_cast<int64_t>(x.rank());
    const auto shape = ctx.ints(1);
    std::vector<int64_t> axes = ctx.attrInts("axes");
    if (axes.empty())
        for (int64_t i = 0; i < rank; ++i)
            axes.push_back(i);
    axes = ctx.axes(axes, rank);
    if (axes.size() != shape.size())
        ctx.fail("shape has " + std::to_string(shape.size()) + " values for " + std::to_string(axes.size()) + " axes");
    std::vector<int64_t> outDims = x.dims(), offset(x.rank(), 0); // offset: output index - input index
    for (std::size_t k = 0; k < axes.size(); ++k) {
        const auto a = static_cast<std::size_t>(axes[k]);
        if (shape[k] < 0)
            ctx.fail("shape value " + std::to_string(shape[k]) + " is negative");
        const int64_t in = x.dims()[a], want = shape[k];
        offset[a] = want >= in ? (want - in) / 2 : -((in - want) / 2);
        outDims[a] = want;
    }
    Output out(ctx, x.dtype(), outDims);
    const auto inStrides = [&] {
        std::vector<int64_t> s(x.rank(), 1);
        for (int64_t i = rank - 2; i >= 0; --i)
            s[static_cast<std::size_t>(i)] = s[static_cast<std::size_t>(i + 1)] * x.dims()[static_cast<std::size_t>(i + 1)];
        return s;
    }();
    std::vector<int64_t> idx(x.rank(), 0);
    for (int64_t o = 0; o < out.numel(); ++o) {
        for (int64_t rem = o, a = rank - 1; a >= 0; --a) {
            idx[static_cast<std::size_t>(a)] = rem % outDims[static_cast<std::size_t>(a)];
            rem /= outDims[static_cast<std::size_t>(a)];
        }
        int64_t at = 0;
        bool inside = true;
        for (std::size_t a = 0; a < x.rank() && inside; ++a) {
            const int64_t i = idx[a] - offset[a];
            inside = i >= 0 && i < x.dims()[a];
            at += i * inStrides[a];
        }
        if (inside)
            out.copy(o, x, at);
    }
    return {out.finish()};
}

/// A [B, H, S, D] view of an Attention input given as 4-D, or as 3-D [B, S, H * D] with H heads.
struct Heads {
    int64_t batch = 0, heads = 0, seq = 0, size = 0;
    bool threeD = false;
    std::vector<double> v;
    double at(int64_t b, int64_t h, int64_t s, int64_t d) const
    {
        const int64_t i = threeD ? ((b * seq + s) * heads + h) * size + d : ((b * heads + h) * seq + s) * size + d;
        return v[static_cast<std::size_t>(i)];
    }
};

Heads headsOf(const KernelContext& ctx, std::size_t i, const char* heads)
{
    ctx.requireType(i, kFloatTypes);
    const Tensor& t = ctx.in(i);
    Heads h;
    if (t.rank() == 4) {
        h = {t.dims()[0], t.dims()[1], t.dims()[2], t.dims()[3], false, {}};
    } else if (t.rank() == 3) {
        const int64_t n = ctx.attrInt(heads, 0);
        if (n <= 0 || t.dims()[2] % n != 0)
            ctx.fail(std::string("a 3-D input needs ") + heads + " dividing its hidden size " + std::to_string(t.dims()[2]));
        // A hidden size of 0 divides into any number of heads: the kernel walks them all.
        if (t.dims()[2] == 0)
            ctx.checkEmptyExtent({t.dims()[0], n, t.dims()[1], 0}, "input " + std::to_string(i) + " split into " + heads);
        h = {t.dims()[0], n, t.dims()[1], t.dims()[2] / n, true, {}};
    } else {
        ctx.fail("input " + std::to_string(i) + " has rank " + std::to_string(t.rank()) + ", expected 3 or 4");
    }
    h.v = readAs<double>(t);
    return h;
}

/// Appends the sequence of `cur` to the cache `past` ([B, H, P, D], 4-D), giving [B, H, P + L, D].
Heads withPast(const KernelContext& ctx, std::size_t pastIndex, const Heads& cur, const char* what)
{
    if (!ctx.has(pastIndex))
        return cur;
    const Tensor& p = ctx.in(pastIndex);
    if (p.rank() != 4 || p.dims()[0] != cur.batch || p.dims()[1] != cur.heads || p.dims()[3] != cur.size)
        ctx.fail(std::string(what) + " has shape " + dimsString(p.dims()) + ", expected "
                 + dimsString({cur.batch, cur.heads, -1, cur.size}));
    const auto pv = readAs<double>(p);
    const int64_t past = p.dims()[2];
    Heads all{cur.batch, cur.heads, past + cur.seq, cur.size, false, {}};
    all.v.resize(static_cast<std::size_t>(all.batch * all.heads * all.seq * all.size));
    for (int64_t b = 0; b < all.batch; ++b)
        for (int64_t h = 0; h < all.heads; ++h)
            for (int64_t s = 0; s < all.seq; ++s)
                for (int64_t d = 0; d < all.size; ++d)
                    all.v[static_cast<std::size_t>(((b * all.heads + h) * all.seq + s) * all.size + d)] =
                        s < past ? pv[static_cast<std::size_t>(((b * all.heads + h) * past + s) * all.size + d)]
                                 : cur.at(b, h, s - past, d);
    return all;
}

/// attn_mask (input 3) broadcast to the scores' shape, or empty when there is none; isBool says
/// whether it is a boolean mask (keep where true) rather than an additive one.
std::vector<double> attentionMask(const KernelContext& ctx, const std::vector<int64_t>& scoreDims, bool& isBool)
{
    if (!ctx.has(3))
        return {};
    isBool = ctx.in(3).dtype() == dtype::Bool;
    return broadcastInput(ctx, 3, scoreDims);
}

/// Softmax of a row of scores; a row masked out entirely (all -inf) becomes zeros.
void softmaxInPlace(std::vector<double>& row)
{
    const double inf = std::numeric_limits<double>::infinity();
    double top = -inf;
    for (double e : row)
        top = std::max(top, e);
    double sum = 0;
    for (double& e : row) {
        e = top == -inf ? 0.0 : std::exp(e - top);
        sum += e;
    }
    for (double& e : row)
        e = sum > 0 ? e / sum : 0.0;
}

/// Attention (opset 23): softmax(Q K^T * scale (softcapped) + mask) V, with grouped-query heads,
/// a past key/value cache and the optional present and qk_matmul outputs.
Outputs attention(KernelContext& ctx)
{
    const Heads q = headsOf(ctx, 0, "q_num_heads");
    const Heads k0 = headsOf(ctx, 1, "kv_num_heads");
    const Heads v0 = headsOf(ctx, 2, "kv_num_heads");
    if (ctx.has(4) != ctx.has(5))
        ctx.fail("past_key and past_value must be given together");
    const Heads k = withPast(ctx, 4, k0, "past_key");
    const Heads v = withPast(ctx, 5, v0, "past_value");
    if (k0.batch != q.batch || v0.batch != q.batch || k0.heads != v0.heads || k0.seq != v0.seq || k0.size != q.size)
        ctx.fail("Q, K and V disagree in batch, heads, sequence length or head size");
    if (k.heads <= 0 || q.heads % k.heads != 0)
        ctx.fail(std::to_string(q.heads) + " query heads are not a multiple of " + std::to_string(k.heads) + " key heads");
    const int64_t group = q.heads / k.heads, total = k.seq, past = total - k0.seq;
    const double scale = ctx.hasAttr("scale") ? ctx.attrFloat("scale", 1.0f) : 1.0 / std::sqrt(double(q.size));
    const double softcap = ctx.attrFloat("softcap", 0.0f);
    const bool causal = ctx.attrInt("is_causal", 0) != 0;
    const int64_t mode = ctx.attrInt("qk_matmul_output_mode", 0);
    if (mode < 0 || mode > 3)
        ctx.fail("qk_matmul_output_mode " + std::to_string(mode) + " is not 0-3");
    const std::vector<int64_t> scoreDims{q.batch, q.heads, q.seq, total};
    bool boolMask = false;
    const std::vector<double> mask = attentionMask(ctx, scoreDims, boolMask);
    const int32_t dt = ctx.in(0).dtype();
    std::vector<int64_t> yDims = q.threeD ? std::vector<int64_t>{q.batch, q.seq, q.heads * v.size}
                                          : std::vector<int64_t>{q.batch, q.heads, q.seq, v.size};
    Output y(ctx, dt, yDims);
    Output qk(ctx, dt, ctx.wantsOutput(3) ? scoreDims : std::vector<int64_t>{0});
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> row(static_cast<std::size_t>(total));
    for (int64_t b = 0; b < q.batch; ++b)
        for (int64_t h = 0; h < q.heads; ++h)
            for (int64_t s = 0; s < q.seq; ++s) {
                const int64_t base = ((b * q.heads + h) * q.seq + s) * total;
                for (int64_t t = 0; t < total; ++t) {
                    double dot = 0;
                    for (int64_t d = 0; d < q.size; ++d)
                        dot += q.at(b, h, s, d) * k.at(b, h / group, t, d);
                    double e = dot * scale;
                    if (mode == 0 && ctx.wantsOutput(3))
                        qk.setDouble(base + t, e);
                    if (softcap > 0)
                        e = softcap * std::tanh(e / softcap);
                    if (mode == 1 && ctx.wantsOutput(3))
                        qk.setDouble(base + t, e);
                    if (!mask.empty()) {
                        const double mval = mask[static_cast<std::size_t>(base + t)];
                        e = boolMask ? (mval != 0 ? e : -inf) : e + mval;
                    }
                    if (causal && t > s + past)
                        e = -inf;
                    if (mode == 2 && ctx.wantsOutput(3))
                        qk.setDouble(base + t, e);
                    row[static_cast<std::size_t>(t)] = e;
                }
                softmaxInPlace(row);
                if (mode == 3 && ctx.wantsOutput(3))
                    for (int64_t t = 0; t < total; ++t)
                        qk.setDouble(base + t, row[static_cast<std::size_t>(t)]);
                for (int64_t d = 0; d < v.size; ++d) {
                    double acc = 0;
                    for (int64_t t = 0; t < total; ++t)
                        acc += row[static_cast<std::size_t>(t)] * v.at(b, h / group, t, d);
                    const int64_t at = q.threeD ? ((b * q.seq + s) * q.heads + h) * v.size + d
                                                : ((b * q.heads + h) * q.seq + s) * v.size + d;
                    y.setDouble(at, acc);
                }
                ctx.tick(1 + total * (q.size + v.size + 1)); // every query against every key (or none)
            }
    auto present = [&](const Heads& kv, std::size_t out) -> TensorPtr {
        if (!ctx.wantsOutput(out))
            return nullptr;
        Output p(ctx, ctx.in(out).dtype(), {kv.batch, kv.heads, kv.seq, kv.size});
        for (int64_t b = 0, i = 0; b < kv.batch; ++b)
            for (int64_t h = 0; h < kv.heads; ++h)
                for (int64_t s = 0; s < kv.seq; ++s)
                    for (int64_t d = 0; d < kv.size; ++d, ++i)
                        p.setDouble(i, kv.at(b, h, s, d));
        return p.finish();
    };
    return {y.finish(), present(k, 1), present(v, 2), ctx.wantsOutput(3) ? qk.finish() : nullptr};
}

/// AffineGrid (opset 20): theta [N, 2, 3] (or [N, 3, 4]) applied to an even grid over [-1, 1] of
/// the size's spatial dims, giving [N, H, W, 2] (or [N, D, H, W, 3]).
Outputs affineGrid(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireRank(0, 3);
    const Tensor& theta = ctx.in(0);
    const auto size = ctx.ints(1);
    const int64_t n = theta.dims()[0], r = theta.dims()[1];
    if (!((r == 2 && theta.dims()[2] == 3 && size.size() == 4) || (r == 3 && theta.dims()[2] == 4 && size.size() == 5)))
        ctx.fail("theta of shape " + dimsString(theta.dims()) + " and size " + dimsString(size)
                 + " are neither 2-D ([N,2,3] with [N,C,H,W]) nor 3-D ([N,3,4] with [N,C,D,H,W])");
    if (size[0] != n)
        ctx.fail("size's batch " + std::to_string(size[0]) + " differs from theta's " + std::to_string(n));
    const std::vector<int64_t> spatial(size.begin() + 2, size.end()); // [H, W] or [D, H, W]
    for (int64_t d : spatial)
        if (d <= 0)
            ctx.fail("size " + dimsString(size) + " has a spatial dim that is not positive");
    const bool alignCorners = ctx.attrInt("align_corners", 0) != 0;
    auto position = [&](int64_t i, int64_t len) {
        if (alignCorners)
            return len == 1 ? -1.0 : -1.0 + 2.0 * double(i) / double(len - 1); // linspace(-1, 1, 1) is [-1]
        return (2.0 * double(i) + 1.0) / double(len) - 1.0;
    };
    std::vector<int64_t> outDims{n};
    outDims.insert(outDims.end(), spatial.begin(), spatial.end());
    outDims.push_back(r);
    Output out(ctx, theta.dtype(), outDims);
    const auto t = readAs<double>(theta);
    const int64_t points = product(spatial);
    std::vector<double> base(static_cast<std::size_t>(r) + 1, 1.0); // (x, y[, z], 1)
    for (int64_t b = 0; b < n; ++b)
        for (int64_t pt = 0; pt < points; ++pt) {
            // The innermost spatial dim is x, then y (then z).
            for (int64_t rem = pt, a = r - 1; a >= 0; --a) {
                const int64_t len = spatial[static_cast<std::size_t>(a)];
                base[static_cast<std::size_t>(r - 1 - a)] = position(rem % len, len);
                rem /= len;
            }
            for (int64_t row = 0; row < r; ++row) {
                double acc = 0;
                for (int64_t col = 0; col <= r; ++col)
                    acc += t[static_cast<std::size_t>((b * r + row) * (r + 1) + col)] * base[static_cast<std::size_t>(col)];
                out.setDouble((b * points + pt) * r + row, acc);
            }
        }
    return {out.finish()};
}

} // namespace

void registerNewOpsetKernels(KernelTable& table)
{
    table["GroupNormalization"] = groupNormalization;
    table["RMSNormalization"] = rmsNormalization;
    table["RotaryEmbedding"] = rotaryEmbedding;
    table["Col2Im"] = col2Im;
    table["CenterCropPad"] = centerCropPad;
    table["Attention"] = attention;
    table["AffineGrid"] = affineGrid;
}

} // namespace netfold::eval
