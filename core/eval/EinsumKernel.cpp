// Einsum (explicit and implicit output, ellipsis broadcasting, repeated labels as diagonals) and
// GridSample (bilinear, nearest, bicubic; zeros, border, reflection padding).
#include "eval/Broadcast.h"
#include "eval/Elementwise.h"
#include "eval/Kernel.h"
#include "eval/Values.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

/// Labels: letters are 0..51, the dims covered by an ellipsis are 52 + k (k counted from the right).
constexpr int kEllipsisBase = 52;

int letterLabel(char c) { return std::islower(static_cast<unsigned char>(c)) ? c - 'a' : 26 + (c - 'A'); }

/// Parses one term ("ab...c") for an operand of the given rank into one label per dim.
std::vector<int> parseTerm(const KernelContext& ctx, const std::string& term, int64_t rank, int& ellipsisRank)
{
    std::vector<int> letters;
    int ellipsisAt = -1;
    for (std::size_t i = 0; i < term.size(); ++i) {
        const char c = term[i];
        if (c == '.') {
            if (term.compare(i, 3, "...") != 0 || ellipsisAt >= 0)
                ctx.fail("term " + quote(term) + " has a malformed or repeated ellipsis");
            ellipsisAt = int(letters.size());
            i += 2;
        } else if (std::isalpha(static_cast<unsigned char>(c))) {
            letters.push_back(letterLabel(c));
        } else {
            ctx.fail("term " + quote(term) + " has the character " + quote(std::string(1, c)));
        }
    }
    if (ellipsisAt < 0) {
        if (int64_t(letters.size()) != rank)
            ctx.fail("term " + quote(term) + " has " + std::to_string(letters.size()) + " labels for an input of rank "
                     + std::to_string(rank));
        return letters;
    }
    const int64_t covered = rank - int64_t(letters.size());
    if (covered < 0)
        ctx.fail("term " + quote(term) + " has more labels than its input has dims (" + std::to_string(rank) + ")");
    ellipsisRank = std::max(ellipsisRank, int(covered));
    std::vector<int> labels(letters.begin(), letters.begin() + ellipsisAt);
    for (int64_t k = covered - 1; k >= 0; --k)
        labels.push_back(kEllipsisBase + int(k));
    labels.insert(labels.end(), letters.begin() + ellipsisAt, letters.end());
    return labels;
}

/// The equation without spaces, split into its input terms and the output term (rhs; hasArrow false
/// when there is no "->").
struct Equation {
    std::string text, rhs;
    std::vector<std::string> terms;
    bool hasArrow = false;
};

