// Resize (nearest, linear and cubic, antialiased from opset 18, opset 10 to 19 coordinate modes) and
// Upsample, done one axis at a time.
#include "eval/Elementwise.h"

#include <algorithm>
#include <cmath>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

struct ResizeMode {
    enum class Kind { Nearest, Linear, Cubic } kind = Kind::Nearest;
    std::string coordinates = "half_pixel";
    std::string nearest = "round_prefer_floor";
    bool antialias = false;
    bool excludeOutside = false;
    double cubicA = -0.75;
};

/// Where output coordinate x falls in the input, computed in float as ONNX Runtime does.
float sourceCoordinate(const std::string& mode, float x, float scale, int64_t inLen, int64_t outLen)
{
    const auto in = static_cast<float>(inLen), out = static_cast<float>(outLen);
    if (mode == "asymmetric")
        return x / scale;
    if (mode == "align_corners")
        return outLen == 1 ? 0.0f : x * (in - 1) / (out - 1);
    if (mode == "pytorch_half_pixel")
        return outLen > 1 ? (x + 0.5f) / scale - 0.5f : 0.0f;
    if (mode == "tf_half_pixel_for_nn")
        return (x + 0.5f) / scale;
    if (mode == "half_pixel_symmetric") {
        const float adjustment = out / (scale * in);
        const float offset = in / 2 * (1 - adjustment);
        return offset + (x + 0.5f) / scale - 0.5f;
    }
    return (x + 0.5f) / scale - 0.5f;
}

int64_t nearestIndex(const std::string& mode, float x, float scale)
{
    if (mode == "round_prefer_ceil")
        return static_cast<int64_t>(std::round(x));
    if (mode == "floor")
        return static_cast<int64_t>(std::floor(x));
    if (mode == "ceil")
        return static_cast<int64_t>(std::ceil(x));
    if (mode == "simple")
        return static_cast<int64_t>(scale < 1 ? std::ceil(x) : x);
    const float f = std::floor(x);
    return static_cast<int64_t>(x == f + 0.5f ? f : std::round(x));
}

/// The input positions one output element reads, and their weights.
using Taps = std::vector<std::pair<int64_t, double>>;

/// Keys' cubic convolution kernel with coefficient a, at distance x.
double cubicKernel(double x, double a)
{
    x = std::fabs(x);
    if (x < 1)
        return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2)
        return (((x - 5) * x + 8) * x - 4) * a;
    return 0;
}

/// How far an antialiased filter reaches either side of its centre, in input positions.
float antialiasSupport(const ResizeMode& mode, float scale)
{
    const float inPerOut = 1.0f / scale;
    const float half = mode.kind == ResizeMode::Kind::Cubic ? 2.0f : 1.0f;
    return inPerOut >= 1.0f ? half * inPerOut : half;
}

/// The most taps one output index has: its weight list's length.
double tapsPerOutput(const ResizeMode& mode, float scale)
{
    if (mode.antialias && mode.kind != ResizeMode::Kind::Nearest)
        return std::ceil(double(antialiasSupport(mode, scale))) * 2 + 1;
    return mode.kind == ResizeMode::Kind::Cubic ? 4 : mode.kind == ResizeMode::Kind::Linear ? 2 : 1;
}

/// Taps of an antialiased linear or cubic resize (opset 18): the filter is stretched by the
/// downscale factor; taps outside the input repeat the edge (or are dropped with
/// exclude_outside); weights are normalized.
Taps antialiasTaps(const ResizeMode& mode, int64_t j, float scale, int64_t inLen, int64_t outLen)
{
    const bool cubic = mode.kind == ResizeMode::Kind::Cubic;
    const float inPerOut = 1.0f / scale;
    const float support = antialiasSupport(mode, scale);
    const float stretch = inPerOut >= 1.0f ? 1.0f / inPerOut : 1.0f;
    const auto window = static_cast<int64_t>(tapsPerOutput(mode, scale));
    const float center = 0.5f + (inPerOut == 1.0f ? static_cast<float>(j)
                                                  : sourceCoordinate(mode.coordinates, static_cast<float>(j), scale, inLen,
                                                                     outLen));
    const auto first = static_cast<int64_t>(std::floor(center - support + 0.5f));
    const auto last = first + std::clamp<int64_t>(static_cast<int64_t>(std::floor(center + support + 0.5f)) - first, 0, window);
    Taps taps;
    double total = 0;
    for (int64_t t = first; t < last; ++t) {
        if (mode.excludeOutside && (t < 0 || t >= inLen))
            continue;
        const float d = (static_cast<float>(t) - center + 0.5f) * stretch;
        const double w = cubic ? cubicKernel(d, mode.cubicA) : std::max(0.0, 1.0 - std::fabs(double(d)));
        taps.emplace_back(std::clamp<int64_t>(t, 0, inLen - 1), w);
        total += w;
    }
    for (auto& t : taps)
        t.second = total == 0 ? 0.0 : t.second / total;
    return taps;
}

