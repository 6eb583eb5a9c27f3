// Elementwise arithmetic, comparisons, logic, activations, Clip and Softmax.
#include "eval/Elementwise.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace netfold::eval {

namespace {

using Outputs = std::vector<TensorPtr>;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846;

template <class T> constexpr bool isFloat = std::is_floating_point_v<T>;

template <class F> Outputs unaryOp(KernelContext& ctx, TypeSet types, F&& f)
{
    ctx.requireType(0, types);
    const Tensor& x = ctx.in(0);
    return {mapUnary(ctx, x, x.dtype(), std::forward<F>(f))};
}

template <class F> Outputs binaryOp(KernelContext& ctx, TypeSet types, int32_t outDtype, F&& f)
{
    ctx.requireType(0, types);
    ctx.requireType(1, types);
    ctx.requireSameType(0, 1);
    return {mapBinary(ctx, ctx.in(0), ctx.in(1), outDtype ? outDtype : ctx.in(0).dtype(), std::forward<F>(f))};
}

/// Folds all inputs pairwise with broadcasting (Sum, Min, Max, Mean).
template <class F> TensorPtr foldInputs(KernelContext& ctx, TypeSet types, F&& f)
{
    if (ctx.inputCount() == 0)
        ctx.fail("it needs at least one input");
    for (std::size_t i = 0; i < ctx.inputCount(); ++i) {
        ctx.requireType(i, types);
        ctx.requireSameType(0, i);
    }
    TensorPtr acc = ctx.inPtr(0);
    if (ctx.inputCount() == 1)
        return mapUnary(ctx, *acc, acc->dtype(), [](auto v) { return v; });
    for (std::size_t i = 1; i < ctx.inputCount(); ++i)
        acc = mapBinary(ctx, *acc, ctx.in(i), acc->dtype(), f);
    return acc;
}

// ---- float-only unary functions ------------------------------------------------------------

struct FloatFunction {
    const char* op;
    double (*fn)(double);
};

double sigmoid(double v) { return v >= 0 ? 1 / (1 + std::exp(-v)) : std::exp(v) / (1 + std::exp(v)); }
double softplus(double v) { return v > 0 ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v)); }

const FloatFunction kFloatFunctions[] = {
    {"Sqrt", [](double v) { return std::sqrt(v); }},
    {"Reciprocal", [](double v) { return 1.0 / v; }},
    {"Exp", [](double v) { return std::exp(v); }},
    {"Log", [](double v) { return std::log(v); }},
    {"Floor", [](double v) { return std::floor(v); }},
    {"Ceil", [](double v) { return std::ceil(v); }},
    {"Round", [](double v) { return std::nearbyint(v); }},
    {"Sigmoid", sigmoid},
    {"Tanh", [](double v) { return std::tanh(v); }},
    {"Sin", [](double v) { return std::sin(v); }},
    {"Cos", [](double v) { return std::cos(v); }},
    {"Tan", [](double v) { return std::tan(v); }},
    {"Asin", [](double v) { return std::asin(v); }},
    {"Acos", [](double v) { return std::acos(v); }},
    {"Atan", [](double v) { return std::atan(v); }},
    {"Sinh", [](double v) { return std::sinh(v); }},
    {"Cosh", [](double v) { return std::cosh(v); }},
    {"Asinh", [](double v) { return std::asinh(v); }},
    {"Acosh", [](double v) { return std::acosh(v); }},
    {"Atanh", [](double v) { return std::atanh(v); }},
    {"Softplus", softplus},
    {"Softsign", [](double v) { return v / (1 + std::fabs(v)); }},
    {"Mish", [](double v) { return v * std::tanh(softplus(v)); }},
    {"HardSwish", [](double v) { return v * std::clamp(v / 6 + 0.5, 0.0, 1.0); }},
};

