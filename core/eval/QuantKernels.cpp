// Quantization: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger,
// ConvInteger, QLinearMatMul and QLinearConv. Scales are applied in float, rounding half to even,
// as ONNX Runtime does; integer products run through the MatMul and Conv kernels on exact doubles.
#include "eval/Broadcast.h"
#include "eval/Kernel.h"
#include "eval/Values.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

constexpr TypeSet kQuantTypes = typeBit(dtype::Int8) | typeBit(dtype::UInt8) | typeBit(dtype::Int16)
                                | typeBit(dtype::UInt16);
constexpr TypeSet k8BitTypes = typeBit(dtype::Int8) | typeBit(dtype::UInt8);

/// The range of a quantized dtype.
std::pair<float, float> quantRange(int32_t dt)
{
    switch (dt) {
    case dtype::Int8: return {-128.f, 127.f};
    case dtype::UInt8: return {0.f, 255.f};
    case dtype::Int16: return {-32768.f, 32767.f};
    case dtype::UInt16: return {0.f, 65535.f};
    default: return {float(std::numeric_limits<int32_t>::min()), float(std::numeric_limits<int32_t>::max())};
    }
}

/// round-half-to-even(v) + zp, saturated to dt's range.
float requantize(float v, float zp, int32_t dt)
{
    const auto [lo, hi] = quantRange(dt);
    return std::min(hi, std::max(lo, std::nearbyint(v) + zp));
}

/// For every element of x, the index of its scale / zero point: per tensor (one value), per axis
/// (a 1-D tensor as long as x's axis) or per block (x's shape with the axis divided by block_size).
std::vector<int64_t> paramIndex(const KernelContext& ctx, const Tensor& x, const Tensor& scale, int64_t blockSize)
{
    std::vector<int64_t> index(static_cast<std::size_t>(x.numel()), 0);
    if (scale.numel() == 1 && blockSize == 0)
        return index;
    const int64_t rank = static_cast<int64_t>(x.rank());
    if (rank == 0)
        ctx.fail("a scale of shape " + dimsString(scale.dims()) + " does not fit a scalar input");
    const int64_t axis = ctx.axis(ctx.attrInt("axis", 1), rank);
    const int64_t D = x.dims()[std::size_t(axis)], inner = product(x.dims(), std::size_t(axis + 1));
    if (blockSize == 0) {
        if (scale.dims() != std::vector<int64_t>{D})
            ctx.fail("scale of shape " + dimsString(scale.dims()) + " does not match axis " + std::to_string(axis)
                     + " of length " + std::to_string(D));
        for (int64_t i = 0; i < x.numel(); ++i)
            index[std::size_t(i)] = (i / inner) % D;
        return index;
    }
    if (blockSize < 0)
        ctx.fail("block_size " + std::to_string(blockSize) + " is negative");
    std::vector<int64_t> expect = x.dims();
    expect[std::size_t(axis)] = D / blockSize + (D % blockSize != 0); // rounded up, without D + blockSize
    if (scale.dims() != expect)
        ctx.fail("scale of shape " + dimsString(scale.dims()) + " does not match blocks of " + std::to_string(blockSize)
                 + " (expected " + dimsString(expect) + ")");
    const int64_t blocks = expect[std::size_t(axis)];
    for (int64_t i = 0; i < x.numel(); ++i) {
        const int64_t outer = i / (inner * D), a = (i / inner) % D, in = i % inner;
        index[std::size_t(i)] = (outer * blocks + a / blockSize) * inner + in;
    }
    return index;
}

/// Zero point values (same shape as the scale), or zeros when omitted.
std::vector<float> zeroPoints(const KernelContext& ctx, std::size_t i, const Tensor& scale)
{
    if (!ctx.has(i))
        return std::vector<float>(static_cast<std::size_t>(scale.numel()), 0.f);
    if (ctx.in(i).dims() != scale.dims() && !(ctx.in(i).numel() == 1 && scale.numel() == 1))
        ctx.fail("zero point of shape " + dimsString(ctx.in(i).dims()) + " does not match scale of shape "
                 + dimsString(scale.dims()));
    return readAs<float>(ctx.in(i));
}

