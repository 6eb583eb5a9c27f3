// Recurrent layers: RNN, GRU and LSTM (every direction, activation list, initial state,
// sequence_lens and layout), computed in double and stored in the dtype of X.
#include "Kernel.h"
#include "Values.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;

enum class Cell { Rnn, Gru, Lstm };

/// One activation function of the activations attribute with its alpha and beta.
struct Activation {
    enum Kind { Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus };
    Kind kind = Tanh;
    double alpha = 0, beta = 0;

    double operator()(double x) const
    {
        switch (kind) {
        case Relu: return x > 0 ? x : 0.0;
        case Tanh: return std::tanh(x);
        case Sigmoid: return 1.0 / (1.0 + std::exp(-x));
        case Affine: return alpha * x + beta;
        case LeakyRelu: return x >= 0 ? x : alpha * x;
        case ThresholdedRelu: return x > alpha ? x : 0.0;
        case ScaledTanh: return alpha * std::tanh(beta * x);
        case HardSigmoid: return std::min(1.0, std::max(0.0, alpha * x + beta));
        case Elu: return x >= 0 ? x : alpha * (std::exp(x) - 1.0);
        case Softsign: return x / (1.0 + std::fabs(x));
        case Softplus: return x > 30 ? x : std::log1p(std::exp(x));
        }
        return x;
    }
};

struct ActivationInfo {
    const char* name;
    Activation::Kind kind;
    bool usesAlpha, usesBeta;
    double alpha, beta;
};

const ActivationInfo kActivations[] = {
    {"relu", Activation::Relu, false, false, 0, 0},
    {"tanh", Activation::Tanh, false, false, 0, 0},
    {"sigmoid", Activation::Sigmoid, false, false, 0, 0},
    {"affine", Activation::Affine, true, true, 1.0, 0.0},
    {"leakyrelu", Activation::LeakyRelu, true, false, 0.01, 0},
    {"thresholdedrelu", Activation::ThresholdedRelu, true, false, 1.0, 0},
    {"scaledtanh", Activation::ScaledTanh, true, true, 1.0, 1.0},
    {"hardsigmoid", Activation::HardSigmoid, true, true, 0.2, 0.5},
    {"elu", Activation::Elu, true, false, 1.0, 0},
    {"softsign", Activation::Softsign, false, false, 0, 0},
    {"softplus", Activation::Softplus, false, false, 0, 0},
};

/// The activations of every direction (perDirection per direction), from the attributes or the defaults.
/// activation_alpha / activation_beta are consumed in order by the functions that take them.
std::vector<Activation> activations(const KernelContext& ctx, std::size_t perDirection, int64_t directions,
                                    const std::vector<std::string>& defaults)
{
    std::vector<std::string> names;
    if (const auto* attr = ctx.node().attribute("activations"))
        for (const auto& a : attr->strings())
            names.push_back(a);
    if (names.empty()) {
        for (int64_t d = 0; d < directions; ++d)
            names.insert(names.end(), defaults.begin(), defaults.end());
    } else if (names.size() == perDirection && directions == 2) {
        const auto once = names;
        names.insert(names.end(), once.begin(), once.end());
    }
    if (names.size() != perDirection * std::size_t(directions))
        ctx.fail("activations lists " + std::to_string(names.size()) + " functions, expected "
                 + std::to_string(perDirection * std::size_t(directions)));
    const auto alphas = ctx.attrFloats("activation_alpha");
    const auto betas = ctx.attrFloats("activation_beta");
    std::size_t ai = 0, bi = 0;
    std::vector<Activation> out;
    for (const auto& name : names) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        const ActivationInfo* info = nullptr;
        for (const auto& a : kActivations)
            if (lower == a.name)
                info = &a;
        if (!info)
            ctx.fail("activation function " + quote(name) + " is not one ONNX defines");
        Activation act;
        act.kind = info->kind;
        act.alpha = info->alpha;
        act.beta = info->beta;
        if (info->usesAlpha && ai < alphas.size())
            act.alpha = alphas[ai++];
        if (info->usesBeta && bi < betas.size())
            act.beta = betas[bi++];
        out.push_back(act);
    }
    return out;
}

/// Input i as doubles after checking its shape is exactly dims.
std::vector<double> param(const KernelContext& ctx, std::size_t i, const std::vector<int64_t>& dims, const char* what)
{
    ctx.requireType(i, kFloatTypes);
    if (ctx.in(i).dims() != dims)
        ctx.fail(std::string(what) + " has shape " + dimsString(ctx.in(i).dims()) + ", expected " + dimsString(dims));
    return readAs<double>(ctx.in(i));
}

