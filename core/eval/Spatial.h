#pragma once
// Internal to core/eval: the sliding-window geometry shared by Conv and the pooling ops
// (kernel, strides, dilations, pads, auto_pad, ceil_mode).
#include "eval/Broadcast.h"
#include "eval/Kernel.h"

namespace netfold::eval {

/// One sliding window over the spatial axes of an input [N, C, D1, ..., Dk].
struct Window {
    std::vector<int64_t> in, kernel, out, strides, dilations, padBegin, padEnd;
    /// Number of spatial axes.
    std::size_t rank() const { return in.size(); }
};

/// Window arithmetic on one spatial axis. Attributes may hold any int64, so each step fails,
/// naming the axis, instead of overflowing.
class AxisMath {
public:
    AxisMath(const KernelContext& ctx, std::size_t axis) : m_ctx(ctx), m_axis(axis) {}
    int64_t add(int64_t a, int64_t b) const;
    int64_t sub(int64_t a, int64_t b) const;
    int64_t mul(int64_t a, int64_t b) const;

private:
    [[noreturn]] void overflow() const;
    const KernelContext& m_ctx;
    std::size_t m_axis;
};

/// Reads strides, dilations and pads (without auto_pad; out is left empty).
Window windowAttributes(const KernelContext& ctx, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel);
/// Reads strides, dilations, pads and auto_pad for the given input spatial dims and kernel, and
/// computes the output dims (ceil_mode rounds up, dropping a last window that starts in the end padding).
/// Every window position, kernel offset included, then fits in int64 (the padded input plus one
/// kernel extent does).
Window slidingWindow(const KernelContext& ctx, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel,
                     bool ceilMode);
/// The kernel offsets of one axis whose input position o * stride - padBegin + j * dilation lies
/// inside the input: j in [first, end) (empty when first >= end).
struct KernelSpan {
    int64_t first, end;
};
KernelSpan insideSpan(const Window& w, std::size_t axis, int64_t o);

/// Calls f(offset within the image) for the input positions of the window at output position o
/// that lie inside the input, in row-major kernel order; positions in the padding are skipped
/// without being visited. Counts the visits against the context's budget (see tick).
template <class F> void forWindow(const KernelContext& ctx, const Window& w, const std::vector<int64_t>& o,
                                  const std::vector<int64_t>& inStrides, F&& f)
{
    const std::size_t k = w.rank();
    std::vector<int64_t> first(k), counts(k);
    int64_t visits = 1;
    for (std::size_t a = 0; a < k; ++a) {
        const KernelSpan span = insideSpan(w, a, o[a]);
        if (span.end <= span.first)
            return;
        first[a] = span.first;
        counts[a] = span.end - span.first;
        visits = counts[a] > (int64_t(1) << 40) / visits ? int64_t(1) << 40 : visits * counts[a];
    }
    ctx.tick(visits);
    for (IndexCounter kk(counts); kk.valid(); kk.next()) {
        int64_t offset = 0;
        for (std::size_t a = 0; a < k; ++a)
            offset += (o[a] * w.strides[a] - w.padBegin[a] + (first[a] + kk[a]) * w.dilations[a]) * inStrides[a];
        f(offset);
    }
}

/// kernel_shape as given (required for pools; for Conv it must match the weights when present).
std::vector<int64_t> kernelShape(const KernelContext& ctx, std::size_t spatialRank);

} // namespace netfold::eval
