#include "eval/Spatial.h"

#include "eval/Values.h"

#include <algorithm>

namespace netfold::eval {

namespace {

std::vector<int64_t> perAxis(const KernelContext& ctx, const std::string& name, std::size_t rank, int64_t fallback)
{
    std::vector<int64_t> v = ctx.attrInts(name);
    if (v.empty())
        v.assign(rank, fallback);
    if (v.size() != rank)
        ctx.fail(name + " " + dimsString(v) + " has " + std::to_string(v.size()) + " entries for "
                 + std::to_string(rank) + " spatial axes");
    for (int64_t x : v)
        if (x < (fallback == 0 ? 0 : 1))
            ctx.fail(name + " " + dimsString(v) + " has an invalid entry");
    return v;
}

/// num / den for num >= 0, den > 0, rounded up or down, without overflowing.
int64_t divRound(int64_t num, int64_t den, bool up) { return num / den + (up && num % den != 0); }

} // namespace

int64_t AxisMath::add(int64_t a, int64_t b) const
{
    int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r))
        overflow();
    return r;
}

int64_t AxisMath::sub(int64_t a, int64_t b) const
{
    int64_t r = 0;
    if (__builtin_sub_overflow(a, b, &r))
        overflow();
    return r;
}

int64_t AxisMath::mul(int64_t a, int64_t b) const
{
    int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r))
        overflow();
    return r;
}

void AxisMath::overflow() const
{
    m_ctx.fail("the window (kernel_shape, strides, dilations, pads) on spatial axis " + std::to_string(m_axis)
               + " reaches past int64");
}

std::vector<int64_t> kernelShape(const KernelContext& ctx, std::size_t spatialRank)
{
    if (!ctx.hasAttr("kernel_shape"))
        ctx.fail("required attribute 'kernel_shape' is missing");
    return perAxis(ctx, "kernel_shape", spatialRank, 1);
}

Window windowAttributes(const KernelContext& ctx, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel)
{
    const std::size_t k = in.size();
    Window w;
    w.in = in;
    w.kernel = kernel;
    w.strides = perAxis(ctx, "strides", k, 1);
    w.dilations = perAxis(ctx, "dilations", k, 1);
    const auto pads = perAxis(ctx, "pads", 2 * k, 0);
    w.padBegin.assign(pads.begin(), pads.begin() + static_cast<std::ptrdiff_t>(k));
    w.padEnd.assign(pads.begin() + static_cast<std::ptrdiff_t>(k), pads.end());
    return w;
}

Window slidingWindow(const KernelContext& ctx, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel,
                     bool ceilMode)
{
    const std::size_t k = in.size();
    Window w = windowAttributes(ctx, in, kernel);
    const std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
    if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
        ctx.fail("auto_pad '" + autoPad + "' is not supported");
    for (std::size_t i = 0; i < k; ++i) {
        const AxisMath m(ctx, i);
        const int64_t extent = m.add(m.mul(w.dilations[i], kernel[i] - 1), 1);
        const int64_t s = w.strides[i];
        if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
            const int64_t out = divRound(in[i], s, true);
            const int64_t total = std::max<int64_t>(0, m.sub(m.add(m.mul(out - 1, s), extent), in[i]));
            w.padBegin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
            w.padEnd[i] = total - w.padBegin[i];
        } else if (autoPad == "VALID") {
            w.padBegin[i] = w.padEnd[i] = 0;
        }
        const int64_t padded = m.add(m.add(in[i], w.padBegin[i]), w.padEnd[i]);
        m.add(padded, extent); // bounds every window position, the ceil_mode's last window's included
        const int64_t span = m.sub(padded, extent);
        if (span < 0)
            ctx.fail("the kernel (extent " + std::to_string(extent) + ") is larger than the padded input ("
                     + std::to_string(padded) + ") on spatial axis " + std::to_string(i));
        int64_t out = divRound(span, s, ceilMode) + 1;
        int64_t lastStart = 0;
        if (ceilMode && (__builtin_mul_overflow(out - 1, s, &lastStart) || lastStart >= in[i] + w.padBegin[i]))
            --out;
        w.out.push_back(out);
    }
    return w;
}

KernelSpan insideSpan(const Window& w, std::size_t axis, int64_t o)
{
    const int64_t base = o * w.strides[axis] - w.padBegin[axis], d = w.dilations[axis];
    const int64_t first = base >= 0 ? 0 : divRound(-base, d, true);
    const int64_t end = base >= w.in[axis] ? 0 : std::min(w.kernel[axis], divRound(w.in[axis] - base, d, true));
    return {first, end};
}

} // namespace netfold::eval