Outputs floatFunction(KernelContext& ctx)
{
    const auto* entry = std::find_if(std::begin(kFloatFunctions), std::end(kFloatFunctions),
                                     [&](const FloatFunction& f) { return ctx.node().opType == f.op; });
    const auto fn = entry->fn;
    return unaryOp(ctx, kFloatTypes, [fn](auto v) { return fn(static_cast<double>(v)); });
}

// ---- activations with attributes -------------------------------------------------------------

Outputs leakyRelu(KernelContext& ctx)
{
    const double alpha = ctx.attrFloat("alpha", 0.01f);
    return unaryOp(ctx, kFloatTypes, [alpha](auto v) { return v < 0 ? alpha * double(v) : double(v); });
}

Outputs elu(KernelContext& ctx)
{
    const double alpha = ctx.attrFloat("alpha", 1.0f);
    return unaryOp(ctx, kFloatTypes, [alpha](auto v) { return v < 0 ? alpha * std::expm1(double(v)) : double(v); });
}

Outputs celu(KernelContext& ctx)
{
    const double alpha = ctx.attrFloat("alpha", 1.0f);
    return unaryOp(ctx, kFloatTypes, [alpha](auto v) { // ONNX says float; the other float types compute the same
        return std::max(0.0, double(v)) + std::min(0.0, alpha * std::expm1(double(v) / alpha));
    });
}

Outputs selu(KernelContext& ctx)
{
    const double alpha = ctx.attrFloat("alpha", 1.67326319217681884765625f);
    const double gamma = ctx.attrFloat("gamma", 1.05070102214813232421875f);
    return unaryOp(ctx, kFloatTypes, [=](auto v) {
        return gamma * (v <= 0 ? alpha * std::expm1(double(v)) : double(v));
    });
}

Outputs hardSigmoid(KernelContext& ctx)
{
    const double alpha = ctx.attrFloat("alpha", 0.2f);
    const double beta = ctx.attrFloat("beta", 0.5f);
    return unaryOp(ctx, kFloatTypes, [=](auto v) { return std::clamp(alpha * double(v) + beta, 0.0, 1.0); });
}

Outputs thresholdedRelu(KernelContext& ctx)
{
    const double alpha = ctx.attrFloat("alpha", 1.0f);
    return unaryOp(ctx, kFloatTypes, [alpha](auto v) { return double(v) > alpha ? double(v) : 0.0; });
}

Outputs gelu(KernelContext& ctx)
{
    const std::string approximate = ctx.attrString("approximate", "none");
    if (approximate != "none" && approximate != "tanh")
        ctx.fail("approximate '" + approximate + "' is not 'none' or 'tanh'");
    const bool useTanh = approximate == "tanh";
    return unaryOp(ctx, kFloatTypes, [useTanh](auto v) {
        const double x = double(v);
        if (useTanh)
            return 0.5 * x * (1 + std::tanh(std::sqrt(2 / kPi) * (x + 0.044715 * x * x * x)));
        return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
    });
}

Outputs relu(KernelContext& ctx)
{
    return unaryOp(ctx, ctx.opset() >= 14 ? kSignedNumeric : kFloatTypes,
                   [](auto v) { return isNegative(v) ? decltype(v)(0) : v; });
}

Outputs preluOp(KernelContext& ctx)
{
    return binaryOp(ctx, ctx.opset() >= 16 ? kNumeric : kFloatTypes, 0,
                    [](auto x, auto slope) { return isNegative(x) ? wrapMul(x, slope) : x; });
}

// ---- numeric unary ---------------------------------------------------------------------------

Outputs neg(KernelContext& ctx)
{
    return unaryOp(ctx, kSignedNumeric, [](auto v) { return wrapNeg(v); });
}

Outputs absOp(KernelContext& ctx)
{
    return unaryOp(ctx, kNumeric, [](auto v) {
        if constexpr (std::is_unsigned_v<decltype(v)>)
            return v;
        else
            return isNegative(v) ? wrapNeg(v) : v;
    });
}

