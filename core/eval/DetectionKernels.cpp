// Detection: NonMaxSuppression, RoiAlign and MaxRoiPool.
#include "eval/Kernel.h"
#include "eval/Values.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

struct Box {
    double y1, x1, y2, x2;
    double area() const { return (y2 - y1) * (x2 - x1); }
};

/// True when a and b overlap by more than threshold (intersection over union).
bool suppresses(const Box& a, const Box& b, double threshold)
{
    const double ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
    const double iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
    if (ih <= 0 || iw <= 0)
        return false;
    const double inter = ih * iw;
    const double areaA = a.area(), areaB = b.area();
    if (areaA <= 0 || areaB <= 0)
        return false;
    const double uni = areaA + areaB - inter;
    return uni > 0 && inter / uni > threshold;
}

Outputs nonMaxSuppression(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireType(1, kFloatTypes);
    ctx.requireRank(0, 3);
    ctx.requireRank(1, 3);
    const Tensor& boxes = ctx.in(0);
    const Tensor& scores = ctx.in(1);
    const int64_t B = boxes.dims()[0], N = boxes.dims()[1], C = scores.dims()[1];
    if (boxes.dims()[2] != 4 || scores.dims()[0] != B || scores.dims()[2] != N)
        ctx.fail("boxes of shape " + dimsString(boxes.dims()) + " and scores of shape " + dimsString(scores.dims())
                 + " do not fit together (expected [B,N,4] and [B,C,N])");
    const int64_t maxPerClass = ctx.has(2) && ctx.in(2).numel() ? ctx.scalarInt(2) : 0;
    const double iouThreshold = ctx.has(3) && ctx.in(3).numel() ? ctx.scalarDouble(3) : 0.0;
    const bool hasScoreThreshold = ctx.has(4) && ctx.in(4).numel();
    const double scoreThreshold = hasScoreThreshold ? ctx.scalarDouble(4) : 0.0;
    if (iouThreshold < 0 || iouThreshold > 1)
        ctx.fail("iou_threshold " + formatNumber(iouThreshold) + " is outside [0, 1]");
    const int64_t centerPoint = ctx.attrInt("center_point_box", 0);
    if (centerPoint != 0 && centerPoint != 1)
        ctx.fail("center_point_box " + std::to_string(centerPoint) + " is not 0 or 1");
    const auto bv = readAs<double>(boxes);
    const auto sv = readAs<float>(scores);
    std::vector<Box> all(static_cast<std::size_t>(B * N));
    for (std::size_t i = 0; i < all.size(); ++i) {
        const double* p = bv.data() + i * 4;
        if (centerPoint) {
            all[i] = {p[1] - p[3] / 2, p[0] - p[2] / 2, p[1] + p[3] / 2, p[0] + p[2] / 2};
        } else {
            all[i] = {std::min(p[0], p[2]), std::min(p[1], p[3]), std::max(p[0], p[2]), std::max(p[1], p[3])};
        }
    }
    std::vector<int64_t> selected;
    for (int64_t b = 0; b < B && maxPerClass > 0; ++b)
        for (int64_t c = 0; c < C; ++c) {
            const float* s = sv.data() + (b * C + c) * N;
            std::vector<int64_t> order;
            for (int64_t i = 0; i < N; ++i)
                if (!hasScoreThreshold || double(s[i]) > scoreThreshold)
                    order.push_back(i);
            std::stable_sort(order.begin(), order.end(), [&](int64_t l, int64_t r) { return s[l] > s[r]; });
            std::vector<int64_t> kept;
            for (int64_t i : order) {
                if (int64_t(kept.size()) >= maxPerClass)
                    break;
                const Box& box = all[std::size_t(b * N + i)];
                ctx.tick(int64_t(kept.size()) + 1); // kept x candidates: quadratic in the boxes
                bool keep = true;
                for (int64_t k : kept)
                    if (suppresses(all[std::size_t(b * N + k)], box, iouThreshold)) {
                        keep = false;
                        break;
                    }
                if (keep)
                    kept.push_back(i);
            }
            for (int64_t k : kept)
                selected.insert(selected.end(), {b, c, k});
        }
    Output out(ctx, dtype::Int64, {int64_t(selected.size() / 3), 3});
    out.putAll(selected);
    return {out.finish()};
}

/// The four corners RoiAlign samples at (y, x) of an H x W plane and their bilinear weights; none
/// (count 0) outside [-1, size].
struct RoiCorners {
    int count = 0;
    int64_t index[4] = {0, 0, 0, 0};
    double weight[4] = {0, 0, 0, 0};
};

