// Conv and ConvTranspose (any number of spatial axes, groups, pads, strides, dilations, auto_pad),
// computed as im2col / col2im around a matrix product.
#include "eval/Elementwise.h"
#include "eval/Gemm.h"
#include "eval/Spatial.h"

#include <algorithm>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

/// Calls run(T{}) with float for float/float16/bfloat16 and double for double.
template <class Run> void withFloatType(int32_t dt, Run&& run)
{
    if (dt == dtype::Double)
        run(double{});
    else
        run(float{});
}

std::vector<int64_t> spatialDims(const std::vector<int64_t>& dims)
{
    return std::vector<int64_t>(dims.begin() + 2, dims.end());
}

/// Checks the shared Conv/ConvTranspose inputs: X [N, C, D...], W [*, *, K...], optional bias of size biasSize.
void checkConvInputs(const KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireSameType(0, 1);
    ctx.requireMinRank(0, 3);
    if (ctx.in(1).rank() != ctx.in(0).rank())
        ctx.fail("weights of shape " + dimsString(ctx.in(1).dims()) + " do not match input rank "
                 + std::to_string(ctx.in(0).rank()));
    if (ctx.hasAttr("kernel_shape") && ctx.attrInts("kernel_shape") != spatialDims(ctx.in(1).dims()))
        ctx.fail("kernel_shape " + dimsString(ctx.attrInts("kernel_shape")) + " does not match weights of shape "
                 + dimsString(ctx.in(1).dims()));
}

void checkBias(const KernelContext& ctx, int64_t channels)
{
    if (!ctx.has(2))
        return;
    ctx.requireSameType(0, 2);
    if (ctx.in(2).dims() != std::vector<int64_t>{channels})
        ctx.fail("bias of shape " + dimsString(ctx.in(2).dims()) + " does not match " + std::to_string(channels)
                 + " output channels");
}

/// Copies the input windows of one image and channel group into columns: row (c, kernel offset),
/// column = output position; positions in the padding are 0.
template <class T> void im2col(const T* x, int64_t channels, const Window& w, T* col)
{
    const std::size_t k = w.rank();
    const int64_t inSize = product(w.in);
    const int64_t outLast = w.out[k - 1], inLast = w.in[k - 1];
    const std::vector<int64_t> outOuter(w.out.begin(), w.out.end() - 1);
    const auto inStrides = stridesOf(w.in);
    T* dst = col;
    for (int64_t c = 0; c < channels; ++c)
        for (IndexCounter kk(w.kernel); kk.valid(); kk.next())
            for (IndexCounter o(outOuter); o.valid(); o.next()) {
                int64_t base = c * inSize;
                bool inside = true;
                for (std::size_t a = 0; a + 1 < k; ++a) {
                    const int64_t i = o[a] * w.strides[a] - w.padBegin[a] + kk[a] * w.dilations[a];
                    inside = inside && i >= 0 && i < w.in[a];
                    if (inside)
                        base += i * inStrides[a];
                }
                const int64_t shift = kk[k - 1] * w.dilations[k - 1] - w.padBegin[k - 1];
                for (int64_t ol = 0; ol < outLast; ++ol) {
                    const int64_t i = ol * w.strides[k - 1] + shift;
                    *dst++ = inside && i >= 0 && i < inLast ? x[base + i] : T(0);
                }
            }
}

