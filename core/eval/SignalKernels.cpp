// Signal processing (opset 17): DFT, STFT, HannWindow, HammingWindow, BlackmanWindow and
// MelWeightMatrix. Transforms are direct sums in double (exact twiddles from a table of n values).
#include "eval/Broadcast.h"
#include "eval/Kernel.h"
#include "eval/Values.h"

#include <algorithm>
#include <cmath>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

constexpr double kPi = 3.14159265358979323846;

/// out[k] = sum_j in[j] * exp(sign * 2 pi i j k / n) for k < bins, in as interleaved (re, im).
/// n * bins steps: the evaluation's time cap and cancel are checked about every million.
void dft(const KernelContext& ctx, const double* in, int64_t n, int64_t bins, bool inverse, double* out)
{
    const int64_t checkEvery = std::max<int64_t>(1, (int64_t(1) << 20) / n);
    const std::size_t table = ctx.checkScratch(2 * double(n), sizeof(double), "the DFT's twiddle table") / 2;
    std::vector<double> c(table), s(table);
    for (int64_t j = 0; j < n; ++j) {
        const double a = 2 * kPi * double(j) / double(n);
        c[std::size_t(j)] = std::cos(a);
        s[std::size_t(j)] = (inverse ? 1.0 : -1.0) * std::sin(a);
    }
    for (int64_t k = 0; k < bins; ++k) {
        if (k % checkEvery == 0)
            ctx.checkBudget();
        double re = 0, im = 0;
        for (int64_t j = 0; j < n; ++j) {
            const auto t = std::size_t((j * k) % n);
            const double xr = in[2 * j], xi = in[2 * j + 1];
            re += xr * c[t] - xi * s[t];
            im += xr * s[t] + xi * c[t];
        }
        out[2 * k] = inverse ? re / double(n) : re;
        out[2 * k + 1] = inverse ? im / double(n) : im;
    }
}

Outputs dftOp(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireMinRank(0, 2);
    const Tensor& x = ctx.in(0);
    const int64_t rank = int64_t(x.rank());
    const int64_t comps = x.dims().back();
    if (comps != 1 && comps != 2)
        ctx.fail("the last dim of input of shape " + dimsString(x.dims()) + " must be 1 (real) or 2 (complex)");
    int64_t axisAttr = ctx.attrInt("axis", 1);
    if (ctx.opset() >= 20 && ctx.has(2))
        axisAttr = ctx.scalarInt(2);
    else if (ctx.opset() >= 20)
        axisAttr = -2;
    const int64_t axis = ctx.axis(axisAttr, rank);
    if (axis == rank - 1)
        ctx.fail("axis " + std::to_string(axisAttr) + " is the complex-component axis");
    const int64_t len = x.dims()[std::size_t(axis)];
    int64_t n = len;
    if (ctx.has(1) && ctx.in(1).numel()) {
        n = ctx.scalarInt(1);
        if (n < 1)
            ctx.fail("dft_length " + std::to_string(n) + " is not positive");
    }
    const bool inverse = ctx.attrInt("inverse", 0) != 0, onesided = ctx.attrInt("onesided", 0) != 0;
    if (onesided && inverse)
        ctx.fail("onesided with inverse has no kernel");
    const int64_t bins = onesided ? n / 2 + 1 : n;
    std::vector<int64_t> dims = x.dims();
    dims[std::size_t(axis)] = bins;
    dims.back() = 2;
    Output out(ctx, x.dtype(), dims);
    const auto v = readAs<double>(x);
    const int64_t outer = product(x.dims(), 0, std::size_t(axis));
    const int64_t inner = product(x.dims(), std::size_t(axis + 1), std::size_t(rank - 1));
    std::vector<double> signal(ctx.checkScratch(2 * double(n), sizeof(double), "the signal row")),
        spectrum(ctx.checkScratch(2 * double(bins), sizeof(double), "the spectrum row"));
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
            std::fill(signal.begin(), signal.end(), 0.0);
            for (int64_t j = 0; j < std::min(n, len); ++j) {
                const int64_t at = ((o * len + j) * inner + i) * comps;
                signal[std::size_t(2 * j)] = v[std::size_t(at)];
                signal[std::size_t(2 * j + 1)] = comps == 2 ? v[std::size_t(at + 1)] : 0.0;
            }
            dft(ctx, signal.data(), n, bins, inverse, spectrum.data());
            for (int64_t k = 0; k < bins; ++k) {
                const int64_t at = ((o * bins + k) * inner + i) * 2;
                out.setDouble(at, spectrum[std::size_t(2 * k)]);
                out.setDouble(at + 1, spectrum[std::size_t(2 * k + 1)]);
            }
        }
    return {out.finish()};
}

