#pragma once
// Internal to core/eval: reading tensor elements into a working type, and number formatting.
#include "model/DataType.h"
#include "util/Error.h"
#include "model/Tensor.h"
#include "util/Format.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace netfold::eval {

/// Converts a double to an integer type: truncation toward zero, saturating at the type's range, NaN to 0.
template <class I> I saturatingCast(double v)
{
    if (std::isnan(v))
        return 0;
    v = std::trunc(v);
    constexpr auto lo = std::numeric_limits<I>::lowest();
    constexpr auto hi = std::numeric_limits<I>::max();
    if (v <= static_cast<double>(lo))
        return lo;
    if (v >= static_cast<double>(hi)) // 2^63 and 2^64 round up as doubles, so >= catches them
        return hi;
    return static_cast<I>(v);
}

/// Converts a double to an integer type the way ONNX Runtime's Cast behaves on x86-64 for values in
/// range of int64: truncation toward zero, then two's-complement wrapping to the target width (so
/// -1.5 becomes 255 as uint8). NaN gives 0; values beyond int64 saturate (uint64 keeps [2^63, 2^64)).
/// ONNX leaves out-of-range float-to-integer casts undefined.
template <class I> I wrappingCast(double v)
{
    if (std::isnan(v))
        return 0;
    if constexpr (std::is_same_v<I, uint64_t>)
        if (v >= 9223372036854775808.0)
            return v >= 18446744073709551616.0 ? std::numeric_limits<uint64_t>::max() : static_cast<uint64_t>(v);
    return static_cast<I>(saturatingCast<int64_t>(v));
}

namespace detail {
template <class T, class S> void convertAll(const uint8_t* p, int64_t n, T* out)
{
    for (int64_t i = 0; i < n; ++i) {
        S s;
        std::memcpy(&s, p + i * static_cast<int64_t>(sizeof(S)), sizeof(S));
        if constexpr (std::is_integral_v<T> && std::is_floating_point_v<S>)
            out[i] = saturatingCast<T>(static_cast<double>(s));
        else
            out[i] = static_cast<T>(s);
    }
}
template <class T> void convertHalf(const uint8_t* p, int64_t n, T* out, bool bf16)
{
    for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, p + i * 2, 2);
        const float f = bf16 ? bfloat16ToFloat(h) : halfToFloat(h);
        if constexpr (std::is_integral_v<T>)
            out[i] = saturatingCast<T>(f);
        else
            out[i] = static_cast<T>(f);
    }
}
} // namespace detail

/// All elements of a numeric tensor converted to T (double, float, int64_t or uint64_t; bool is 0/1;
/// uint64 into int64_t keeps the bit pattern; floats into integers truncate and saturate).
template <class T> std::vector<T> readAs(const Tensor& t)
{
    const int64_t n = t.numel();
    std::vector<T> out(static_cast<std::size_t>(n));
    if (n == 0)
        return out;
    const uint8_t* p = t.bytes().data();
    T* o = out.data();
    switch (t.dtype()) {
    case dtype::Float: detail::convertAll<T, float>(p, n, o); break;
    case dtype::Double: detail::convertAll<T, double>(p, n, o); break;
    case dtype::Float16: detail::convertHalf<T>(p, n, o, false); break;
    case dtype::BFloat16: detail::convertHalf<T>(p, n, o, true); break;
    case dtype::Int8: detail::convertAll<T, int8_t>(p, n, o); break;
    case dtype::UInt8: case dtype::Bool: detail::convertAll<T, uint8_t>(p, n, o); break;
    case dtype::Int16: detail::convertAll<T, int16_t>(p, n, o); break;
    case dtype::UInt16: detail::convertAll<T, uint16_t>(p, n, o); break;
    case dtype::Int32: detail::convertAll<T, int32_t>(p, n, o); break;
    case dtype::UInt32: detail::convertAll<T, uint32_t>(p, n, o); break;
    case dtype::Int64: detail::convertAll<T, int64_t>(p, n, o); break;
    case dtype::UInt64: detail::convertAll<T, uint64_t>(p, n, o); break;
    default: throw Error("Tensor of dtype " + dtypeName(t.dtype()) + " has no numeric values.");
    }
    return out;
}

/// "[2,3,4]".
std::string dimsString(const std::vector<int64_t>& dims);
/// A number for messages: integers without a fraction, others with up to 6 significant digits.
std::string formatNumber(double v);

} // namespace netfold::eval
