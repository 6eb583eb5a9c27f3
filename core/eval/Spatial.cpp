#include "eval/Spatial.h"

#include "eval/Values.h"

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

int64_t divRound(int64_t num, int64_t den, bool up) { return up ? (num + den - 1) / den : num / den; }

} // namespace

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
        const int64_t extent = w.dilations[i] * (kernel[i] - 1) + 1;
        const int64_t s = w.strides[i];
        if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
            const int64_t out = divRound(in[i], s, true);
            const int64_t total = std::max<int64_t>(0, (out - 1) * s + extent - in[i]);
            w.padBegin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
            w.padEnd[i] = total - w.padBegin[i];
        } else if (autoPad == "VALID") {
            w.padBegin[i] = w.padEnd[i] = 0;
        }
        const int64_t span = in[i] + w.padBegin[i] + w.padEnd[i] - extent;
        if (span < 0)
            ctx.fail("the kernel (extent " + std::to_string(extent) + ") is larger than the padded input ("
                     + std::to_string(in[i] + w.padBegin[i] + w.padEnd[i]) + ") on spatial axis " + std::to_string(i));
        int64_t out = divRound(span, s, ceilMode) + 1;
        if (ceilMode && (out - 1) * s >= in[i] + w.padBegin[i])
            --out;
        w.out.push_back(out);
    }
    return w;
}

} // namespace netfold::eval