Equation parseEquation(const KernelContext& ctx)
{
    Equation e;
    for (char c : ctx.attrString("equation"))
        if (!std::isspace(static_cast<unsigned char>(c)))
            e.text += c;
    if (e.text.empty())
        ctx.fail("the equation is empty");
    const std::size_t arrow = e.text.find("->");
    e.hasArrow = arrow != std::string::npos;
    if (e.hasArrow)
        e.rhs = e.text.substr(arrow + 2);
    const std::string lhs = e.text.substr(0, arrow);
    for (std::size_t start = 0;;) {
        const std::size_t comma = lhs.find(',', start);
        e.terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    if (e.terms.size() != ctx.inputCount())
        ctx.fail("the equation " + quote(e.text) + " has " + std::to_string(e.terms.size()) + " terms for "
                 + std::to_string(ctx.inputCount()) + " inputs");
    return e;
}

/// Size of every label (ellipsis dims broadcast: 1 stretches) and how many input axes use it.
void labelSizes(const KernelContext& ctx, const std::vector<std::vector<int>>& labels, int ellipsisRank,
                std::vector<int64_t>& size, std::vector<int>& uses)
{
    size.assign(std::size_t(kEllipsisBase + ellipsisRank), -1);
    uses.assign(size.size(), 0);
    for (std::size_t i = 0; i < labels.size(); ++i)
        for (std::size_t a = 0; a < labels[i].size(); ++a) {
            const int l = labels[i][a];
            const int64_t d = ctx.in(i).dims()[a];
            ++uses[std::size_t(l)];
            int64_t& s = size[std::size_t(l)];
            if (s < 0 || (l >= kEllipsisBase && s == 1))
                s = d;
            else if (d != s && !(l >= kEllipsisBase && d == 1))
                ctx.fail("label of input " + std::to_string(i) + " axis " + std::to_string(a) + " has size "
                         + std::to_string(d) + ", elsewhere " + std::to_string(s));
        }
    for (int k = 0; k < ellipsisRank; ++k)
        if (size[std::size_t(kEllipsisBase + k)] < 0)
            size[std::size_t(kEllipsisBase + k)] = 1;
}

/// The output's labels: the explicit output term, or (implicit mode) the ellipsis then the labels
/// used once, alphabetically.
std::vector<int> outputLabels(const KernelContext& ctx, const Equation& e, int ellipsisRank, const std::vector<int>& uses)
{
    std::vector<int> outLabels;
    if (e.hasArrow) {
        int outEllipsis = 0;
        const bool hasEllipsis = e.rhs.find("...") != std::string::npos;
        int64_t letterCount = 0;
        for (char c : e.rhs)
            letterCount += std::isalpha(static_cast<unsigned char>(c)) ? 1 : 0;
        outLabels = parseTerm(ctx, e.rhs, letterCount + (hasEllipsis ? ellipsisRank : 0), outEllipsis);
        std::vector<int> seen;
        for (int l : outLabels) {
            if (std::find(seen.begin(), seen.end(), l) != seen.end())
                ctx.fail("output label repeated in " + quote(e.rhs));
            if (l < kEllipsisBase && uses[std::size_t(l)] == 0)
                ctx.fail("output term " + quote(e.rhs) + " has a label no input has");
            seen.push_back(l);
        }
        return outLabels;
    }
    for (int k = ellipsisRank - 1; k >= 0; --k)
        outLabels.push_back(kEllipsisBase + k);
    std::vector<char> chars;
    for (int l = 0; l < kEllipsisBase; ++l)
        if (uses[std::size_t(l)] == 1)
            chars.push_back(l < 26 ? char('a' + l) : char('A' + l - 26));
    std::sort(chars.begin(), chars.end()); // alphabetical, upper case before lower case
    for (char c : chars)
        outLabels.push_back(letterLabel(c));
    return outLabels;
}

Outputs einsum(KernelContext& ctx)
{
    const Equation eq = parseEquation(ctx);
    const int32_t dt = ctx.in(0).dtype();
    for (std::size_t i = 0; i < eq.terms.size(); ++i) {
        ctx.requireType(i, kNumeric);
        if (ctx.in(i).dtype() != dt)
            ctx.requireSameType(0, i);
    }
    int ellipsisRank = 0;
    std::vector<std::vector<int>> labels;
    for (std::size_t i = 0; i < eq.terms.size(); ++i)
        labels.push_back(parseTerm(ctx, eq.terms[i], int64_t(ctx.in(i).rank()), ellipsisRank));
    std::vector<int64_t> size;
    std::vector<int> uses;
    labelSizes(ctx, labels, ellipsisRank, size, uses);
    const std::vector<int> outLabels = outputLabels(ctx, eq, ellipsisRank, uses);
    // Every label that occurs: output labels first, then the summed ones.
    std::vector<int> loop = outLabels;
    for (int l = 0; l < int(size.size()); ++l)
        if (uses[std::size_t(l)] && std::find(loop.begin(), loop.end(), l) == loop.end())
            loop.push_back(l);
    std::vector<int64_t> loopDims, outDims;
    for (int l : loop)
        loopDims.push_back(size[std::size_t(l)]);
    for (int l : outLabels)
        outDims.push_back(size[std::size_t(l)]);
    // Per input: its stride along every loop label (0 where it lacks it or broadcasts).
    std::vector<std::vector<int64_t>> strides;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto s = stridesOf(ctx.in(i).dims());
        std::vector<int64_t> st(loop.size(), 0);
        for (std::size_t a = 0; a < labels[i].size(); ++a) {
            const auto pos = std::size_t(std::find(loop.begin(), loop.end(), labels[i][a]) - loop.begin());
            if (ctx.in(i).dims()[a] != 1 || size[std::size_t(labels[i][a])] == 1)
                st[pos] += s[a];
        }
        strides.push_back(st);
    }
    Output out(ctx, dt, outDims);
    const int64_t outCount = product(outDims), inner = product(loopDims, outLabels.size());
    withDomain(dt, [&](auto tag) {
        using T = decltype(tag);
        std::vector<std::vector<T>> values;
        for (std::size_t i = 0; i < labels.size(); ++i)
            values.push_back(readAs<T>(ctx.in(i)));
        std::vector<T> acc(static_cast<std::size_t>(outCount), T(0));
        if (inner > 0) {
            int64_t flat = 0;
            for (IndexCounter idx(loopDims); idx.valid(); idx.next(), ++flat) {
                T prod = T(1);
                for (std::size_t i = 0; i < values.size(); ++i) {
                    int64_t off = 0;
                    for (std::size_t a = 0; a < loop.size(); ++a)
                        off += idx[a] * strides[i][a];
                    prod = wrapMul(prod, values[i][std::size_t(off)]);
                }
                T& o = acc[std::size_t(flat / inner)];
                o = wrapAdd(o, prod);
                ctx.tick(1); // the loop is the product of every label's size, not the output's
            }
        }
        out.putAll(acc);
    });
    return {out.finish()};
}

