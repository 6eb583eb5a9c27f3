#pragma once
// Internal to core/eval: elementwise maps over one or two (broadcast) tensors in a working type:
// double for float dtypes, int64_t for signed integers and bool, uint64_t for unsigned integers.
#include "eval/Broadcast.h"
#include "eval/Kernel.h"
#include "eval/Values.h"

#include <type_traits>

namespace netfold::eval {

/// The working type family of a dtype.
enum class Domain { Float, Signed, Unsigned };

inline Domain domainOf(int32_t dt)
{
    if (isFloatType(dt))
        return Domain::Float;
    return isUnsignedType(dt) ? Domain::Unsigned : Domain::Signed;
}

/// Calls run(T{}) with T the working type of dt.
template <class Run> void withDomain(int32_t dt, Run&& run)
{
    switch (domainOf(dt)) {
    case Domain::Float: run(double{}); break;
    case Domain::Signed: run(int64_t{}); break;
    case Domain::Unsigned: run(uint64_t{}); break;
    }
}

/// Two's-complement wrapping arithmetic for integers (ONNX integer overflow wraps), plain for floats.
template <class T> T wrapAdd(T a, T b)
{
    if constexpr (std::is_integral_v<T>)
        return static_cast<T>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
    else
        return a + b;
}
template <class T> T wrapSub(T a, T b)
{
    if constexpr (std::is_integral_v<T>)
        return static_cast<T>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
    else
        return a - b;
}
template <class T> T wrapMul(T a, T b)
{
    if constexpr (std::is_integral_v<T>)
        return static_cast<T>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
    else
        return a * b;
}
template <class T> T wrapNeg(T a) { return wrapSub(T(0), a); }
/// v < 0, without a warning for unsigned types.
template <class T> bool isNegative(T v)
{
    if constexpr (std::is_unsigned_v<T>)
        return false;
    else
        return v < T(0);
}

/// out[i] = f(x[i]) for every element; f takes the working type and returns any arithmetic type.
template <class F> TensorPtr mapUnary(const KernelContext& ctx, const Tensor& x, int32_t outDtype, F&& f)
{
    Output out(ctx, outDtype, x.dims());
    withDomain(x.dtype(), [&](auto tag) {
        const auto v = readAs<decltype(tag)>(x);
        for (int64_t i = 0; i < out.numel(); ++i)
            out.put(i, f(v[static_cast<std::size_t>(i)]));
    });
    return out.finish();
}

/// out = f(a, b) with multidirectional broadcasting; a and b share a working type (that of a).
template <class F>
TensorPtr mapBinary(const KernelContext& ctx, const Tensor& a, const Tensor& b, int32_t outDtype, F&& f)
{
    Output out(ctx, outDtype, ctx.broadcast({a.dims(), b.dims()}));
    withDomain(a.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const auto va = readAs<T>(a);
        const auto vb = readAs<T>(b);
        if (a.dims() == b.dims()) {
            for (int64_t i = 0; i < out.numel(); ++i)
                out.put(i, f(va[static_cast<std::size_t>(i)], vb[static_cast<std::size_t>(i)]));
            return;
        }
        BroadcastIterator it(out.dims(), {a.dims(), b.dims()});
        for (int64_t i = 0; i < out.numel(); ++i, it.next())
            out.put(i, f(va[static_cast<std::size_t>(it.offset(0))], vb[static_cast<std::size_t>(it.offset(1))]));
    });
    return out.finish();
}

} // namespace netfold::eval