Outputs recurrent(KernelContext& ctx, Cell cell)
{
    const std::size_t gates = cell == Cell::Rnn ? 1 : cell == Cell::Gru ? 3 : 4;
    ctx.requireType(0, kFloatTypes);
    ctx.requireRank(0, 3);
    ctx.requireRank(1, 3);
    ctx.requireRank(2, 3);
    ctx.requireSameType(0, 1);
    ctx.requireSameType(0, 2);
    const Tensor& x = ctx.in(0);
    const int64_t layout = ctx.opset() >= 14 ? ctx.attrInt("layout", 0) : 0;
    if (layout != 0 && layout != 1)
        ctx.fail("layout " + std::to_string(layout) + " is not 0 or 1");
    const int64_t T = x.dims()[layout ? 1 : 0], B = x.dims()[layout ? 0 : 1], I = x.dims()[2];
    const std::string direction = ctx.attrString("direction", "forward");
    if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
        ctx.fail("direction " + quote(direction) + " is not forward, reverse or bidirectional");
    const int64_t D = direction == "bidirectional" ? 2 : 1;
    const int64_t H = ctx.hasAttr("hidden_size") ? ctx.attrInt("hidden_size", 0) : ctx.in(2).dims()[2];
    if (H <= 0)
        ctx.fail("hidden_size " + std::to_string(H) + " is not positive");
    const int64_t G = int64_t(gates);
    if (cell == Cell::Lstm && ctx.attrInt("input_forget", 0) != 0)
        ctx.fail("input_forget=1 has no kernel");
    const auto W = param(ctx, 1, {D, G * H, I}, "W");
    const auto R = param(ctx, 2, {D, G * H, H}, "R");
    std::vector<double> bias(std::size_t(D * 2 * G * H), 0.0);
    if (ctx.has(3))
        bias = param(ctx, 3, {D, 2 * G * H}, "B");
    std::vector<int64_t> lens(std::size_t(B), T);
    if (ctx.has(4)) {
        lens = ctx.ints(4);
        if (ctx.in(4).dims() != std::vector<int64_t>{B})
            ctx.fail("sequence_lens has shape " + dimsString(ctx.in(4).dims()) + ", expected [" + std::to_string(B) + "]");
        for (int64_t l : lens)
            if (l < 0 || l > T)
                ctx.fail("sequence_lens value " + std::to_string(l) + " is outside [0, " + std::to_string(T) + "]");
    }
    const std::vector<int64_t> stateDims = layout ? std::vector<int64_t>{B, D, H} : std::vector<int64_t>{D, B, H};
    auto stateIndex = [&](int64_t d, int64_t b) { return layout ? (b * D + d) * H : (d * B + b) * H; };
    std::vector<double> h0(std::size_t(D * B * H), 0.0), c0(std::size_t(D * B * H), 0.0);
    if (ctx.has(5))
        h0 = param(ctx, 5, stateDims, "initial_h");
    std::vector<double> peep(std::size_t(D * 3 * H), 0.0);
    if (cell == Cell::Lstm) {
        if (ctx.has(6))
            c0 = param(ctx, 6, stateDims, "initial_c");
        if (ctx.has(7))
            peep = param(ctx, 7, {D, 3 * H}, "P");
    }
    const std::vector<std::string> defaults = cell == Cell::Rnn   ? std::vector<std::string>{"Tanh"}
                                              : cell == Cell::Gru ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                                  : std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"};
    const auto acts = activations(ctx, defaults.size(), D, defaults);
    const double clip = ctx.hasAttr("clip") ? double(ctx.attrFloat("clip", 0)) : 0.0;
    if (ctx.hasAttr("clip") && !(clip > 0))
        ctx.fail("clip " + formatNumber(clip) + " is not positive");
    auto clipped = [&](double v) { return clip > 0 ? std::min(clip, std::max(-clip, v)) : v; };
    const bool linearBeforeReset = cell == Cell::Gru && ctx.attrInt("linear_before_reset", 0) != 0;

    const auto xs = readAs<double>(x);
    const std::vector<int64_t> yDims = layout ? std::vector<int64_t>{B, T, D, H} : std::vector<int64_t>{T, D, B, H};
    Output y(ctx, x.dtype(), yDims);
    Output yh(ctx, x.dtype(), stateDims);
    Output yc(ctx, x.dtype(), stateDims);
    auto yIndex = [&](int64_t t, int64_t d, int64_t b) { return layout ? ((b * T + t) * D + d) * H : ((t * D + d) * B + b) * H; };
    auto xAt = [&](int64_t t, int64_t b) { return xs.data() + (layout ? (b * T + t) : (t * B + b)) * I; };

    const auto hs = static_cast<std::size_t>(H), gs = static_cast<std::size_t>(G * H);
    std::vector<double> h(hs), c(hs), pre(gs), rec(gs), z(hs), rg(hs), cand(hs);
    for (int64_t d = 0; d < D; ++d) {
        const bool reverse = direction == "reverse" || d == 1;
        const double* w = W.data() + d * G * H * I;
        const double* r = R.data() + d * G * H * H;
        const double* wb = bias.data() + d * 2 * G * H;
        const double* rb = wb + G * H;
        const double* p = peep.data() + d * 3 * H;
        const Activation* act = acts.data() + std::size_t(d) * defaults.size();
        for (int64_t b = 0; b < B; ++b) {
            std::copy_n(h0.data() + stateIndex(d, b), H, h.begin());
            std::copy_n(c0.data() + stateIndex(d, b), H, c.begin());
            const int64_t len = lens[std::size_t(b)];
            for (int64_t step = 0; step < len; ++step) {
                const int64_t t = reverse ? len - 1 - step : step;
                const double* xt = xAt(t, b);
                for (int64_t g = 0; g < G * H; ++g) {
                    double sx = wb[g], sr = rb[g];
                    const double* wr = w + g * I;
                    for (int64_t k = 0; k < I; ++k)
                        sx += wr[k] * xt[k];
                    const double* rr = r + g * H;
                    for (int64_t k = 0; k < H; ++k)
                        sr += rr[k] * h[std::size_t(k)];
                    pre[std::size_t(g)] = sx;
                    rec[std::size_t(g)] = sr;
                }
                if (cell == Cell::Rnn) {
                    for (int64_t k = 0; k < H; ++k)
                        h[std::size_t(k)] = act[0](clipped(pre[std::size_t(k)] + rec[std::size_t(k)]));
                } else if (cell == Cell::Gru) {
                    // Gates z, r, h. Without linear_before_reset the candidate's recurrence reads r (.) H.
                    for (int64_t k = 0; k < H; ++k) {
                        z[std::size_t(k)] = act[0](clipped(pre[std::size_t(k)] + rec[std::size_t(k)]));
                        rg[std::size_t(k)] = act[0](clipped(pre[std::size_t(H + k)] + rec[std::size_t(H + k)]));
                    }
                    for (int64_t k = 0; k < H; ++k) {
                        double v;
                        if (linearBeforeReset) {
                            v = pre[std::size_t(2 * H + k)] + rg[std::size_t(k)] * rec[std::size_t(2 * H + k)];
                        } else {
                            double s = rb[2 * H + k];
                            const double* rr = r + (2 * H + k) * H;
                            for (int64_t j = 0; j < H; ++j)
                                s += rr[j] * rg[std::size_t(j)] * h[std::size_t(j)];
                            v = pre[std::size_t(2 * H + k)] + s;
                        }
                        cand[std::size_t(k)] = act[1](clipped(v));
                    }
                    for (int64_t k = 0; k < H; ++k) {
                        const auto kk = std::size_t(k);
                        h[kk] = (1 - z[kk]) * cand[kk] + z[kk] * h[kk];
                    }
                } else {
                    // Gates i, o, f, c; peepholes i, o, f.
                    for (int64_t k = 0; k < H; ++k) {
                        const auto kk = std::size_t(k);
                        const double in = act[0](clipped(pre[kk] + rec[kk] + p[k] * c[kk]));
                        const double f = act[0](clipped(pre[std::size_t(2 * H + k)] + rec[std::size_t(2 * H + k)]
                                                        + p[2 * H + k] * c[kk]));
                        const double cc = act[1](clipped(pre[std::size_t(3 * H + k)] + rec[std::size_t(3 * H + k)]));
                        c[kk] = f * c[kk] + in * cc;
                        const double o = act[0](clipped(pre[std::size_t(H + k)] + rec[std::size_t(H + k)] + p[H + k] * c[kk]));
                        h[kk] = o * act[2](c[kk]);
                    }
                }
                const int64_t at = yIndex(t, d, b);
                for (int64_t k = 0; k < H; ++k)
                    y.setDouble(at + k, h[std::size_t(k)]);
            }
            for (int64_t k = 0; k < H; ++k) {
                yh.setDouble(stateIndex(d, b) + k, h[std::size_t(k)]);
                yc.setDouble(stateIndex(d, b) + k, c[std::size_t(k)]);
            }
        }
    }
    Outputs out{y.finish(), yh.finish()};
    if (cell == Cell::Lstm)
        out.push_back(yc.finish());
    return out;
}

Outputs rnn(KernelContext& ctx) { return recurrent(ctx, Cell::Rnn); }
Outputs gru(KernelContext& ctx) { return recurrent(ctx, Cell::Gru); }
Outputs lstm(KernelContext& ctx) { return recurrent(ctx, Cell::Lstm); }

} // namespace

void registerRnnKernels(KernelTable& table)
{
    table["RNN"] = rnn;
    table["GRU"] = gru;
    table["LSTM"] = lstm;
}

} // namespace netfold::eval