// ---- GridSample ------------------------------------------------------------------------------------

enum class Padding { Zeros, Border, Reflection };

/// Folds x into [lo, hi] by reflecting at the borders. Any double: the fold count stays a double
/// (whole below 2^53, and even above it), so no conversion to int64 can overflow; NaN gives lo.
double reflect(double x, double lo, double hi)
{
    const double range = hi - lo;
    if (range <= 0 || std::isnan(x))
        return lo;
    if (x >= lo && x <= hi)
        return x;
    const double d = x < lo ? lo - x : x - hi;
    if (!std::isfinite(d))
        return x < lo ? lo : hi;
    const double n = std::floor(d / range);
    const double r = std::clamp(d - n * range, 0.0, range);
    const bool even = std::fmod(n, 2.0) == 0;
    if (x < lo)
        return even ? lo + r : hi - r;
    return even ? hi - r : lo + r;
}

struct Plane {
    const double* v;
    int64_t H, W;
    Padding padding;
    double xMin, xMax, yMin, yMax;

    double at(int64_t r, int64_t c) const
    {
        switch (padding) {
        case Padding::Zeros:
            return r >= 0 && r < H && c >= 0 && c < W ? v[r * W + c] : 0.0;
        case Padding::Border:
            r = std::clamp<int64_t>(r, 0, H - 1);
            c = std::clamp<int64_t>(c, 0, W - 1);
            return v[r * W + c];
        case Padding::Reflection:
            c = static_cast<int64_t>(reflect(double(c), xMin, xMax));
            r = static_cast<int64_t>(reflect(double(r), yMin, yMax));
            r = std::clamp<int64_t>(r, 0, H - 1);
            c = std::clamp<int64_t>(c, 0, W - 1);
            return v[r * W + c];
        }
        return 0.0;
    }
};

void cubicCoefficients(double t, double c[4])
{
    constexpr double A = -0.75;
    const double x0 = t + 1, x3 = 2 - t;
    c[0] = ((A * x0 - 5 * A) * x0 + 8 * A) * x0 - 4 * A;
    c[1] = ((A + 2) * t - (A + 3)) * t * t + 1;
    c[2] = ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1;
    c[3] = ((A * x3 - 5 * A) * x3 + 8 * A) * x3 - 4 * A;
}