Outputs quantizeLinear(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes | typeBit(dtype::Int32));
    ctx.requireType(1, kFloatTypes);
    const Tensor& x = ctx.in(0);
    const Tensor& scale = ctx.in(1);
    int32_t outType = dtype::UInt8;
    if (ctx.has(2)) {
        ctx.requireType(2, kQuantTypes | typeBit(dtype::Int32));
        outType = ctx.in(2).dtype();
    } else if (ctx.hasAttr("output_dtype") && ctx.attrInt("output_dtype", 0) != 0) {
        outType = static_cast<int32_t>(ctx.attrInt("output_dtype", 0));
        if (!(kQuantTypes & typeBit(outType)))
            ctx.fail("output_dtype " + dtypeName(outType) + " has no kernel");
    }
    const auto index = paramIndex(ctx, x, scale, ctx.attrInt("block_size", 0));
    const auto s = readAs<float>(scale);
    const auto zp = zeroPoints(ctx, 2, scale);
    const auto xv = readAs<float>(x);
    Output out(ctx, outType, x.dims());
    for (int64_t i = 0; i < x.numel(); ++i) {
        const auto k = std::size_t(index[std::size_t(i)]);
        out.setDouble(i, requantize(xv[std::size_t(i)] / s[k], zp[k], outType));
    }
    return {out.finish()};
}

Outputs dequantizeLinear(KernelContext& ctx)
{
    ctx.requireType(0, kQuantTypes | typeBit(dtype::Int32));
    ctx.requireType(1, kFloatTypes);
    const Tensor& x = ctx.in(0);
    const Tensor& scale = ctx.in(1);
    if (ctx.has(2))
        ctx.requireSameType(0, 2);
    const auto index = paramIndex(ctx, x, scale, ctx.attrInt("block_size", 0));
    const auto s = readAs<float>(scale);
    const auto zp = zeroPoints(ctx, 2, scale);
    const auto xv = readAs<int64_t>(x);
    Output out(ctx, scale.dtype(), x.dims());
    for (int64_t i = 0; i < x.numel(); ++i) {
        const auto k = std::size_t(index[std::size_t(i)]);
        out.setDouble(i, static_cast<float>(xv[std::size_t(i)] - static_cast<int64_t>(zp[k])) * s[k]);
    }
    return {out.finish()};
}

Outputs dynamicQuantizeLinear(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes); // ONNX says float; half types are read as float
    const Tensor& x = ctx.in(0);
    const auto xv = readAs<float>(x);
    float lo = 0.f, hi = 0.f;
    for (float v : xv) {
        if (std::isnan(v))
            ctx.fail("the input holds NaN, which has no quantization range");
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    const float scale = hi == lo ? 1.0f : (hi - lo) / 255.0f;
    const float zp = std::nearbyint(std::min(255.f, std::max(0.f, 0.f - lo / scale)));
    Output y(ctx, dtype::UInt8, x.dims());
    for (int64_t i = 0; i < x.numel(); ++i)
        y.setDouble(i, requantize(xv[std::size_t(i)] / scale, zp, dtype::UInt8));
    Output ys(ctx, dtype::Float, {});
    ys.setDouble(0, scale);
    Output yz(ctx, dtype::UInt8, {});
    yz.setDouble(0, zp);
    return {y.finish(), ys.finish(), yz.finish()};
}

