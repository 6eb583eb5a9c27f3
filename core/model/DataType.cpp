#include "DataType.h"

#include <cmath>
#include <cstring>

namespace netfold {

namespace {
const char* const kNames[] = {"undefined", "float", "uint8", "int8", "uint16", "int16", "int32",
                              "int64", "string", "bool", "float16", "double", "uint32", "uint64",
                              "complex64", "complex128", "bfloat16"};
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