/// Taps of a cubic resize: the 4 neighbours of the source coordinate, edges repeated (or dropped
/// and the rest renormalized with exclude_outside).
Taps cubicTaps(const ResizeMode& mode, float x, int64_t inLen)
{
    const double base = std::floor(double(x)), r = double(x) - base;
    Taps taps;
    double total = 0;
    for (int k = -1; k <= 2; ++k) {
        const auto t = static_cast<int64_t>(base) + k;
        const double w = mode.excludeOutside && (t < 0 || t >= inLen) ? 0.0 : cubicKernel(r - k, mode.cubicA);
        taps.emplace_back(std::clamp<int64_t>(t, 0, inLen - 1), w);
        total += w;
    }
    if (mode.excludeOutside)
        for (auto& t : taps)
            t.second = total == 0 ? 0.0 : t.second / total;
    return taps;
}

/// Resizes values (shape dims) along one axis to outLen.
std::vector<double> resizeAxis(const KernelContext& ctx, const std::vector<double>& v, std::vector<int64_t>& dims,
                               std::size_t axis, int64_t outLen, float scale, const ResizeMode& mode)
{
    const int64_t inLen = dims[axis], outer = product(dims, 0, axis), inner = product(dims, axis + 1);
    // The weight lists (a list and its taps per output index) answer to the limit too: an
    // antialiased shrink of a long axis gives each output index a window as long as the input.
    ctx.checkScratch(double(outLen) * (tapsPerOutput(mode, scale) + 2), sizeof(Taps::value_type),
                     "the weights of axis " + std::to_string(axis));
    std::vector<Taps> taps(static_cast<std::size_t>(outLen));
    for (int64_t j = 0; j < outLen; ++j) {
        auto& t = taps[static_cast<std::size_t>(j)];
        if (mode.antialias && mode.kind != ResizeMode::Kind::Nearest) {
            t = antialiasTaps(mode, j, scale, inLen, outLen);
            continue;
        }
        const float x = sourceCoordinate(mode.coordinates, static_cast<float>(j), scale, inLen, outLen);
        if (mode.kind == ResizeMode::Kind::Linear) {
            const float c = std::clamp(x, 0.0f, static_cast<float>(inLen - 1));
            const auto lo = static_cast<int64_t>(std::floor(c));
            const double w = c - static_cast<float>(lo);
            t = {{lo, 1.0 - w}, {std::min(lo + 1, inLen - 1), w}};
        } else if (mode.kind == ResizeMode::Kind::Cubic) {
            t = cubicTaps(mode, x, inLen);
        } else {
            t = {{std::clamp<int64_t>(nearestIndex(mode.nearest, x, scale), 0, inLen - 1), 1.0}};
        }
    }
    std::vector<double> out(static_cast<std::size_t>(outer * outLen * inner));
    std::size_t dst = 0;
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t j = 0; j < outLen; ++j) {
            const Taps& t = taps[static_cast<std::size_t>(j)];
            for (int64_t i = 0; i < inner; ++i, ++dst) {
                if (t.size() == 1) { // nearest: an exact copy
                    out[dst] = v[static_cast<std::size_t>((o * inLen + t[0].first) * inner + i)];
                    continue;
                }
                double acc = 0;
                for (const auto& [at, w] : t)
                    if (w != 0)
                        acc += w * v[static_cast<std::size_t>((o * inLen + at) * inner + i)];
                out[dst] = acc;
            }
        }
    dims[axis] = outLen;
    return out;
}