/// Values of an 8-bit input minus its zero point (scalar, or per slice along axis of length count
/// when the zero point is 1-D), as a double tensor with the input's dims.
TensorPtr centered(const KernelContext& ctx, std::size_t i, std::size_t zpIndex, int64_t axis, const char* what)
{
    ctx.requireType(i, k8BitTypes);
    const Tensor& x = ctx.in(i);
    std::vector<double> v = readAs<double>(x);
    if (const Tensor* zp = ctx.opt(zpIndex)) {
        if (zp->dtype() != x.dtype())
            ctx.fail(std::string(what) + " zero point is " + dtypeName(zp->dtype()) + ", the input "
                     + dtypeName(x.dtype()));
        const auto z = readAs<double>(*zp);
        if (z.size() == 1) {
            for (double& e : v)
                e -= z[0];
        } else {
            if (x.rank() == 0 || axis < 0 || zp->rank() != 1 || zp->dims()[0] != x.dims()[std::size_t(axis)])
                ctx.fail(std::string(what) + " zero point of shape " + dimsString(zp->dims())
                         + " is neither one value nor one per " + (axis == 0 ? "output channel" : "column")
                         + " of an input of shape " + dimsString(x.dims()));
            const int64_t D = x.dims()[std::size_t(axis)], inner = product(x.dims(), std::size_t(axis + 1));
            for (std::size_t k = 0; k < v.size(); ++k)
                v[k] -= z[std::size_t((int64_t(k) / inner) % D)];
        }
    }
    return Tensor::fromDoubles(dtype::Double, x.dims(), v);
}

/// Runs the kernel of another op (MatMul, Conv) with this node's attributes on the given inputs.
TensorPtr runAs(const KernelContext& ctx, const std::string& op, const std::vector<TensorPtr>& inputs)
{
    Node node = ctx.node();
    node.opType = op;
    node.domain.clear();
    node.inputs.clear();
    for (std::size_t i = 0; i < inputs.size(); ++i)
        node.inputs.push_back(inputs[i] ? "in" + std::to_string(i) : std::string());
    node.outputs = {"out"};
    node.subgraphs.clear();
    try {
        return evaluateNodeInScope(node, inputs, ctx.opset(), ctx.scope(), ctx.options()).at(0);
    } catch (const Error& e) {
        // Report the problem as this node's ("... (QLinearConv): ...", not "(Conv)").
        std::string message = e.what();
        const std::string inner = "Cannot evaluate node " + quote(node.label()) + " (" + op + "): ";
        if (message.rfind(inner, 0) == 0)
            message = message.substr(inner.size());
        if (!message.empty() && message.back() == '.')
            message.pop_back();
        ctx.fail(message);
    }
}

/// The axis of B's columns (for a per-column zero point or scale), -1 for a 1-D B.
int64_t columnAxis(const Tensor& b) { return b.rank() >= 2 ? int64_t(b.rank()) - 1 : -1; }

/// The row axis of A (for a per-row zero point), -1 for a 1-D A.
int64_t rowAxis(const Tensor& a) { return a.rank() >= 2 ? int64_t(a.rank()) - 2 : -1; }

Outputs matMulInteger(KernelContext& ctx)
{
    const TensorPtr a = centered(ctx, 0, 2, rowAxis(ctx.in(0)), "A");
    const TensorPtr b = centered(ctx, 1, 3, columnAxis(ctx.in(1)), "B");
    const TensorPtr y = runAs(ctx, "MatMul", {a, b});
    return {Tensor::fromDoubles(dtype::Int32, y->dims(), readAs<double>(*y))};
}

Outputs convInteger(KernelContext& ctx)
{
    const TensorPtr x = centered(ctx, 0, 2, -1, "x");
    const TensorPtr w = centered(ctx, 1, 3, 0, "w");
    const TensorPtr y = runAs(ctx, "Conv", {x, w});
    return {Tensor::fromDoubles(dtype::Int32, y->dims(), readAs<double>(*y))};
}

/// A scale input: one float value, or (when perCount > 0) one per channel.
std::vector<float> scales(const KernelContext& ctx, std::size_t i, int64_t perCount, const char* what)
{
    ctx.requireType(i, kFloatTypes);
    const Tensor& s = ctx.in(i);
    if (s.numel() != 1 && !(perCount > 0 && s.rank() == 1 && s.dims()[0] == perCount))
        ctx.fail(std::string(what) + " of shape " + dimsString(s.dims()) + " is neither one value"
                 + (perCount > 0 ? " nor " + std::to_string(perCount) + " values" : std::string()));
    return readAs<float>(s);
}