Outputs sign(KernelContext& ctx)
{
    return unaryOp(ctx, kNumeric, [](auto v) {
        using T = decltype(v);
        if constexpr (isFloat<T>)
            if (std::isnan(v))
                return v;
        return v > T(0) ? T(1) : (isNegative(v) ? static_cast<T>(-1) : T(0));
    });
}

Outputs erf(KernelContext& ctx)
{
    return unaryOp(ctx, kNumeric, [](auto v) { return std::erf(static_cast<double>(v)); });
}

Outputs isNaN(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes);
    return {mapUnary(ctx, ctx.in(0), dtype::Bool, [](auto v) { return std::isnan(static_cast<double>(v)); })};
}

Outputs isInf(KernelContext& ctx)
{
    ctx.requireType(0, kFloatTypes); // half types from opset 20; accepted at every opset
    const bool positive = ctx.attrInt("detect_positive", 1) != 0;
    const bool negative = ctx.attrInt("detect_negative", 1) != 0;
    return {mapUnary(ctx, ctx.in(0), dtype::Bool, [=](auto v) {
        const double d = static_cast<double>(v);
        return std::isinf(d) && ((d > 0 && positive) || (d < 0 && negative));
    })};
}

Outputs notOp(KernelContext& ctx)
{
    ctx.requireType(0, kBoolType);
    return {mapUnary(ctx, ctx.in(0), dtype::Bool, [](auto v) { return v == 0; })};
}

Outputs bitwiseNot(KernelContext& ctx)
{
    return unaryOp(ctx, kInts, [](auto v) {
        if constexpr (std::is_integral_v<decltype(v)>)
            return static_cast<decltype(v)>(~v);
        else
            return v;
    });
}

// ---- binary arithmetic -----------------------------------------------------------------------

Outputs add(KernelContext& ctx)
{
    return binaryOp(ctx, kNumeric, 0, [](auto a, auto b) { return wrapAdd(a, b); });
}

Outputs sub(KernelContext& ctx)
{
    return binaryOp(ctx, kNumeric, 0, [](auto a, auto b) { return wrapSub(a, b); });
}

Outputs mul(KernelContext& ctx)
{
    return binaryOp(ctx, kNumeric, 0, [](auto a, auto b) { return wrapMul(a, b); });
}

Outputs div(KernelContext& ctx)
{
    return binaryOp(ctx, kNumeric, 0, [&ctx](auto a, auto b) {
        using T = decltype(a);
        if constexpr (isFloat<T>) {
            return a / b;
        } else {
            if (b == 0)
                ctx.fail("integer division by zero");
            if constexpr (std::is_signed_v<T>)
                if (b == -1)
                    return wrapNeg(a);
            return static_cast<T>(a / b);
        }
    });
}

Outputs mod(KernelContext& ctx)
{
    const bool fmod = ctx.attrInt("fmod", 0) != 0;
    if (!fmod && isFloatType(ctx.in(0).dtype()))
        ctx.fail("fmod must be 1 for floating-point inputs");
    return binaryOp(ctx, kNumeric, 0, [&ctx, fmod](auto a, auto b) {
        using T = decltype(a);
        if constexpr (isFloat<T>) {
            return std::fmod(a, b);
        } else {
            if (b == 0)
                ctx.fail("integer modulo by zero");
            if constexpr (std::is_unsigned_v<T>) {
                return static_cast<T>(a % b);
            } else {
                if (b == -1)
                    return T(0);
                T r = a % b;
                if (!fmod && r != 0 && ((r < 0) != (b < 0)))
                    r += b;
                return r;
            }
        }
    });
}

template <class T> T integerPower(T base, uint64_t exponent)
{
    T result = 1;
    while (exponent) {
        if (exponent & 1u)
            result = wrapMul(result, base);
        base = wrapMul(base, base);
        exponent >>= 1;
    }
    return result;
}