RoiCorners roiCorners(int64_t H, int64_t W, double y, double x)
{
    RoiCorners c;
    if (H <= 0 || W <= 0 || y < -1.0 || y > double(H) || x < -1.0 || x > double(W))
        return c; // outside (an empty image has no pixel to read): the sample is 0
    y = std::max(y, 0.0);
    x = std::max(x, 0.0);
    auto yl = static_cast<int64_t>(y), xl = static_cast<int64_t>(x);
    int64_t yh, xh;
    if (yl >= H - 1) {
        yh = yl = H - 1;
        y = double(yl);
    } else {
        yh = yl + 1;
    }
    if (xl >= W - 1) {
        xh = xl = W - 1;
        x = double(xl);
    } else {
        xh = xl + 1;
    }
    const double ly = y - double(yl), lx = x - double(xl), hy = 1 - ly, hx = 1 - lx;
    c.count = 4;
    const int64_t index[4] = {yl * W + xl, yl * W + xh, yh * W + xl, yh * W + xh};
    const double weight[4] = {hy * hx, hy * lx, ly * hx, ly * lx};
    std::copy(index, index + 4, c.index);
    std::copy(weight, weight + 4, c.weight);
    return c;
}

/// Bilinear sample of one channel plane at (y, x) the way RoiAlign samples (0 outside [-1, size]).
double roiSample(const double* plane, int64_t H, int64_t W, double y, double x)
{
    const RoiCorners c = roiCorners(H, W, y, x);
    double sum = 0;
    for (int k = 0; k < c.count; ++k)
        sum += c.weight[k] * plane[c.index[k]];
    return sum;
}

/// The four weighted corners of a RoiAlign sample (max mode takes the largest of them).
double roiSampleMax(const double* plane, int64_t H, int64_t W, double y, double x)
{
    const RoiCorners c = roiCorners(H, W, y, x);
    if (c.count == 0)
        return 0.0;
    return std::max(std::max(c.weight[0] * plane[c.index[0]], c.weight[1] * plane[c.index[1]]),
                    std::max(c.weight[2] * plane[c.index[2]], c.weight[3] * plane[c.index[3]]));
}

Outputs roiAlign(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireType(1, kFloatTypes);
    ctx.requireRank(0, 4);
    ctx.requireRank(1, 2);
    ctx.requireRank(2, 1);
    const Tensor& x = ctx.in(0);
    const Tensor& rois = ctx.in(1);
    const int64_t N = x.dims()[0], C = x.dims()[1], H = x.dims()[2], W = x.dims()[3], R = rois.dims()[0];
    if (rois.dims()[1] != 4 || ctx.in(2).dims()[0] != R)
        ctx.fail("rois of shape " + dimsString(rois.dims()) + " and batch_indices of shape "
                 + dimsString(ctx.in(2).dims()) + " do not fit together (expected [R,4] and [R])");
    const auto batch = ctx.ints(2);
    const std::string mode = ctx.attrString("mode", "avg");
    if (mode != "avg" && mode != "max")
        ctx.fail("mode " + quote(mode) + " is not avg or max");
    const int64_t outH = ctx.attrInt("output_height", 1), outW = ctx.attrInt("output_width", 1);
    const int64_t ratio = ctx.attrInt("sampling_ratio", 0);
    if (outH < 1 || outW < 1 || ratio < 0)
        ctx.fail("output_height, output_width or sampling_ratio is out of range");
    const double scale = ctx.attrFloat("spatial_scale", 1.0f);
    const std::string transform =
        ctx.attrString("coordinate_transformation_mode", ctx.opset() >= 16 ? "half_pixel" : "output_half_pixel");
    if (transform != "half_pixel" && transform != "output_half_pixel")
        ctx.fail("coordinate_transformation_mode " + quote(transform) + " is not half_pixel or output_half_pixel");
    const bool halfPixel = transform == "half_pixel";
    const auto xv = readAs<double>(x);
    const auto rv = readAs<double>(rois);
    Output out(ctx, x.dtype(), {R, C, outH, outW});
    for (int64_t r = 0; r < R; ++r) {
        const int64_t n = batch[std::size_t(r)];
        if (n < 0 || n >= N)
            ctx.fail("batch index " + std::to_string(n) + " is out of range for " + std::to_string(N) + " images");
        const double offset = halfPixel ? 0.5 : 0.0;
        const double* roi = rv.data() + r * 4;
        const double x1 = roi[0] * scale - offset, y1 = roi[1] * scale - offset;
        double rw = roi[2] * scale - offset - x1, rh = roi[3] * scale - offset - y1;
        if (!halfPixel) {
            rw = std::max(rw, 1.0);
            rh = std::max(rh, 1.0);
        }
        if (!std::isfinite(x1) || !std::isfinite(y1) || !std::isfinite(rw) || !std::isfinite(rh))
            ctx.fail("roi " + std::to_string(r) + " (times spatial_scale) is not finite");
        const double binH = rh / double(outH), binW = rw / double(outW);
        // The sampling grid per bin: sampling_ratio, or as many points as the bin is wide. Its
        // points are the kernel's work (tick), and their count must stay far inside int64.
        const double gridHd = std::max(ratio > 0 ? double(ratio) : std::ceil(rh / double(outH)), 0.0);
        const double gridWd = std::max(ratio > 0 ? double(ratio) : std::ceil(rw / double(outW)), 0.0);
        if (gridHd * gridWd > 0x1p52)
            ctx.fail("the sampling grid of roi " + std::to_string(r) + " (" + formatNumber(gridHd) + " x "
                     + formatNumber(gridWd) + " points per bin) is too large");
        const auto gridH = static_cast<int64_t>(gridHd), gridW = static_cast<int64_t>(gridWd);
        const double count = double(std::max<int64_t>(gridH * gridW, 1));
        for (int64_t c = 0; c < C; ++c) {
            const double* plane = xv.data() + (n * C + c) * H * W;
            for (int64_t ph = 0; ph < outH; ++ph)
                for (int64_t pw = 0; pw < outW; ++pw) {
                    double acc = 0;
                    bool first = true;
                    for (int64_t iy = 0; iy < gridH; ++iy) {
                        const double yy = y1 + double(ph) * binH + (double(iy) + 0.5) * binH / double(gridH);
                        for (int64_t ix = 0; ix < gridW; ++ix) {
                            const double xx = x1 + double(pw) * binW + (double(ix) + 0.5) * binW / double(gridW);
                            if (mode == "avg") {
                                acc += roiSample(plane, H, W, yy, xx);
                            } else {
                                const double v = roiSampleMax(plane, H, W, yy, xx);
                                acc = first ? v : std::max(acc, v);
                                first = false;
                            }
                            ctx.tick(1); // a bin may hold up to 2^52 samples
                        }
                    }
                    out.setDouble(((r * C + c) * outH + ph) * outW + pw, mode == "avg" ? acc / count : acc);
                }
        }
    }
    return {out.finish()};
}