/// acc (integer valued) * (scaleA * scaleB[c] / scaleY), rounded, plus the output zero point, where c
/// is the index along channelAxis (or 0 for per-tensor scales).
Outputs requantizeOutput(KernelContext& ctx, const Tensor& acc, float scaleA, const std::vector<float>& scaleB,
                         std::size_t yScaleIndex, std::size_t yZeroIndex, int64_t channelAxis)
{
    const float scaleY = scales(ctx, yScaleIndex, 0, "y_scale")[0];
    int32_t outType = dtype::UInt8;
    float zp = 0;
    if (ctx.has(yZeroIndex)) {
        ctx.requireType(yZeroIndex, k8BitTypes);
        if (ctx.in(yZeroIndex).numel() != 1)
            ctx.fail("y_zero_point must hold one value, not shape " + dimsString(ctx.in(yZeroIndex).dims()));
        outType = ctx.in(yZeroIndex).dtype();
        zp = readAs<float>(ctx.in(yZeroIndex))[0];
    }
    std::vector<float> multiplier;
    for (float s : scaleB)
        multiplier.push_back(scaleA * s / scaleY);
    const auto v = readAs<double>(acc);
    const int64_t D = channelAxis >= 0 ? acc.dims()[std::size_t(channelAxis)] : 1;
    const int64_t inner = channelAxis >= 0 ? product(acc.dims(), std::size_t(channelAxis + 1)) : 1;
    Output out(ctx, outType, acc.dims());
    for (int64_t i = 0; i < acc.numel(); ++i) {
        const float m = multiplier.size() == 1 ? multiplier[0] : multiplier[std::size_t((i / inner) % D)];
        out.setDouble(i, requantize(static_cast<float>(v[std::size_t(i)]) * m, zp, outType));
    }
    return {out.finish()};
}

Outputs qLinearMatMul(KernelContext& ctx)
{
    const Tensor& bIn = ctx.in(3);
    const int64_t columns = bIn.rank() >= 2 ? bIn.dims().back() : 0;
    const float scaleA = scales(ctx, 1, 0, "a_scale")[0];
    const auto scaleB = scales(ctx, 4, columns, "b_scale");
    const TensorPtr a = centered(ctx, 0, 2, rowAxis(ctx.in(0)), "a");
    const TensorPtr b = centered(ctx, 3, 5, columnAxis(bIn), "b");
    const TensorPtr y = runAs(ctx, "MatMul", {a, b});
    return requantizeOutput(ctx, *y, scaleA, scaleB, 6, 7, scaleB.size() > 1 ? int64_t(y->rank()) - 1 : -1);
}

Outputs qLinearConv(KernelContext& ctx)
{
    const Tensor& wIn = ctx.in(3);
    const int64_t M = wIn.rank() ? wIn.dims()[0] : 0;
    const float scaleX = scales(ctx, 1, 0, "x_scale")[0];
    const auto scaleW = scales(ctx, 4, M, "w_scale");
    const TensorPtr x = centered(ctx, 0, 2, -1, "x");
    const TensorPtr w = centered(ctx, 3, 5, 0, "w");
    TensorPtr bias;
    if (ctx.has(8)) {
        ctx.requireType(8, typeBit(dtype::Int32));
        bias = Tensor::fromDoubles(dtype::Double, ctx.in(8).dims(), readAs<double>(ctx.in(8)));
    }
    const TensorPtr y = runAs(ctx, "Conv", {x, w, bias});
    return requantizeOutput(ctx, *y, scaleX, scaleW, 6, 7, 1);
}

} // namespace

void registerQuantKernels(KernelTable& table)
{
    table["QuantizeLinear"] = quantizeLinear;
    table["DequantizeLinear"] = dequantizeLinear;
    table["DynamicQuantizeLinear"] = dynamicQuantizeLinear;
    table["MatMulInteger"] = matMulInteger;
    table["ConvInteger"] = convInteger;
    table["QLinearMatMul"] = qLinearMatMul;
    table["QLinearConv"] = qLinearConv;
}

} // namespace netfold::eval