Outputs pow(KernelContext& ctx)
{
    ctx.requireType(0, ctx.opset() >= 15 ? kNumeric : kFloatTypes | kIndexTypes);
    ctx.requireType(1, kNumeric);
    const Tensor& x = ctx.in(0);
    const Tensor& y = ctx.in(1);
    Output out(ctx, x.dtype(), ctx.broadcast({x.dims(), y.dims()}));
    const auto yd = readAs<double>(y);
    const auto yi = readAs<int64_t>(y);
    const bool intExponent = !isFloatType(y.dtype());
    BroadcastIterator it(out.dims(), {x.dims(), y.dims()});
    withDomain(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const auto xv = readAs<T>(x);
        for (int64_t i = 0; i < out.numel(); ++i, it.next()) {
            const T base = xv[static_cast<std::size_t>(it.offset(0))];
            const auto j = static_cast<std::size_t>(it.offset(1));
            if constexpr (std::is_integral_v<T>)
                if (intExponent && yi[j] >= 0) {
                    out.put(i, integerPower(base, static_cast<uint64_t>(yi[j])));
                    continue;
                }
            out.put(i, std::pow(static_cast<double>(base), yd[j]));
        }
    });
    return {out.finish()};
}

Outputs bitShift(KernelContext& ctx)
{
    const std::string direction = ctx.attrString("direction");
    if (direction != "LEFT" && direction != "RIGHT")
        ctx.fail("direction '" + direction + "' is not LEFT or RIGHT");
    const bool left = direction == "LEFT";
    return binaryOp(ctx, kUnsignedInts, 0, [left](auto a, auto b) {
        using T = decltype(a);
        if constexpr (std::is_integral_v<T>) {
            if (b >= 64)
                return T(0);
            return left ? static_cast<T>(a << b) : static_cast<T>(a >> b);
        } else {
            return a;
        }
    });
}

template <class Op> Outputs bitwise(KernelContext& ctx, Op op)
{
    return binaryOp(ctx, kInts, 0, [op](auto a, auto b) {
        if constexpr (std::is_integral_v<decltype(a)>)
            return static_cast<decltype(a)>(op(a, b));
        else
            return a;
    });
}

Outputs bitwiseAnd(KernelContext& ctx) { return bitwise(ctx, [](auto a, auto b) { return a & b; }); }
Outputs bitwiseOr(KernelContext& ctx) { return bitwise(ctx, [](auto a, auto b) { return a | b; }); }
Outputs bitwiseXor(KernelContext& ctx) { return bitwise(ctx, [](auto a, auto b) { return a ^ b; }); }

// ---- comparisons and logic -------------------------------------------------------------------

Outputs equalStrings(KernelContext& ctx)
{
    const Tensor& a = ctx.in(0);
    const Tensor& b = ctx.in(1);
    Output out(ctx, dtype::Bool, ctx.broadcast({a.dims(), b.dims()}));
    BroadcastIterator it(out.dims(), {a.dims(), b.dims()});
    for (int64_t i = 0; i < out.numel(); ++i, it.next())
        out.setBool(i, a.strings()[static_cast<std::size_t>(it.offset(0))]
                           == b.strings()[static_cast<std::size_t>(it.offset(1))]);
    return {out.finish()};
}

Outputs equal(KernelContext& ctx)
{
    if (ctx.in(0).dtype() == dtype::String && ctx.in(1).dtype() == dtype::String)
        return equalStrings(ctx);
    return binaryOp(ctx, kNumericOrBool, dtype::Bool, [](auto a, auto b) { return a == b; });
}

Outputs less(KernelContext& ctx)
{
    return binaryOp(ctx, kNumeric, dtype::Bool, [](auto a, auto b) { return a < b; });
}
Outputs greater(KernelContext& ctx)
{
    return binaryOp(ctx, kNumeric, dtype::Bool, [](auto a, auto b) { return a > b; });
}
Outputs lessOrEqual(KernelContext& ctx)
{
    return binaryOp(ctx, kNumeric, dtype::Bool, [](auto a, auto b) { return a <= b; });
}
Outputs greaterOrEqual(KernelContext& ctx)
{
    return binaryOp(ctx, kNumeric, dtype::Bool, [](auto a, auto b) { return a >= b; });
}
Outputs andOp(KernelContext& ctx)
{
    return binaryOp(ctx, kBoolType, dtype::Bool, [](auto a, auto b) { return a != 0 && b != 0; });
}
Outputs orOp(KernelContext& ctx)
{
    return binaryOp(ctx, kBoolType, dtype::Bool, [](auto a, auto b) { return a != 0 || b != 0; });
}
Outputs xorOp(KernelContext& ctx)
{
    return binaryOp(ctx, kBoolType, dtype::Bool, [](auto a, auto b) { return (a != 0) != (b != 0); });
}

