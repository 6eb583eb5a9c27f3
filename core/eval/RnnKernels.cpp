// Recurrent layers: RNN, GRU and LSTM (every direction, activation list, initial state,
// sequence_lens and layout), computed in double and stored in the dtype of X.
#include "eval/Kernel.h"
#include "eval/Values.h"

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

/// An RNN, GRU or LSTM node's inputs and attributes, checked.
struct Recurrence {
    Cell cell = Cell::Rnn;
    int64_t T = 0, B = 0, I = 0, D = 1, H = 0, G = 1; ///< steps, batch, input size, directions, hidden, gates
    int64_t layout = 0;                             ///< 1: batch first
    bool reverseOnly = false;                       ///< direction "reverse"
    std::vector<double> W, R, bias, h0, c0, peep;
    std::vector<int64_t> lens;
    std::vector<Activation> acts; ///< actsPerDirection per direction
    std::size_t actsPerDirection = 1;
    double clip = 0; ///< 0: none
    bool linearBeforeReset = false;

    double clipped(double v) const { return clip > 0 ? std::min(clip, std::max(-clip, v)) : v; }
    int64_t stateIndex(int64_t d, int64_t b) const { return layout ? (b * D + d) * H : (d * B + b) * H; }
    std::vector<int64_t> stateDims() const
    {
        return layout ? std::vector<int64_t>{B, D, H} : std::vector<int64_t>{D, B, H};
    }
};

/// Reads and checks the sizes, weights, initial states and attributes.
Recurrence readRecurrence(const KernelContext& ctx, Cell cell)
{
    Recurrence m;
    m.cell = cell;
    m.G = cell == Cell::Rnn ? 1 : cell == Cell::Gru ? 3 : 4;
    ctx.requireType(0, kFloatTypes);
    ctx.requireRank(0, 3);
    ctx.requireRank(1, 3);
    ctx.requireRank(2, 3);
    ctx.requireSameType(0, 1);
    ctx.requireSameType(0, 2);
    const Tensor& x = ctx.in(0);
    m.layout = ctx.opset() >= 14 ? ctx.attrInt("layout", 0) : 0;
    if (m.layout != 0 && m.layout != 1)
        ctx.fail("layout " + std::to_string(m.layout) + " is not 0 or 1");
    m.T = x.dims()[m.layout ? 1 : 0], m.B = x.dims()[m.layout ? 0 : 1], m.I = x.dims()[2];
    const std::string direction = ctx.attrString("direction", "forward");
    if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
        ctx.fail("direction " + quote(direction) + " is not forward, reverse or bidirectional");
    m.reverseOnly = direction == "reverse";
    m.D = direction == "bidirectional" ? 2 : 1;
    m.H = ctx.hasAttr("hidden_size") ? ctx.attrInt("hidden_size", 0) : ctx.in(2).dims()[2];
    if (m.H <= 0)
        ctx.fail("hidden_size " + std::to_string(m.H) + " is not positive");
    if (cell == Cell::Lstm && ctx.attrInt("input_forget", 0) != 0)
        ctx.fail("input_forget=1 has no kernel");
    const int64_t D = m.D, G = m.G, H = m.H, B = m.B, T = m.T;
    m.W = param(ctx, 1, {D, G * H, m.I}, "W");
    m.R = param(ctx, 2, {D, G * H, H}, "R");
    m.bias.assign(std::size_t(D * 2 * G * H), 0.0);
    if (ctx.has(3))
        m.bias = param(ctx, 3, {D, 2 * G * H}, "B");
    m.lens.assign(std::size_t(B), T);
    if (ctx.has(4)) {
        m.lens = ctx.ints(4);
        if (ctx.in(4).dims() != std::vector<int64_t>{B})
            ctx.fail("sequence_lens has shape " + dimsString(ctx.in(4).dims()) + ", expected [" + std::to_string(B) + "]");
        for (int64_t l : m.lens)
            if (l < 0 || l > T)
                ctx.fail("sequence_lens value " + std::to_string(l) + " is outside [0, " + std::to_string(T) + "]");
    }
    // The states are [D, B, H] whatever X holds (its batch times hidden_size): bounded before
    // they are made, as the outputs Y_h and Y_c will be.
    const std::size_t states = ctx.checkScratch(double(D) * double(B) * double(H), sizeof(double), "the initial states");
    m.h0.assign(states, 0.0);
    m.c0.assign(states, 0.0);
    if (ctx.has(5))
        m.h0 = param(ctx, 5, m.stateDims(), "initial_h");
    m.peep.assign(std::size_t(D * 3 * H), 0.0);
    if (cell == Cell::Lstm) {
        if (ctx.has(6))
            m.c0 = param(ctx, 6, m.stateDims(), "initial_c");
        if (ctx.has(7))
            m.peep = param(ctx, 7, {D, 3 * H}, "P");
    }
    const std::vector<std::string> defaults = cell == Cell::Rnn   ? std::vector<std::string>{"Tanh"}
                                              : cell == Cell::Gru ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                                  : std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"};
    m.actsPerDirection = defaults.size();
    m.acts = activations(ctx, defaults.size(), D, defaults);
    m.clip = ctx.hasAttr("clip") ? double(ctx.attrFloat("clip", 0)) : 0.0;
    if (ctx.hasAttr("clip") && !(m.clip > 0))
        ctx.fail("clip " + formatNumber(m.clip) + " is not positive");
    m.linearBeforeReset = cell == Cell::Gru && ctx.attrInt("linear_before_reset", 0) != 0;
    return m;
}