/// Resizes x to outDims with per-axis scales, writing the output dtype.
TensorPtr resizeTo(const KernelContext& ctx, const Tensor& x, const std::vector<int64_t>& outDims,
                   const std::vector<float>& scales, const ResizeMode& mode)
{
    Output out(ctx, x.dtype(), outDims);
    if (out.numel() == 0)
        return out.finish();
    // Axes resize one at a time: the values in between are at most max(in, out) per axis (as
    // doubles), checked against the output limit before anything is allocated (a zero-size or
    // shrinking axis elsewhere must not let one axis grow without bound); each axis's weight
    // lists are checked in resizeAxis.
    std::vector<int64_t> widest(x.dims().size());
    for (std::size_t a = 0; a < widest.size(); ++a)
        widest[a] = std::max(x.dims()[a], outDims[a]);
    ctx.checkOutput(dtype::Double, widest);
    std::vector<double> v = readAs<double>(x);
    std::vector<int64_t> dims = x.dims();
    for (std::size_t a = 0; a < dims.size(); ++a)
        if (outDims[a] != dims[a] || scales[a] != 1.0f) {
            if (dims[a] == 0)
                ctx.fail("cannot resize the empty axis " + std::to_string(a));
            v = resizeAxis(ctx, v, dims, a, outDims[a], scales[a], mode);
        }
    for (int64_t i = 0; i < out.numel(); ++i)
        out.setDouble(i, v[static_cast<std::size_t>(i)]);
    return out.finish();
}

ResizeMode resizeMode(const KernelContext& ctx, bool legacy)
{
    ResizeMode m;
    const std::string mode = ctx.attrString("mode", "nearest");
    if (mode != "nearest" && mode != "linear" && mode != "bilinear" && !(mode == "cubic" && !legacy))
        ctx.fail("mode '" + mode + "' has no kernel");
    m.kind = mode == "nearest" ? ResizeMode::Kind::Nearest
             : mode == "cubic" ? ResizeMode::Kind::Cubic
                               : ResizeMode::Kind::Linear;
    if (legacy) {
        m.coordinates = "asymmetric";
        m.nearest = "simple";
        return m;
    }
    m.coordinates = ctx.attrString("coordinate_transformation_mode", "half_pixel");
    m.nearest = ctx.attrString("nearest_mode", "round_prefer_floor");
    static const char* const coords[] = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                                         "tf_half_pixel_for_nn", "half_pixel_symmetric"};
    if (std::find_if(std::begin(coords), std::end(coords), [&](const char* c) { return m.coordinates == c; })
        == std::end(coords))
        ctx.fail("coordinate_transformation_mode '" + m.coordinates + "' has no kernel");
    if (m.nearest != "round_prefer_floor" && m.nearest != "round_prefer_ceil" && m.nearest != "floor"
        && m.nearest != "ceil")
        ctx.fail("nearest_mode '" + m.nearest + "' is not supported");
    m.antialias = ctx.opset() >= 18 && ctx.attrInt("antialias", 0) != 0;
    m.excludeOutside = ctx.attrInt("exclude_outside", 0) != 0;
    m.cubicA = ctx.attrFloat("cubic_coeff_a", -0.75f);
    return m;
}

/// Output dims from scales: floor(in * scale), computed in float.
std::vector<int64_t> scaledDims(const KernelContext& ctx, const Tensor& x, const std::vector<float>& scales)
{
    std::vector<int64_t> dims;
    for (std::size_t a = 0; a < scales.size(); ++a) {
        const float d = static_cast<float>(x.dims()[a]) * scales[a];
        if (!(scales[a] > 0) || !std::isfinite(d) || d > 9e18f)
            ctx.fail("scale " + formatNumber(scales[a]) + " on axis " + std::to_string(a) + " is invalid");
        dims.push_back(static_cast<int64_t>(d));
    }
    return dims;
}

/// Expands per-axis values given for `axes` (opset 18) to all axes, others taking fallback.
template <class V> std::vector<V> forAllAxes(const KernelContext& ctx, const std::vector<V>& given, std::size_t rank,
                                             V fallback)
{
    const auto axesAttr = ctx.attrInts("axes");
    if (axesAttr.empty()) {
        if (given.size() != rank)
            ctx.fail("scales or sizes has " + std::to_string(given.size()) + " entries for rank " + std::to_string(rank));
        return given;
    }
    const auto axes = ctx.axes(axesAttr, static_cast<int64_t>(rank));
    if (given.size() != axes.size())
        ctx.fail("scales or sizes has " + std::to_string(given.size()) + " entries for " + std::to_string(axes.size())
                 + " axes");
    std::vector<V> all(rank, fallback);
    for (std::size_t k = 0; k < axes.size(); ++k)
        all[static_cast<std::size_t>(axes[k])] = given[k];
    return all;
}

