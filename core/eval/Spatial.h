#pragma once
// Internal to core/eval: the sliding-window geometry shared by Conv and the pooling ops
// (kernel, strides, dilations, pads, auto_pad, ceil_mode).
#include "eval/Kernel.h"

namespace netfold::eval {

/// One sliding window over the spatial axes of an input [N, C, D1, ..., Dk].
struct Window {
    std::vector<int64_t> in, kernel, out, strides, dilations, padBegin, padEnd;
    /// Number of spatial axes.
    std::size_t rank() const { return in.size(); }
};

/// Reads strides, dilations and pads (without auto_pad; out is left empty).
Window windowAttributes(const KernelContext& ctx, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel);
/// Reads strides, dilations, pads and auto_pad for the given input spatial dims and kernel, and
/// computes the output dims (ceil_mode rounds up, dropping a last window that starts in the end padding).
Window slidingWindow(const KernelContext& ctx, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel,
                     bool ceilMode);
/// kernel_shape as given (required for pools; for Conv it must match the weights when present).
std::vector<int64_t> kernelShape(const KernelContext& ctx, std::size_t spatialRank);

} // namespace netfold::eval
