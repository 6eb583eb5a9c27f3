#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace netfold {

/// ONNX TensorProto::DataType values (kept as plain ints so core headers need no protobuf).
namespace dtype {
enum : int32_t {
    Undefined = 0, Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7,
    String = 8, Bool = 9, Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, Complex64 = 14,
    Complex128 = 15, BFloat16 = 16,
    // IR 9 (opset 19) and IR 10/11 (opsets 21/23): 8- and 4-bit types.
    Float8E4M3FN = 17, Float8E4M3FNUZ = 18, Float8E5M2 = 19, Float8E5M2FNUZ = 20, UInt4 = 21, Int4 = 22,
    Float4E2M1 = 23
};
}

/// Lower-case ONNX name of a dtype ("float", "int64", "bfloat16"); "dtype(N)" for unknown values.
std::string dtypeName(int32_t dt);
/// Parses a dtype name as printed by dtypeName; returns Undefined when unknown.
int32_t dtypeFromName(const std::string& name);
/// Bytes per element in netfold's decoded layout (bool = 1 byte); 0 for string and unknown.
std::size_t dtypeSize(int32_t dt);
/// True for float, double, float16, bfloat16.
bool isFloatType(int32_t dt);
/// True for the signed and unsigned integer types (not bool).
bool isIntegerType(int32_t dt);
/// True for uint8/16/32/64.
bool isUnsignedType(int32_t dt);
/// True when netfold can decode and compute on the dtype (everything but complex and the
/// 8- and 4-bit types).
bool isNumericType(int32_t dt);
/// True for float8 (e4m3fn, e4m3fnuz, e5m2, e5m2fnuz), uint4, int4 and float4e2m1: netfold
/// decodes, shows and saves them, but does not compute on them. Decoded layout: one byte per
/// element (the float8/float4 code; int4 sign-extended to int8, uint4 as uint8).
bool isLowPrecisionType(int32_t dt);
/// True for the 4-bit types, stored two to a byte (first element in the low nibble).
bool isPackedType(int32_t dt);
/// isNumericType or isLowPrecisionType: the element bytes can be decoded.
bool isDecodableType(int32_t dt);
/// The value of one element of a low-precision type, given its decoded byte.
double lowPrecisionValue(int32_t dt, uint8_t code);

/// IEEE half <-> float.
float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);
/// bfloat16 <-> float (round to nearest even).
float bfloat16ToFloat(uint16_t b);
uint16_t floatToBfloat16(float f);

} // namespace netfold