/// One direction's slice of the weights.
struct DirectionWeights {
    const double* r;  ///< R, [G*H, H]
    const double* rb; ///< the recurrence bias, [G*H]
    const double* p;  ///< LSTM peepholes, [3*H]
    const Activation* act;
};

/// Scratch of one time step: x W^T + Wb (pre) and h R^T + Rb (rec) per gate row, and the gates.
struct StepScratch {
    std::vector<double> pre, rec, z, rg, cand;
};

/// GRU: gates z, r, h. Without linear_before_reset the candidate's recurrence reads r (.) H.
void gruStep(const Recurrence& m, const DirectionWeights& w, StepScratch& s, std::vector<double>& h)
{
    const int64_t H = m.H;
    for (int64_t k = 0; k < H; ++k) {
        s.z[std::size_t(k)] = w.act[0](m.clipped(s.pre[std::size_t(k)] + s.rec[std::size_t(k)]));
        s.rg[std::size_t(k)] = w.act[0](m.clipped(s.pre[std::size_t(H + k)] + s.rec[std::size_t(H + k)]));
    }
    for (int64_t k = 0; k < H; ++k) {
        double v;
        if (m.linearBeforeReset) {
            v = s.pre[std::size_t(2 * H + k)] + s.rg[std::size_t(k)] * s.rec[std::size_t(2 * H + k)];
        } else {
            double sum = w.rb[2 * H + k];
            const double* rr = w.r + (2 * H + k) * H;
            for (int64_t j = 0; j < H; ++j)
                sum += rr[j] * s.rg[std::size_t(j)] * h[std::size_t(j)];
            v = s.pre[std::size_t(2 * H + k)] + sum;
        }
        s.cand[std::size_t(k)] = w.act[1](m.clipped(v));
    }
    for (int64_t k = 0; k < H; ++k) {
        const auto kk = std::size_t(k);
        h[kk] = (1 - s.z[kk]) * s.cand[kk] + s.z[kk] * h[kk];
    }
}

/// LSTM: gates i, o, f, c; peepholes i, o, f.
void lstmStep(const Recurrence& m, const DirectionWeights& w, const StepScratch& s, std::vector<double>& h,
              std::vector<double>& c)
{
    const int64_t H = m.H;
    const auto& pre = s.pre;
    const auto& rec = s.rec;
    for (int64_t k = 0; k < H; ++k) {
        const auto kk = std::size_t(k);
        const double in = w.act[0](m.clipped(pre[kk] + rec[kk] + w.p[k] * c[kk]));
        const double f = w.act[0](m.clipped(pre[std::size_t(2 * H + k)] + rec[std::size_t(2 * H + k)] + w.p[2 * H + k] * c[kk]));
        const double cc = w.act[1](m.clipped(pre[std::size_t(3 * H + k)] + rec[std::size_t(3 * H + k)]));
        c[kk] = f * c[kk] + in * cc;
        const double o = w.act[0](m.clipped(pre[std::size_t(H + k)] + rec[std::size_t(H + k)] + w.p[H + k] * c[kk]));
        h[kk] = o * w.act[2](c[kk]);
    }
}