// ---- variadic ----------------------------------------------------------------------------------

template <class T> bool eitherNaN(T a, T b)
{
    if constexpr (isFloat<T>)
        return std::isnan(a) || std::isnan(b);
    else
        return false;
}

Outputs minOp(KernelContext& ctx)
{
    return {foldInputs(ctx, ctx.opset() >= 12 ? kNumeric : kFloatTypes, [](auto a, auto b) {
        return eitherNaN(a, b) ? decltype(a)(kNaN) : std::min(a, b);
    })};
}

Outputs maxOp(KernelContext& ctx)
{
    return {foldInputs(ctx, ctx.opset() >= 12 ? kNumeric : kFloatTypes, [](auto a, auto b) {
        return eitherNaN(a, b) ? decltype(a)(kNaN) : std::max(a, b);
    })};
}

Outputs sum(KernelContext& ctx)
{
    return {foldInputs(ctx, kFloatTypes, [](auto a, auto b) { return a + b; })};
}

Outputs mean(KernelContext& ctx)
{
    const TensorPtr total = foldInputs(ctx, kFloatTypes, [](auto a, auto b) { return a + b; });
    const double n = static_cast<double>(ctx.inputCount());
    return {mapUnary(ctx, *total, total->dtype(), [n](auto v) { return static_cast<double>(v) / n; })};
}

// ---- Clip ------------------------------------------------------------------------------------

/// A Clip bound: input i (opset >= 11) or attribute name (opset < 11), else fallback.
template <class T> T clipBound(KernelContext& ctx, std::size_t i, const char* name, T fallback)
{
    if (ctx.opset() < 11)
        return ctx.hasAttr(name) ? static_cast<T>(ctx.attrFloat(name, 0)) : fallback;
    if (!ctx.has(i))
        return fallback;
    ctx.requireSameType(0, i);
    if (ctx.in(i).numel() != 1)
        ctx.fail(std::string(name) + " must be a scalar, not shape " + dimsString(ctx.in(i).dims()));
    return readAs<T>(ctx.in(i))[0];
}

Outputs clip(KernelContext& ctx)
{
    ctx.requireType(0, ctx.opset() >= 12 ? kNumeric : kFloatTypes);
    const Tensor& x = ctx.in(0);
    TensorPtr result;
    withDomain(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T lo = clipBound<T>(ctx, 1, "min", std::numeric_limits<T>::lowest());
        const T hi = clipBound<T>(ctx, 2, "max", std::numeric_limits<T>::max());
        result = mapUnary(ctx, x, x.dtype(), [lo, hi](auto v) {
            using V = decltype(v);
            return std::min(std::max(v, static_cast<V>(lo)), static_cast<V>(hi));
        });
    });
    return {result};
}

// ---- Softmax family ------------------------------------------------------------------------

/// Splits x's dims at the softmax axis into (outer, n, inner): before opset 13 the input is
/// coerced to 2-D at axis (default 1); from 13 on only the axis (default -1) is reduced.
struct SoftmaxLayout {
    int64_t outer = 1, n = 1, inner = 1;
};

SoftmaxLayout softmaxLayout(KernelContext& ctx, const Tensor& x)
{
    const auto rank = static_cast<int64_t>(x.rank());
    const bool legacy = ctx.opset() < 13;
    if (rank == 0)
        ctx.fail("input must have rank at least 1");
    const int64_t axis = ctx.axis(ctx.attrInt("axis", legacy ? 1 : -1), rank);
    const auto& d = x.dims();
    const auto a = static_cast<std::size_t>(axis);
    if (legacy)
        return {product(d, 0, a), product(d, a), 1};
    return {product(d, 0, a), d[a], product(d, a + 1)};
}