Outputs conv(KernelContext& ctx)
{
    checkConvInputs(ctx);
    const Tensor& x = ctx.in(0);
    const Tensor& wt = ctx.in(1);
    const int64_t N = x.dims()[0], C = x.dims()[1], M = wt.dims()[0];
    const int64_t group = ctx.attrInt("group", 1);
    // group <= max(C, 1) first: with no channels any group divides them, and the products below
    // (and the loop over groups) would run past int64.
    if (group < 1 || group > std::max<int64_t>(C, 1) || C % group != 0 || M % group != 0 || wt.dims()[1] * group != C)
        ctx.fail("input channels " + std::to_string(C) + ", weights " + dimsString(wt.dims()) + " and group "
                 + std::to_string(group) + " do not fit together");
    checkBias(ctx, M);
    const Window w = slidingWindow(ctx, spatialDims(x.dims()), spatialDims(wt.dims()), false);
    std::vector<int64_t> dims{N, M};
    dims.insert(dims.end(), w.out.begin(), w.out.end());
    Output out(ctx, x.dtype(), dims);
    const int64_t Cg = C / group, Mg = M / group;
    const int64_t rows = Cg * product(w.kernel), cols = product(w.out), inSize = product(w.in);
    const auto tick = [&ctx](int64_t steps) { ctx.tick(steps); }; // the time cap and Cancel, inside
    withFloatType(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const auto xv = readAs<T>(x);
        const auto wv = readAs<T>(wt);
        const auto bias = ctx.has(2) ? readAs<T>(ctx.in(2)) : std::vector<T>(static_cast<std::size_t>(M), T(0));
        std::vector<T> col(ctx.checkScratch(double(rows) * double(cols), sizeof(T), "the im2col columns"));
        std::vector<T> y(static_cast<std::size_t>(N * M * cols));
        for (int64_t n = 0; n < N; ++n)
            for (int64_t g = 0; g < group; ++g) {
                ctx.checkBudget();
                im2col(xv.data() + (n * C + g * Cg) * inSize, Cg, w, col.data());
                T* yg = y.data() + (n * M + g * Mg) * cols;
                for (int64_t m = 0; m < Mg; ++m)
                    std::fill(yg + m * cols, yg + (m + 1) * cols, bias[static_cast<std::size_t>(g * Mg + m)]);
                gemmAccumulate(Mg, cols, rows, wv.data() + g * Mg * rows, rows, col.data(), cols, yg, cols, tick);
            }
        out.putAll(y);
    });
    return {out.finish()};
}