Outputs maxRoiPool(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireSameType(0, 1);
    ctx.requireRank(0, 4);
    ctx.requireRank(1, 2);
    const Tensor& x = ctx.in(0);
    const Tensor& rois = ctx.in(1);
    const int64_t N = x.dims()[0], C = x.dims()[1], H = x.dims()[2], W = x.dims()[3], R = rois.dims()[0];
    if (rois.dims()[1] != 5)
        ctx.fail("rois of shape " + dimsString(rois.dims()) + " is not [R,5]");
    const auto pooled = ctx.attrInts("pooled_shape");
    if (pooled.size() != 2 || pooled[0] < 1 || pooled[1] < 1)
        ctx.fail("pooled_shape must be two positive sizes");
    const int64_t PH = pooled[0], PW = pooled[1];
    const double scale = ctx.attrFloat("spatial_scale", 1.0f);
    const auto xv = readAs<double>(x);
    const auto rv = readAs<double>(rois);
    Output out(ctx, x.dtype(), {R, C, PH, PW});
    for (int64_t r = 0; r < R; ++r) {
        const double* roi = rv.data() + r * 5;
        if (!(roi[0] >= 0 && roi[0] < double(N))) // NaN too, before the conversion
            ctx.fail("batch index " + formatNumber(roi[0]) + " is out of range for " + std::to_string(N) + " images");
        const auto n = static_cast<int64_t>(roi[0]);
        // Coordinates within 2^52 (exact as doubles; differences and bin bounds stay in int64).
        auto coordinate = [&](int k) {
            const double v = std::round(roi[k] * scale);
            if (!(std::fabs(v) <= 0x1p52))
                ctx.fail("roi " + std::to_string(r) + " has a coordinate (times spatial_scale) that is not finite "
                         "or past 2^52: " + formatNumber(roi[k]));
            return static_cast<int64_t>(v);
        };
        const int64_t sw = coordinate(1), sh = coordinate(2), ew = coordinate(3), eh = coordinate(4);
        const int64_t rh = std::max<int64_t>(eh - sh + 1, 1), rw = std::max<int64_t>(ew - sw + 1, 1);
        const double binH = double(rh) / double(PH), binW = double(rw) / double(PW);
        for (int64_t c = 0; c < C; ++c) {
            const double* plane = xv.data() + (n * C + c) * H * W;
            for (int64_t ph = 0; ph < PH; ++ph)
                for (int64_t pw = 0; pw < PW; ++pw) {
                    const int64_t hs = std::min(std::max<int64_t>(int64_t(std::floor(double(ph) * binH)) + sh, 0), H);
                    const int64_t he = std::min(std::max<int64_t>(int64_t(std::ceil(double(ph + 1) * binH)) + sh, 0), H);
                    const int64_t ws = std::min(std::max<int64_t>(int64_t(std::floor(double(pw) * binW)) + sw, 0), W);
                    const int64_t we = std::min(std::max<int64_t>(int64_t(std::ceil(double(pw + 1) * binW)) + sw, 0), W);
                    double m = 0;
                    bool any = false;
                    for (int64_t h = hs; h < he; ++h)
                        for (int64_t w = ws; w < we; ++w) {
                            const double v = plane[h * W + w];
                            m = any ? std::max(m, v) : v;
                            any = true;
                        }
                    out.setDouble(((r * C + c) * PH + ph) * PW + pw, any ? m : 0.0);
                    ctx.tick(std::max<int64_t>(he - hs, 0) * std::max<int64_t>(we - ws, 0) + 1);
                }
        }
    }
    return {out.finish()};
}

} // namespace

void registerDetectionKernels(KernelTable& table)
{
    table["NonMaxSuppression"] = nonMaxSuppression;
    table["RoiAlign"] = roiAlign;
    table["MaxRoiPool"] = maxRoiPool;
}

} // namespace netfold::eval