Outputs stft(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireRank(0, 3);
    const Tensor& x = ctx.in(0);
    const int64_t B = x.dims()[0], L = x.dims()[1], comps = x.dims()[2];
    if (comps != 1 && comps != 2)
        ctx.fail("the last dim of signal of shape " + dimsString(x.dims()) + " must be 1 (real) or 2 (complex)");
    const int64_t step = ctx.scalarInt(1);
    if (step < 1)
        ctx.fail("frame_step " + std::to_string(step) + " is not positive");
    std::vector<double> window;
    if (ctx.has(2)) {
        ctx.requireType(2, kFloatTypes);
        ctx.requireRank(2, 1);
        window = readAs<double>(ctx.in(2));
    }
    int64_t frameLength = int64_t(window.size());
    if (ctx.has(3))
        frameLength = ctx.scalarInt(3);
    if (frameLength < 1)
        ctx.fail("frame_length is missing or not positive (give frame_length or a window)");
    if (!window.empty() && int64_t(window.size()) != frameLength)
        ctx.fail("window of length " + std::to_string(window.size()) + " does not match frame_length "
                 + std::to_string(frameLength));
    if (frameLength > L) // before a window of frame_length ones is made
        ctx.fail("frame_length " + std::to_string(frameLength) + " is longer than the signal (" + std::to_string(L) + ")");
    // An empty batch leaves frame_length bounded only by the signal's dims: its rows are scratch.
    const std::size_t row = ctx.checkScratch(2 * double(frameLength), sizeof(double), "the frame row");
    if (window.empty())
        window.assign(std::size_t(frameLength), 1.0);
    const bool onesided = ctx.attrInt("onesided", 1) != 0;
    if (onesided && comps == 2)
        ctx.fail("onesided output of a complex signal has no kernel");
    const int64_t frames = 1 + (L - frameLength) / step;
    const int64_t bins = onesided ? frameLength / 2 + 1 : frameLength;
    Output out(ctx, x.dtype(), {B, frames, bins, 2});
    const auto v = readAs<double>(x);
    std::vector<double> signal(row), spectrum(ctx.checkScratch(2 * double(bins), sizeof(double), "the spectrum row"));
    for (int64_t b = 0; b < B; ++b)
        for (int64_t f = 0; f < frames; ++f) {
            for (int64_t j = 0; j < frameLength; ++j) {
                const int64_t at = (b * L + f * step + j) * comps;
                signal[std::size_t(2 * j)] = v[std::size_t(at)] * window[std::size_t(j)];
                signal[std::size_t(2 * j + 1)] = comps == 2 ? v[std::size_t(at + 1)] * window[std::size_t(j)] : 0.0;
            }
            dft(ctx, signal.data(), frameLength, bins, false, spectrum.data());
            for (int64_t k = 0; k < 2 * bins; ++k)
                out.setDouble((b * frames + f) * bins * 2 + k, spectrum[std::size_t(k)]);
        }
    return {out.finish()};
}

/// The output dtype of the window and mel ops (output_datatype, default float).
int32_t outputDtype(const KernelContext& ctx)
{
    const auto dt = static_cast<int32_t>(ctx.attrInt("output_datatype", dtype::Float));
    ctx.requireKnownDtype(dt, "output_datatype");
    if (dt == dtype::String || dt == dtype::Bool)
        ctx.fail("output_datatype " + dtypeName(dt) + " is not numeric");
    return dt;
}