/// ConvTranspose output dims and pads (output_shape, output_padding, auto_pad).
Window transposedWindow(const KernelContext& ctx, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel)
{
    const std::size_t k = in.size();
    Window w = windowAttributes(ctx, in, kernel);
    std::vector<int64_t> outPad = ctx.attrInts("output_padding");
    if (outPad.empty())
        outPad.assign(k, 0);
    std::vector<int64_t> outShape = ctx.attrInts("output_shape");
    if (outShape.size() > k)
        outShape.erase(outShape.begin(), outShape.end() - static_cast<std::ptrdiff_t>(k));
    if (outPad.size() != k || (!outShape.empty() && outShape.size() != k))
        ctx.fail("output_padding or output_shape does not match " + std::to_string(k) + " spatial axes");
    for (int64_t p : outPad)
        if (p < 0)
            ctx.fail("output_padding " + dimsString(outPad) + " has a negative entry");
    const std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
    if (outShape.empty() && (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER"))
        for (std::size_t i = 0; i < k; ++i)
            outShape.push_back(AxisMath(ctx, i).mul(in[i], w.strides[i]));
    w.out.clear();
    for (std::size_t i = 0; i < k; ++i) {
        const AxisMath m(ctx, i);
        const int64_t full = m.add(m.add(m.add(m.mul(w.strides[i], in[i] - 1), outPad[i]),
                                         m.mul(kernel[i] - 1, w.dilations[i])),
                                   1);
        if (!outShape.empty()) {
            const int64_t total = m.sub(full, outShape[i]);
            const bool upper = autoPad == "SAME_UPPER";
            w.padBegin[i] = upper ? total / 2 : total - total / 2;
            w.padEnd[i] = total - w.padBegin[i];
        } else if (autoPad == "VALID") {
            w.padBegin[i] = w.padEnd[i] = 0;
        }
        m.sub(full, w.padBegin[i]); // bounds every output position col2im computes
        const int64_t out = m.sub(m.sub(full, w.padBegin[i]), w.padEnd[i]);
        if (out < 0)
            ctx.fail("the output would have a negative size on spatial axis " + std::to_string(i));
        w.out.push_back(out);
    }
    return w;
}

/// Adds columns (row = (m, kernel offset), column = input position) into the output image.
template <class T> void col2im(const T* col, int64_t channels, const Window& w, T* y)
{
    const std::size_t k = w.rank();
    const int64_t outSize = product(w.out);
    const auto outStrides = stridesOf(w.out);
    for (int64_t c = 0; c < channels; ++c)
        for (IndexCounter kk(w.kernel); kk.valid(); kk.next())
            for (IndexCounter p(w.in); p.valid(); p.next(), ++col) {
                int64_t at = c * outSize;
                bool inside = true;
                for (std::size_t a = 0; a < k && inside; ++a) {
                    const int64_t o = p[a] * w.strides[a] - w.padBegin[a] + kk[a] * w.dilations[a];
                    inside = o >= 0 && o < w.out[a];
                    if (inside)
                        at += o * outStrides[a];
                }
                if (inside)
                    y[at] += *col;
            }
}

Outputs convTranspose(KernelContext& ctx)
{
    checkConvInputs(ctx);
    const Tensor& x = ctx.in(0);
    const Tensor& wt = ctx.in(1);
    const int64_t N = x.dims()[0], C = x.dims()[1];
    const int64_t group = ctx.attrInt("group", 1);
    if (group < 1 || group > std::max<int64_t>(C, 1) || C % group != 0 || wt.dims()[0] != C) // as Conv's
        ctx.fail("input channels " + std::to_string(C) + ", weights " + dimsString(wt.dims()) + " and group "
                 + std::to_string(group) + " do not fit together");
    const int64_t Cg = C / group, Mg = wt.dims()[1], M = Mg * group;
    checkBias(ctx, M);
    const Window w = transposedWindow(ctx, spatialDims(x.dims()), spatialDims(wt.dims()));
    std::vector<int64_t> dims{N, M};
    dims.insert(dims.end(), w.out.begin(), w.out.end());
    Output out(ctx, x.dtype(), dims);
    const int64_t rows = Mg * product(w.kernel), inSize = product(w.in), outSize = product(w.out);
    const auto tick = [&ctx](int64_t steps) { ctx.tick(steps); }; // the time cap and Cancel, inside
    withFloatType(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const auto xv = readAs<T>(x);
        const auto wv = readAs<T>(wt);
        const auto bias = ctx.has(2) ? readAs<T>(ctx.in(2)) : std::vector<T>(static_cast<std::size_t>(M), T(0));
        std::vector<T> wT(static_cast<std::size_t>(rows * Cg));
        std::vector<T> col(ctx.checkScratch(double(rows) * double(inSize), sizeof(T), "the col2im columns"));
        std::vector<T> y(static_cast<std::size_t>(N * M * outSize));
        for (int64_t g = 0; g < group; ++g) {
            for (int64_t c = 0; c < Cg; ++c)
                for (int64_t r = 0; r < rows; ++r)
                    wT[static_cast<std::size_t>(r * Cg + c)] = wv[static_cast<std::size_t>((g * Cg + c) * rows + r)];
            for (int64_t n = 0; n < N; ++n) {
                std::fill(col.begin(), col.end(), T(0));
                gemmAccumulate(rows, inSize, Cg, wT.data(), Cg, xv.data() + (n * C + g * Cg) * inSize, inSize,
                               col.data(), inSize, tick);
                col2im(col.data(), Mg, w, y.data() + (n * M + g * Mg) * outSize);
            }
        }
        for (int64_t n = 0; n < N; ++n)
            for (int64_t m = 0; m < M; ++m)
                for (int64_t i = 0; i < outSize; ++i)
                    y[static_cast<std::size_t>((n * M + m) * outSize + i)] += bias[static_cast<std::size_t>(m)];
        out.putAll(y);
    });
    return {out.finish()};
}

} // namespace

void registerConvKernels(KernelTable& table)
{
    table["Conv"] = conv;
    table["ConvTranspose"] = convTranspose;
}

} // namespace netfold::eval
