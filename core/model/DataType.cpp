#include "model/DataType.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace netfold {

namespace {
const char* const kNames[] = {"undefined", "float", "uint8", "int8", "uint16", "int16", "int32",
                              "int64", "string", "bool", "float16", "double", "uint32", "uint64",
                              "complex64", "complex128", "bfloat16", "float8e4m3fn", "float8e4m3fnuz",
                              "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1"};
constexpr int32_t kNameCount = sizeof(kNames) / sizeof(kNames[0]);
} // namespace

std::string dtypeName(int32_t dt)
{
    if (dt >= 0 && dt < kNameCount)
        return kNames[dt];
    return "dtype(" + std::to_string(dt) + ")";
}

int32_t dtypeFromName(const std::string& name)
{
    for (int32_t i = 0; i < kNameCount; ++i)
        if (name == kNames[i])
            return i;
    return dtype::Undefined;
}

std::size_t dtypeSize(int32_t dt)
{
    switch (dt) {
    case dtype::Float: case dtype::Int32: case dtype::UInt32: return 4;
    case dtype::UInt8: case dtype::Int8: case dtype::Bool: return 1;
    case dtype::Float8E4M3FN: case dtype::Float8E4M3FNUZ: case dtype::Float8E5M2: case dtype::Float8E5M2FNUZ:
    case dtype::UInt4: case dtype::Int4: case dtype::Float4E2M1: return 1;
    case dtype::UInt16: case dtype::Int16: case dtype::Float16: case dtype::BFloat16: return 2;
    case dtype::Int64: case dtype::UInt64: case dtype::Double: case dtype::Complex64: return 8;
    case dtype::Complex128: return 16;
    default: return 0;
    }
}

bool isFloatType(int32_t dt)
{
    return dt == dtype::Float || dt == dtype::Double || dt == dtype::Float16 || dt == dtype::BFloat16;
}

bool isIntegerType(int32_t dt)
{
    switch (dt) {
    case dtype::UInt8: case dtype::Int8: case dtype::UInt16: case dtype::Int16: case dtype::Int32:
    case dtype::Int64: case dtype::UInt32: case dtype::UInt64: return true;
    default: return false;
    }
}

bool isUnsignedType(int32_t dt)
{
    return dt == dtype::UInt8 || dt == dtype::UInt16 || dt == dtype::UInt32 || dt == dtype::UInt64;
}

bool isNumericType(int32_t dt) { return isFloatType(dt) || isIntegerType(dt) || dt == dtype::Bool; }

bool isLowPrecisionType(int32_t dt) { return dt >= dtype::Float8E4M3FN && dt <= dtype::Float4E2M1; }

bool isPackedType(int32_t dt) { return dt == dtype::UInt4 || dt == dtype::Int4 || dt == dtype::Float4E2M1; }

bool isDecodableType(int32_t dt) { return isNumericType(dt) || isLowPrecisionType(dt); }

namespace {
/// A small float: sign bit, then expBits of exponent (bias), then manBits of mantissa; 0 exponent is subnormal.
double smallFloat(uint32_t code, int expBits, int manBits, int bias)
{
    const bool negative = (code >> (expBits + manBits)) & 1u;
    const uint32_t exp = (code >> manBits) & ((1u << expBits) - 1);
    const uint32_t man = code & ((1u << manBits) - 1);
    const double v = exp == 0 ? std::ldexp(static_cast<double>(man), 1 - bias - manBits)
                              : std::ldexp(1.0 + std::ldexp(static_cast<double>(man), -manBits), static_cast<int>(exp) - bias);
    return negative ? -v : v;
}
} // namespace

double lowPrecisionValue(int32_t dt, uint8_t code)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    switch (dt) {
    case dtype::Float8E4M3FN: // no infinities; S.1111.111 is NaN
        return (code & 0x7f) == 0x7f ? nan : smallFloat(code, 4, 3, 7);
    case dtype::Float8E4M3FNUZ: // no infinities, no negative zero; 0x80 is NaN
        return code == 0x80 ? nan : smallFloat(code, 4, 3, 8);
    case dtype::Float8E5M2: // IEEE-like: exponent 31 is infinity (mantissa 0) or NaN
        if ((code & 0x7c) == 0x7c)
            return (code & 0x03) ? nan : ((code & 0x80) ? -HUGE_VAL : HUGE_VAL);
        return smallFloat(code, 5, 2, 15);
    case dtype::Float8E5M2FNUZ:
        return code == 0x80 ? nan : smallFloat(code, 5, 2, 16);
    case dtype::Float4E2M1: return smallFloat(code & 0x0f, 2, 1, 1);
    case dtype::Int4: return static_cast<int8_t>(code);
    case dtype::UInt4: return code;
    default: return nan;
    }
}

float halfToFloat(uint16_t h)
{
    const uint32_t sign = (h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    const uint32_t man = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { // subnormal: value = man * 2^-24
            float v = std::ldexp(static_cast<float>(man), -24);
            return sign ? -v : v;
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp + 112) << 23) | (man << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

uint16_t floatToHalf(float f)
{
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t absx = x & 0x7fffffffu;
    if (absx >= 0x7f800000u) // inf or nan
        return sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0u);
    if (absx >= 0x477ff000u) // rounds to >= 65520: overflow to inf
        return sign | 0x7c00u;
    if (absx < 0x38800000u) { // below smallest normal half (2^-14): subnormal or zero
        float a;
        std::memcpy(&a, &absx, 4);
        const float scaled = a * 16777216.0f; // 2^24
        const auto m = static_cast<uint32_t>(std::nearbyint(scaled));
        return sign | static_cast<uint16_t>(m);
    }
    // normal: round mantissa to nearest even
    uint32_t mant = absx & 0x7fffffu;
    uint32_t exp = (absx >> 23) - 112;
    uint32_t result = (exp << 10) | (mant >> 13);
    const uint32_t rest = mant & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (result & 1u)))
        ++result;
    return sign | static_cast<uint16_t>(result);
}

float bfloat16ToFloat(uint16_t b)
{
    const uint32_t bits = static_cast<uint32_t>(b) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

uint16_t floatToBfloat16(float f)
{
    uint32_t x;
    std::memcpy(&x, &f, 4);
    if ((x & 0x7fffffffu) > 0x7f800000u)
        return static_cast<uint16_t>((x >> 16) | 0x40u); // quiet nan
    const uint32_t rounding = 0x7fffu + ((x >> 16) & 1u);
    return static_cast<uint16_t>((x + rounding) >> 16);
}

} // namespace netfold