enum class SoftmaxKind { Softmax, LogSoftmax, Hardmax };

Outputs softmaxFamily(KernelContext& ctx, SoftmaxKind kind)
{
    ctx.requireType(0, kFloatTypes);
    const Tensor& x = ctx.in(0);
    const SoftmaxLayout L = softmaxLayout(ctx, x);
    const auto v = readAs<double>(x);
    Output out(ctx, x.dtype(), x.dims());
    for (int64_t o = 0; o < L.outer; ++o)
        for (int64_t in = 0; in < L.inner; ++in) {
            auto at = [&](int64_t k) { return o * L.n * L.inner + k * L.inner + in; };
            double mx = -std::numeric_limits<double>::infinity();
            int64_t argmax = 0;
            for (int64_t k = 0; k < L.n; ++k)
                if (v[at(k)] > mx) {
                    mx = v[at(k)];
                    argmax = k;
                }
            double total = 0;
            for (int64_t k = 0; k < L.n; ++k)
                total += std::exp(v[at(k)] - mx);
            for (int64_t k = 0; k < L.n; ++k) {
                const double e = v[at(k)] - mx;
                const double r = kind == SoftmaxKind::Softmax  ? std::exp(e) / total
                                 : kind == SoftmaxKind::LogSoftmax ? e - std::log(total)
                                                                   : double(k == argmax);
                out.setDouble(at(k), r);
            }
        }
    return {out.finish()};
}

Outputs softmax(KernelContext& ctx) { return softmaxFamily(ctx, SoftmaxKind::Softmax); }
Outputs logSoftmax(KernelContext& ctx) { return softmaxFamily(ctx, SoftmaxKind::LogSoftmax); }
Outputs hardmax(KernelContext& ctx) { return softmaxFamily(ctx, SoftmaxKind::Hardmax); }

} // namespace

void registerMathKernels(KernelTable& table)
{
    for (const auto& f : kFloatFunctions)
        table[f.op] = floatFunction;
    table["LeakyRelu"] = leakyRelu;
    table["Elu"] = elu;
    table["Celu"] = celu;
    table["Selu"] = selu;
    table["HardSigmoid"] = hardSigmoid;
    table["ThresholdedRelu"] = thresholdedRelu;
    table["Gelu"] = gelu;
    table["Relu"] = relu;
    table["PRelu"] = preluOp;
    table["Neg"] = neg;
    table["Abs"] = absOp;
    table["Sign"] = sign;
    table["Erf"] = erf;
    table["IsNaN"] = isNaN;
    table["IsInf"] = isInf;
    table["Not"] = notOp;
    table["BitwiseNot"] = bitwiseNot;
    table["Add"] = add;
    table["Sub"] = sub;
    table["Mul"] = mul;
    table["Div"] = div;
    table["Mod"] = mod;
    table["Pow"] = pow;
    table["BitShift"] = bitShift;
    table["BitwiseAnd"] = bitwiseAnd;
    table["BitwiseOr"] = bitwiseOr;
    table["BitwiseXor"] = bitwiseXor;
    table["Equal"] = equal;
    table["Less"] = less;
    table["Greater"] = greater;
    table["LessOrEqual"] = lessOrEqual;
    table["GreaterOrEqual"] = greaterOrEqual;
    table["And"] = andOp;
    table["Or"] = orOp;
    table["Xor"] = xorOp;
    table["Min"] = minOp;
    table["Max"] = maxOp;
    table["Sum"] = sum;
    table["Mean"] = mean;
    table["Clip"] = clip;
    table["Softmax"] = softmax;
    table["LogSoftmax"] = logSoftmax;
    table["Hardmax"] = hardmax;
}

} // namespace netfold::eval