Outputs recurrent(KernelContext& ctx, Cell cell)
{
    const Recurrence m = readRecurrence(ctx, cell);
    const int64_t T = m.T, B = m.B, I = m.I, D = m.D, H = m.H, G = m.G, layout = m.layout;
    const Tensor& x = ctx.in(0);
    const auto xs = readAs<double>(x);
    const std::vector<int64_t> yDims = layout ? std::vector<int64_t>{B, T, D, H} : std::vector<int64_t>{T, D, B, H};
    Output y(ctx, x.dtype(), yDims);
    Output yh(ctx, x.dtype(), m.stateDims());
    Output yc(ctx, x.dtype(), m.stateDims());
    auto yIndex = [&](int64_t t, int64_t d, int64_t b) { return layout ? ((b * T + t) * D + d) * H : ((t * D + d) * B + b) * H; };
    auto xAt = [&](int64_t t, int64_t b) { return xs.data() + (layout ? (b * T + t) : (t * B + b)) * I; };

    const auto hs = static_cast<std::size_t>(H), gs = static_cast<std::size_t>(G * H);
    std::vector<double> h(hs), c(hs);
    StepScratch s{std::vector<double>(gs), std::vector<double>(gs), std::vector<double>(hs), std::vector<double>(hs),
                  std::vector<double>(hs)};
    for (int64_t d = 0; d < D; ++d) {
        const bool reverse = m.reverseOnly || d == 1;
        const double* w = m.W.data() + d * G * H * I;
        const double* wb = m.bias.data() + d * 2 * G * H;
        const DirectionWeights dw{m.R.data() + d * G * H * H, wb + G * H, m.peep.data() + d * 3 * H,
                                  m.acts.data() + std::size_t(d) * m.actsPerDirection};
        for (int64_t b = 0; b < B; ++b) {
            std::copy_n(m.h0.data() + m.stateIndex(d, b), H, h.begin());
            std::copy_n(m.c0.data() + m.stateIndex(d, b), H, c.begin());
            const int64_t len = m.lens[std::size_t(b)];
            for (int64_t step = 0; step < len; ++step) {
                const int64_t t = reverse ? len - 1 - step : step;
                const double* xt = xAt(t, b);
                for (int64_t g = 0; g < G * H; ++g) {
                    double sx = wb[g], sr = dw.rb[g];
                    const double* wr = w + g * I;
                    for (int64_t k = 0; k < I; ++k)
                        sx += wr[k] * xt[k];
                    const double* rr = dw.r + g * H;
                    for (int64_t k = 0; k < H; ++k)
                        sr += rr[k] * h[std::size_t(k)];
                    s.pre[std::size_t(g)] = sx;
                    s.rec[std::size_t(g)] = sr;
                }
                ctx.tick(G * H * (I + H)); // the weights, once per step
                if (cell == Cell::Rnn) {
                    for (int64_t k = 0; k < H; ++k)
                        h[std::size_t(k)] = dw.act[0](m.clipped(s.pre[std::size_t(k)] + s.rec[std::size_t(k)]));
                } else if (cell == Cell::Gru) {
                    gruStep(m, dw, s, h);
                } else {
                    lstmStep(m, dw, s, h, c);
                }
                const int64_t at = yIndex(t, d, b);
                for (int64_t k = 0; k < H; ++k)
                    y.setDouble(at + k, h[std::size_t(k)]);
            }
            for (int64_t k = 0; k < H; ++k) {
                yh.setDouble(m.stateIndex(d, b) + k, h[std::size_t(k)]);
                yc.setDouble(m.stateIndex(d, b) + k, c[std::size_t(k)]);
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