std::vector<float> readFloats(const Tensor& t)
{
    const auto d = readAs<double>(t);
    return std::vector<float>(d.begin(), d.end());
}

struct Target {
    std::vector<int64_t> dims;
    std::vector<float> scales;
};

/// Output dims and scales from the sizes input, applying keep_aspect_ratio_policy (opset 18).
Target fromSizes(const KernelContext& ctx, const Tensor& x)
{
    const std::size_t rank = x.rank();
    const auto given = ctx.ints(3);
    if (std::any_of(given.begin(), given.end(), [](int64_t s) { return s < 0; }))
        ctx.fail("sizes " + dimsString(given) + " has a negative entry");
    const auto sizes = forAllAxes(ctx, given, rank, int64_t(-1));
    const std::string policy = ctx.attrString("keep_aspect_ratio_policy", "stretch");
    if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
        ctx.fail("keep_aspect_ratio_policy '" + policy + "' is not supported");
    Target t{x.dims(), std::vector<float>(rank, 1.0f)};
    float common = policy == "not_larger" ? 1e30f : 0.0f;
    for (std::size_t a = 0; a < rank; ++a) {
        if (sizes[a] < 0)
            continue;
        if (x.dims()[a] == 0)
            ctx.fail("cannot resize the empty axis " + std::to_string(a));
        t.dims[a] = sizes[a];
        t.scales[a] = static_cast<float>(sizes[a]) / static_cast<float>(x.dims()[a]);
        common = policy == "not_larger" ? std::min(common, t.scales[a]) : std::max(common, t.scales[a]);
    }
    if (policy != "stretch")
        for (std::size_t a = 0; a < rank; ++a)
            if (sizes[a] >= 0) {
                t.scales[a] = common;
                // In double: the float product rounds (as ONNX Runtime's does) but may pass int64.
                const double d = std::round(static_cast<double>(common * static_cast<float>(x.dims()[a])));
                if (!(d >= 0 && d < 9e18))
                    ctx.fail("sizes " + dimsString(given) + " under keep_aspect_ratio_policy '" + policy +
                             "' give axis " + std::to_string(a) + " the size " + formatNumber(d) +
                             ", past the int64 range");
                t.dims[a] = static_cast<int64_t>(d);
            }
    return t;
}

Outputs resize(KernelContext& ctx)
{
    ctx.requireType(0, kNumeric);
    const Tensor& x = ctx.in(0);
    const bool legacy = ctx.opset() < 11;
    const ResizeMode mode = resizeMode(ctx, legacy);
    const std::size_t rank = x.rank();
    const Tensor* scalesIn = ctx.opt(legacy ? 1 : 2);
    const Tensor* sizesIn = legacy ? nullptr : ctx.opt(3);
    if (scalesIn && scalesIn->numel() == 0)
        scalesIn = nullptr;
    if (sizesIn && sizesIn->numel() == 0)
        sizesIn = nullptr;
    if (!scalesIn == !sizesIn)
        ctx.fail("exactly one of scales and sizes must be given");
    if (scalesIn) {
        ctx.requireType(legacy ? 1 : 2, kFloatTypes);
        const auto scales = forAllAxes(ctx, readFloats(*scalesIn), rank, 1.0f);
        return {resizeTo(ctx, x, scaledDims(ctx, x, scales), scales, mode)};
    }
    const auto target = fromSizes(ctx, x);
    return {resizeTo(ctx, x, target.dims, target.scales, mode)};
}

Outputs upsample(KernelContext& ctx)
{
    ctx.requireType(0, kNumeric);
    const Tensor& x = ctx.in(0);
    const ResizeMode mode = resizeMode(ctx, true);
    std::vector<float> scales = ctx.opset() >= 9 ? readFloats(ctx.in(1)) : ctx.attrFloats("scales");
    if (scales.size() != x.rank())
        ctx.fail("scales has " + std::to_string(scales.size()) + " entries for rank " + std::to_string(x.rank()));
    return {resizeTo(ctx, x, scaledDims(ctx, x, scales), scales, mode)};
}

} // namespace

void registerResizeKernels(KernelTable& table)
{
    table["Resize"] = resize;
    table["Upsample"] = upsample;
}

} // namespace netfold::eval