/// w[n] = a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N), N = size (periodic) or size - 1.
Outputs cosineWindow(KernelContext& ctx, double a0, double a1, double a2)
{
    const int64_t size = ctx.scalarInt(0);
    if (size < 0)
        ctx.fail("size " + std::to_string(size) + " is negative");
    const bool periodic = ctx.attrInt("periodic", 1) != 0;
    const double N = periodic ? double(size) : double(size - 1);
    Output out(ctx, outputDtype(ctx), {size});
    for (int64_t i = 0; i < size; ++i) {
        const double a = 2 * kPi * double(i) / N; // a symmetric window of size 1 divides 0 by 0, as ONNX Runtime does
        out.setDouble(i, a0 - a1 * std::cos(a) + a2 * std::cos(2 * a));
    }
    return {out.finish()};
}

Outputs hannWindow(KernelContext& ctx) { return cosineWindow(ctx, 0.5, 0.5, 0.0); }
Outputs hammingWindow(KernelContext& ctx) { return cosineWindow(ctx, 25.0 / 46.0, 21.0 / 46.0, 0.0); }
Outputs blackmanWindow(KernelContext& ctx) { return cosineWindow(ctx, 0.42, 0.5, 0.08); }

Outputs melWeightMatrix(KernelContext& ctx)
{
    const int64_t mels = ctx.scalarInt(0), dftLength = ctx.scalarInt(1), rate = ctx.scalarInt(2);
    const double lower = ctx.scalarDouble(3), upper = ctx.scalarDouble(4);
    if (mels < 1 || dftLength < 1 || rate < 1)
        ctx.fail("num_mel_bins, dft_length and sample_rate must be positive");
    if (!(lower >= 0 && upper >= lower && upper <= double(rate) / 2)) // NaN too
        ctx.fail("the edges " + formatNumber(lower) + " and " + formatNumber(upper)
                 + " Hz are not 0 <= lower <= upper <= sample_rate / 2");
    const int64_t spectrumBins = dftLength / 2 + 1;
    Output out(ctx, outputDtype(ctx), {spectrumBins, mels}); // the size limit, before anything is allocated
    auto toMel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
    const double lowMel = toMel(lower), highMel = toMel(upper);
    const double melStep = (highMel - lowMel) / double(mels + 2);
    std::vector<int64_t> bins(static_cast<std::size_t>(mels + 2));
    for (int64_t i = 0; i < mels + 2; ++i) {
        const double hz = 700.0 * (std::pow(10.0, (double(i) * melStep + lowMel) / 2595.0) - 1.0);
        bins[std::size_t(i)] = static_cast<int64_t>(std::floor((double(dftLength) + 1) * hz / double(rate)));
    }
    std::vector<double> w(static_cast<std::size_t>(spectrumBins * mels), 0.0);
    auto at = [&](int64_t j, int64_t i) -> double& {
        if (j < 0 || j >= spectrumBins)
            ctx.fail("a mel band reaches spectrum bin " + std::to_string(j) + " of " + std::to_string(spectrumBins));
        return w[std::size_t(j * mels + i)];
    };
    for (int64_t i = 0; i < mels; ++i) {
        const int64_t left = bins[std::size_t(i)], center = bins[std::size_t(i + 1)], right = bins[std::size_t(i + 2)];
        if (center == left)
            at(center, i) = 1.0;
        else
            for (int64_t j = left; j <= center; ++j)
                at(j, i) = double(j - left) / double(center - left);
        for (int64_t j = center; j < right; ++j)
            at(j, i) = double(right - j) / double(right - center);
    }
    out.putAll(w);
    return {out.finish()};
}

} // namespace

void registerSignalKernels(KernelTable& table)
{
    table["DFT"] = dftOp;
    table["STFT"] = stft;
    table["HannWindow"] = hannWindow;
    table["HammingWindow"] = hammingWindow;
    table["BlackmanWindow"] = blackmanWindow;
    table["MelWeightMatrix"] = melWeightMatrix;
}

} // namespace netfold::eval