Outputs gridSample(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    ctx.requireType(1, kFloatTypes);
    ctx.requireRank(0, 4);
    ctx.requireRank(1, 4);
    const Tensor& x = ctx.in(0);
    const Tensor& grid = ctx.in(1);
    const int64_t N = x.dims()[0], C = x.dims()[1], H = x.dims()[2], W = x.dims()[3];
    const int64_t Ho = grid.dims()[1], Wo = grid.dims()[2];
    if (grid.dims()[0] != N || grid.dims()[3] != 2)
        ctx.fail("grid of shape " + dimsString(grid.dims()) + " does not fit an input of shape " + dimsString(x.dims())
                 + " (expected [" + std::to_string(N) + ",H,W,2])");
    std::string mode = ctx.attrString("mode", "bilinear");
    if (mode == "linear")
        mode = "bilinear";
    if (mode == "cubic")
        mode = "bicubic";
    if (mode != "bilinear" && mode != "nearest" && mode != "bicubic")
        ctx.fail("mode " + quote(mode) + " is not bilinear, nearest or bicubic");
    const std::string pad = ctx.attrString("padding_mode", "zeros");
    if (pad != "zeros" && pad != "border" && pad != "reflection")
        ctx.fail("padding_mode " + quote(pad) + " is not zeros, border or reflection");
    const Padding padding = pad == "zeros" ? Padding::Zeros : pad == "border" ? Padding::Border : Padding::Reflection;
    const bool align = ctx.attrInt("align_corners", 0) != 0;
    if ((H == 0 || W == 0) && padding != Padding::Zeros && N * C * Ho * Wo != 0)
        ctx.fail("padding_mode " + quote(pad) + " has no border to read in an input of shape " + dimsString(x.dims()));
    const auto xv = readAs<double>(x);
    const auto gv = readAs<double>(grid);
    const double xMin = align ? 0.0 : -0.5, xMax = align ? double(W - 1) : double(W) - 0.5;
    const double yMin = align ? 0.0 : -0.5, yMax = align ? double(H - 1) : double(H) - 0.5;
    auto denormalize = [&](double n, int64_t len) {
        return align ? (n + 1) / 2 * double(len - 1) : ((n + 1) * double(len) - 1) / 2;
    };
    Output out(ctx, x.dtype(), {N, C, Ho, Wo});
    for (int64_t n = 0; n < N; ++n)
        for (int64_t oh = 0; oh < Ho; ++oh)
            for (int64_t ow = 0; ow < Wo; ++ow) {
                const double* g = gv.data() + ((n * Ho + oh) * Wo + ow) * 2;
                double gx = denormalize(g[0], W), gy = denormalize(g[1], H);
                if (mode == "nearest") {
                    gx = std::nearbyint(gx);
                    gy = std::nearbyint(gy);
                }
                if (gx < xMin || gx > xMax || gy < yMin || gy > yMax) {
                    // Bicubic reads its 16 taps through the padding instead of moving the point to the border.
                    if (padding == Padding::Border && mode != "bicubic") {
                        gx = std::clamp(gx, 0.0, double(W - 1));
                        gy = std::clamp(gy, 0.0, double(H - 1));
                    } else if (padding == Padding::Reflection) {
                        gx = reflect(gx, xMin, xMax);
                        gy = reflect(gy, yMin, yMax);
                    }
                }
                // A point far outside (or not a number) reads only padding: move it to where every
                // tap still does, so that the conversions to int64 below stay defined.
                auto near = [](double g, double lo, double hi) { return std::isnan(g) ? lo - 8 : std::clamp(g, lo - 8, hi + 8); };
                gx = near(gx, xMin, xMax);
                gy = near(gy, yMin, yMax);
                for (int64_t c = 0; c < C; ++c) {
                    const Plane p{xv.data() + (n * C + c) * H * W, H, W, padding, xMin, xMax, yMin, yMax};
                    double v;
                    if (mode == "nearest") {
                        v = p.at(static_cast<int64_t>(gy), static_cast<int64_t>(gx));
                    } else if (mode == "bilinear") {
                        const double fx = std::floor(gx), fy = std::floor(gy);
                        const auto x1 = static_cast<int64_t>(fx), y1 = static_cast<int64_t>(fy);
                        const double dx1 = gx - fx, dx2 = fx + 1 - gx, dy1 = gy - fy, dy2 = fy + 1 - gy;
                        v = dy2 * (dx2 * p.at(y1, x1) + dx1 * p.at(y1, x1 + 1))
                            + dy1 * (dx2 * p.at(y1 + 1, x1) + dx1 * p.at(y1 + 1, x1 + 1));
                    } else {
                        const double fx = std::floor(gx), fy = std::floor(gy);
                        const auto x0 = static_cast<int64_t>(fx) - 1, y0 = static_cast<int64_t>(fy) - 1;
                        double cx[4], cy[4];
                        cubicCoefficients(gx - fx, cx);
                        cubicCoefficients(gy - fy, cy);
                        v = 0;
                        for (int i = 0; i < 4; ++i) {
                            double row = 0;
                            for (int j = 0; j < 4; ++j)
                                row += cx[j] * p.at(y0 + i, x0 + j);
                            v += cy[i] * row;
                        }
                    }
                    out.setDouble(((n * C + c) * Ho + oh) * Wo + ow, v);
                }
            }
    return {out.finish()};
}

} // namespace

void registerEinsumKernels(KernelTable& table)
{
    table["Einsum"] = einsum;
    table["GridSample"] = gridSample;
}

} // namespace netfold::eval
