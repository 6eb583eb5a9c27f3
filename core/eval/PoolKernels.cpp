// Pooling: MaxPool (with Indices), AveragePool, GlobalAveragePool, GlobalMaxPool.
#include "eval/Elementwise.h"
#include "eval/Spatial.h"

#include <algorithm>
#include <limits>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

std::vector<int64_t> pooledDims(const Tensor& x, const std::vector<int64_t>& spatial)
{
    std::vector<int64_t> dims{x.dims()[0], x.dims()[1]};
    dims.insert(dims.end(), spatial.begin(), spatial.end());
    return dims;
}

/// Window positions inside the padded input ([-padBegin, in + padEnd)) for AveragePool's
/// count_include_pad: per axis the offsets j from 0 while o * stride - padBegin + j * dilation
/// < in + padEnd (a window never starts in the begin padding's outside).
double paddedWindowSize(const Window& w, const std::vector<int64_t>& o)
{
    double count = 1;
    for (std::size_t a = 0; a < w.rank(); ++a) {
        const int64_t room = w.in[a] + w.padEnd[a] - (o[a] * w.strides[a] - w.padBegin[a]);
        const int64_t d = w.dilations[a];
        count *= double(std::min(w.kernel[a], room / d + (room % d != 0)));
    }
    return count;
}

Window poolWindow(const KernelContext& ctx, const Tensor& x)
{
    ctx.requireMinRank(0, 3);
    const std::vector<int64_t> spatial(x.dims().begin() + 2, x.dims().end());
    const bool ceilMode = ctx.opset() >= 10 && ctx.attrInt("ceil_mode", 0) != 0;
    return slidingWindow(ctx, spatial, kernelShape(ctx, spatial.size()), ceilMode);
}

Outputs averagePool(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    const Tensor& x = ctx.in(0);
    const Window w = poolWindow(ctx, x);
    const bool includePad = ctx.attrInt("count_include_pad", 0) != 0;
    Output out(ctx, x.dtype(), pooledDims(x, w.out));
    const auto v = readAs<double>(x);
    const int64_t images = x.dims()[0] * x.dims()[1], inSize = product(w.in);
    const auto inStrides = stridesOf(w.in);
    int64_t y = 0;
    for (int64_t img = 0; img < images; ++img)
        for (IndexCounter o(w.out); o.valid(); o.next(), ++y) {
            double total = 0;
            int64_t count = 0;
            forWindow(ctx, w, o.index(), inStrides, [&](int64_t at) {
                total += v[static_cast<std::size_t>(img * inSize + at)];
                ++count;
            });
            const double divisor = includePad ? paddedWindowSize(w, o.index()) : double(count);
            out.setDouble(y, divisor > 0 ? total / divisor : std::numeric_limits<double>::quiet_NaN());
        }
    return {out.finish()};
}

/// MaxPool's Indices value for an element: row-major over the whole input (storage_order 0), or
/// with the spatial axes in column-major order (storage_order 1).
int64_t maxPoolIndex(const Window& w, int64_t image, int64_t at, bool columnMajor)
{
    const int64_t inSize = product(w.in);
    if (!columnMajor)
        return image * inSize + at;
    int64_t index = 0, stride = 1;
    const auto strides = stridesOf(w.in);
    for (std::size_t a = 0; a < w.rank(); ++a) {
        index += (at / strides[a] % w.in[a]) * stride;
        stride *= w.in[a];
    }
    return image * inSize + index;
}

Outputs maxPool(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes | typeBit(dtype::Int8) | typeBit(dtype::UInt8));
    const Tensor& x = ctx.in(0);
    const Window w = poolWindow(ctx, x);
    const bool columnMajor = ctx.attrInt("storage_order", 0) != 0;
    Output out(ctx, x.dtype(), pooledDims(x, w.out));
    const bool wantIndices = ctx.wantsOutput(1);
    Output indices(ctx, dtype::Int64, wantIndices ? out.dims() : std::vector<int64_t>{0});
    const auto v = readAs<double>(x);
    const int64_t images = x.dims()[0] * x.dims()[1], inSize = product(w.in);
    const auto inStrides = stridesOf(w.in);
    int64_t y = 0;
    for (int64_t img = 0; img < images; ++img)
        for (IndexCounter o(w.out); o.valid(); o.next(), ++y) {
            double best = -std::numeric_limits<double>::infinity();
            int64_t bestAt = -1;
            forWindow(ctx, w, o.index(), inStrides, [&](int64_t at) {
                const double value = v[static_cast<std::size_t>(img * inSize + at)];
                if (bestAt < 0 || value > best) {
                    best = value;
                    bestAt = at;
                }
            });
            out.setDouble(y, best);
            if (wantIndices)
                indices.setInt(y, maxPoolIndex(w, img, std::max<int64_t>(bestAt, 0), columnMajor));
        }
    Outputs result{out.finish()};
    if (wantIndices)
        result.push_back(indices.finish());
    return result;
}

Outputs globalPool(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireMinRank(0, 3);
    const Tensor& x = ctx.in(0);
    const bool isMax = ctx.node().opType == "GlobalMaxPool";
    Output out(ctx, x.dtype(), pooledDims(x, std::vector<int64_t>(x.rank() - 2, 1)));
    const int64_t inSize = product(x.dims(), 2);
    const auto v = readAs<double>(x);
    for (int64_t img = 0; img < out.numel(); ++img) {
        double acc = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
        for (int64_t i = 0; i < inSize; ++i) {
            const double value = v[static_cast<std::size_t>(img * inSize + i)];
            acc = isMax ? std::max(acc, value) : acc + value;
        }
        out.setDouble(img, isMax ? acc : acc / double(inSize));
    }
    return {out.finish()};
}

} // namespace

void registerPoolKernels(KernelTable& table)
{
    table["AveragePool"] = averagePool;
    table["MaxPool"] = maxPool;
    table["GlobalAveragePool"] = globalPool;
    table["GlobalMaxPool"] = globalPool;
}

} // namespace netfold::eval
