#include "model/Tensor.h"

#include "model/DataType.h"
#include "util/Error.h"
#include "util/FdIo.h"

#include <onnx/onnx_pb.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <functional>
#include <limits>

namespace netfold {

int64_t checkedNumel(const std::vector<int64_t>& dims, const std::string& what)
{
    int64_t n = 1;
    for (int64_t d : dims) {
        if (d < 0)
            throw Error(what + " has a negative dimension " + std::to_string(d) + ".");
        if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
            throw Error(what + " has more elements than fit in 64 bits.");
        n *= d;
    }
    return n;
}

Tensor::Tensor(int32_t dt, std::vector<int64_t> dims, Bytes bytes)
    : m_dtype(dt), m_dims(std::move(dims)), m_storage(Storage::Computed), m_bytes(std::move(bytes)), m_decoded(true)
{
    m_numel = checkedNumel(m_dims, "A tensor");
    if (checkedByteSize(m_numel, dt, "A tensor") != m_bytes.size())
        throw Error("A " + dtypeName(dt) + " tensor of " + std::to_string(m_numel) + " elements got "
                    + std::to_string(m_bytes.size()) + " bytes.");
}

Tensor::Tensor(std::vector<int64_t> dims, std::vector<std::string> strings)
    : m_dtype(dtype::String), m_dims(std::move(dims)), m_storage(Storage::Computed), m_strings(std::move(strings)),
      m_decoded(true)
{
    m_numel = checkedNumel(m_dims, "A string tensor");
    if (static_cast<uint64_t>(m_numel) != m_strings.size())
        throw Error("A string tensor of " + std::to_string(m_numel) + " elements got " + std::to_string(m_strings.size())
                    + " strings.");
}

std::size_t checkedByteSize(int64_t numel, int32_t dt, const std::string& what)
{
    const std::size_t esize = dtypeSize(dt);
    if (numel < 0 || (esize != 0 && static_cast<uint64_t>(numel) > std::numeric_limits<uint64_t>::max() / esize
                      / 2)) // half the address space at most, so sums of sizes cannot wrap either
        throw Error(what + " has " + std::to_string(numel) + " elements of " + dtypeName(dt)
                    + ", more bytes than fit in memory.");
    return static_cast<std::size_t>(numel) * esize;
}

std::size_t storedByteSize(int64_t numel, int32_t dt, const std::string& what)
{
    const std::size_t inMemory = checkedByteSize(numel, dt, what);
    // Two 4-bit elements a byte, rounded up (numel may be INT64_MAX: no numel + 1).
    return isPackedType(dt) ? static_cast<std::size_t>(numel / 2 + numel % 2) : inMemory;
}

namespace {

/// Parses a non-negative decimal external_data offset or length strictly.
int64_t parseExternalNumber(const std::string& text, const std::string& key, const std::string& what)
{
    bool ok = !text.empty() && text.size() <= 19;
    int64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            ok = false;
            break;
        }
        if (v > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10) {
            ok = false; // over INT64_MAX
            break;
        }
        v = v * 10 + (c - '0');
    }
    if (!ok || v < 0)
        throw Error(what + " has a bad external_data " + key + " " + quote(text) + " (a non-negative byte count is needed).");
    return v;
}

/// Number of values a typed field must hold for n elements of dt, and the field's name; -1 when
/// the dtype has no typed field netfold knows.
std::pair<int64_t, const char*> typedField(const onnx::TensorProto& p, int32_t dt)
{
    switch (dt) {
    case dtype::Float: return {p.float_data_size(), "float_data"};
    case dtype::Complex64: return {p.float_data_size() / 2, "float_data"};
    case dtype::Double: return {p.double_data_size(), "double_data"};
    case dtype::Complex128: return {p.double_data_size() / 2, "double_data"};
    case dtype::Int64: return {p.int64_data_size(), "int64_data"};
    case dtype::UInt32: case dtype::UInt64: return {p.uint64_data_size(), "uint64_data"};
    case dtype::String: return {p.string_data_size(), "string_data"};
    case dtype::Int32: case dtype::Int16: case dtype::Int8: case dtype::UInt16: case dtype::Float16:
    case dtype::BFloat16: case dtype::UInt8: case dtype::Bool: case dtype::Float8E4M3FN: case dtype::Float8E4M3FNUZ:
    case dtype::Float8E5M2: case dtype::Float8E5M2FNUZ:
    case dtype::UInt4: case dtype::Int4: case dtype::Float4E2M1: return {p.int32_data_size(), "int32_data"};
    default: return {-1, ""};
    }
}

/// Fails unless the typed field holds n elements of dt (4-bit types: one int32 per pair).
void checkTypedCount(const onnx::TensorProto& p, int32_t dt, int64_t n, const std::string& what)
{
    const auto [have, field] = typedField(p, dt);
    if (have < 0)
        return;
    if (isPackedType(dt) && have != n / 2 + n % 2) // n may be INT64_MAX
        throw Error(what + " has " + std::to_string(have) + " values in int32_data for " + std::to_string(n)
                    + " 4-bit elements (" + std::to_string(n / 2 + n % 2) + " expected).");
    if (!isPackedType(dt) && have != n)
        throw Error(what + " has " + std::to_string(have) + " values in " + field + " for " + std::to_string(n)
                    + " elements.");
}

} // namespace

void validateTensorProto(const onnx::TensorProto& p, const std::string& what)
{
    std::vector<int64_t> dims(p.dims().begin(), p.dims().end());
    const int64_t n = checkedNumel(dims, what);
    const int32_t dt = p.data_type();
    const std::size_t total = storedByteSize(n, dt, what);
    if (p.data_location() == onnx::TensorProto::EXTERNAL) {
        if (dt == dtype::String)
            throw Error(what + " stores strings in external data, which ONNX does not allow.");
        for (const auto& kv : p.external_data()) {
            if (kv.key() == "offset")
                parseExternalNumber(kv.value(), "offset", what);
            else if (kv.key() == "length" && dtypeSize(dt) != 0
                     && static_cast<uint64_t>(parseExternalNumber(kv.value(), "length", what)) != total)
                throw Error(what + " declares " + kv.value() + " bytes of external data; its dtype and shape need "
                            + std::to_string(total) + ".");
        }
        return;
    }
    if (p.has_raw_data()) {
        if (dt == dtype::String)
            throw Error(what + " stores strings in raw_data, which ONNX does not allow.");
        if (dtypeSize(dt) != 0 && p.raw_data().size() != total)
            throw Error(what + " has " + std::to_string(p.raw_data().size()) + " bytes of raw_data; its dtype "
                        + dtypeName(dt) + " and shape need " + std::to_string(total) + ".");
        return;
    }
    checkTypedCount(p, dt, n, what);
}

Tensor::Tensor(std::shared_ptr<const onnx::TensorProto> proto, std::string baseDir)
    : m_dtype(proto->data_type()), m_proto(std::move(proto)), m_baseDir(std::move(baseDir))
{
    const std::string what = "Tensor " + quote(m_proto->name());
    m_dims.assign(m_proto->dims().begin(), m_proto->dims().end());
    validateTensorProto(*m_proto, what);
    m_numel = checkedNumel(m_dims, what);
    if (m_proto->data_location() == onnx::TensorProto::EXTERNAL) {
        m_storage = Storage::External;
        std::string location;
        for (const auto& kv : m_proto->external_data()) {
            if (kv.key() == "location")
                location = kv.value();
            else if (kv.key() == "offset")
                m_externalOffset = parseExternalNumber(kv.value(), "offset", what);
            else if (kv.key() == "length")
                m_externalLength = parseExternalNumber(kv.value(), "length", what);
        }
        if (location.empty())
            throw Error(what + " has external data without a location.");
        if (location.find('\0') != std::string::npos)
            throw Error(what + " has an external data location with a NUL byte.");
        m_externalLocation = location;
        m_externalPath = location.front() == '/' || m_baseDir.empty() ? location : m_baseDir + "/" + location;
    } else if (m_proto->has_raw_data()) {
        m_storage = Storage::Raw;
    } else {
        m_storage = Storage::Typed;
    }
}

Tensor::~Tensor() = default;

std::size_t Tensor::byteSize() const { return static_cast<std::size_t>(m_numel) * dtypeSize(m_dtype); }

bool Tensor::isDecoded() const { return m_decoded || m_storage == Storage::Computed; }

ByteView Tensor::bytes() const
{
    if (m_dtype == dtype::String)
        throw Error("Tensor of dtype string has no numeric data.");
    std::call_once(m_once, [this] { decode(); });
    if (m_inPlace)
        return {reinterpret_cast<const uint8_t*>(m_proto->raw_data().data()), m_proto->raw_data().size()};
    return {m_bytes.data(), m_bytes.size()};
}

const std::vector<std::string>& Tensor::strings() const
{
    if (m_dtype != dtype::String)
        throw Error("Tensor of dtype " + dtypeName(m_dtype) + " has no strings.");
    std::call_once(m_once, [this] { decode(); });
    return m_strings;
}

namespace {

/// Two 4-bit elements per byte, first in the low nibble -> one byte per element (int4 sign-extended).
void unpackNibbles(const uint8_t* packed, int64_t n, int32_t dt, uint8_t* out)
{
    for (int64_t i = 0; i < n; ++i) {
        uint8_t v = (packed[i / 2] >> ((i % 2) * 4)) & 0x0f;
        if (dt == dtype::Int4 && (v & 0x08))
            v |= 0xf0;
        out[i] = v;
    }
}

std::string packNibbles(const uint8_t* values, int64_t n)
{
    std::string packed(static_cast<std::size_t>((n + 1) / 2), '\0');
    for (int64_t i = 0; i < n; ++i)
        packed[static_cast<std::size_t>(i / 2)] =
            static_cast<char>(static_cast<uint8_t>(packed[static_cast<std::size_t>(i / 2)]) | ((values[i] & 0x0f) << ((i % 2) * 4)));
    return packed;
}

template <class Src, class Dst>
void copyConverted(const Src* src, int64_t n, uint8_t* out)
{
    for (int64_t i = 0; i < n; ++i) {
        Dst v = static_cast<Dst>(src[i]);
        std::memcpy(out + i * sizeof(Dst), &v, sizeof(Dst));
    }
}

} // namespace

int Tensor::openExternal(std::size_t total) const
{
    const std::string what = "Tensor " + quote(m_proto->name());
    if (m_baseDir.empty())
        throw Error(what + " keeps its values in external data, but the model has no folder to read it from.");
    if (m_externalLength >= 0 && static_cast<std::size_t>(m_externalLength) != total)
        throw Error(what + " declares " + std::to_string(m_externalLength) + " bytes of external data; its shape needs "
                    + std::to_string(total) + ".");
    // Non-blocking open, so a FIFO or device named as the location cannot hang the read.
    const int fd = ::open(m_externalPath.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        throw Error(what + ": external data file " + quote(m_externalPath) + " cannot be opened: " + std::strerror(errno)
                    + ".");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(what + ": external data " + quote(m_externalPath) + " is not a regular file.");
    }
    const auto fileSize = static_cast<uint64_t>(st.st_size);
    if (static_cast<uint64_t>(m_externalOffset) > fileSize || total > fileSize - static_cast<uint64_t>(m_externalOffset)) {
        ::close(fd);
        throw Error(what + ": external data file " + quote(m_externalPath) + " is too short (" + std::to_string(fileSize)
                    + " bytes) for " + std::to_string(total) + " bytes at offset " + std::to_string(m_externalOffset)
                    + ".");
    }
    return fd;
}

void Tensor::decode() const
{
    if (m_storage == Storage::Computed) {
        m_decoded = true;
        return;
    }
    const std::string what = "Tensor " + quote(m_proto->name());
    const auto n = m_numel;
    if (m_dtype == dtype::String) {
        if (m_storage != Storage::Typed)
            throw Error(what + " stores strings outside string_data, which ONNX does not allow.");
        if (m_proto->string_data_size() != n)
            throw Error(what + " has " + std::to_string(m_proto->string_data_size()) + " strings for " + std::to_string(n)
                        + " elements.");
        m_strings.assign(m_proto->string_data().begin(), m_proto->string_data().end());
        m_decoded = true;
        return;
    }
    if (!isDecodableType(m_dtype))
        throw Error(what + " has dtype " + dtypeName(m_dtype) + ", which netfold cannot decode.");
    // 4-bit types: the file holds two elements a byte; netfold's layout one.
    const bool packed = isPackedType(m_dtype);
    const std::size_t total = storedByteSize(n, m_dtype, what);
    if (m_storage == Storage::Raw) {
        const std::string& raw = m_proto->raw_data();
        if (raw.size() != total)
            throw Error(what + " has " + std::to_string(raw.size()) + " bytes of raw_data; its shape needs "
                        + std::to_string(total) + ".");
        bool canView = true;
        if (m_dtype == dtype::Bool)
            for (char c : raw)
                canView = canView && (c == 0 || c == 1);
        if (packed)
            canView = false;
        if (canView) {
            m_inPlace = true;
            m_decoded = true;
            return;
        }
        m_bytes.assign(raw.begin(), raw.end());
    } else if (m_storage == Storage::External) {
        const int fd = openExternal(total);
        struct FdCloser {
            int fd;
            ~FdCloser() { ::close(fd); }
        } closer{fd};
        m_bytes.resize(total);
        std::size_t done = 0;
        while (done < total) {
            const ssize_t r = ::pread(fd, m_bytes.data() + done, total - done, static_cast<off_t>(m_externalOffset + done));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                throw Error(what + ": reading external data file " + quote(m_externalPath) + " failed.");
            done += static_cast<std::size_t>(r);
        }
    } else {
        // Counted before anything is allocated: the dims may claim terabytes (validated on
        // construction too; checked again here for the proto decode() reads).
        checkTypedCount(*m_proto, m_dtype, n, what);
        m_bytes.resize(total);
        uint8_t* out = m_bytes.data();
        switch (m_dtype) {
        case dtype::Float:
            copyConverted<float, float>(m_proto->float_data().data(), n, out);
            break;
        case dtype::Double:
            copyConverted<double, double>(m_proto->double_data().data(), n, out);
            break;
        case dtype::Int64:
            copyConverted<int64_t, int64_t>(m_proto->int64_data().data(), n, out);
            break;
        case dtype::UInt32:
            copyConverted<uint64_t, uint32_t>(m_proto->uint64_data().data(), n, out);
            break;
        case dtype::UInt64:
            copyConverted<uint64_t, uint64_t>(m_proto->uint64_data().data(), n, out);
            break;
        case dtype::Int32:
            copyConverted<int32_t, int32_t>(m_proto->int32_data().data(), n, out);
            break;
        case dtype::Int16:
            copyConverted<int32_t, int16_t>(m_proto->int32_data().data(), n, out);
            break;
        case dtype::Int8:
            copyConverted<int32_t, int8_t>(m_proto->int32_data().data(), n, out);
            break;
        case dtype::UInt16: case dtype::Float16: case dtype::BFloat16:
            copyConverted<int32_t, uint16_t>(m_proto->int32_data().data(), n, out);
            break;
        case dtype::UInt8: case dtype::Bool: case dtype::Float8E4M3FN: case dtype::Float8E4M3FNUZ:
        case dtype::Float8E5M2: case dtype::Float8E5M2FNUZ:
            copyConverted<int32_t, uint8_t>(m_proto->int32_data().data(), n, out);
            break;
        case dtype::UInt4: case dtype::Int4: case dtype::Float4E2M1:
            // One int32 per byte of packed pairs.
            copyConverted<int32_t, uint8_t>(m_proto->int32_data().data(), (n + 1) / 2, out);
            break;
        default:
            throw Error(what + " has dtype " + dtypeName(m_dtype) + ", which netfold cannot decode.");
        }
    }
    if (m_dtype == dtype::Bool)
        for (auto& b : m_bytes)
            b = b ? 1 : 0;
    if (packed) {
        Bytes unpacked(static_cast<std::size_t>(n));
        unpackNibbles(m_bytes.data(), n, m_dtype, unpacked.data());
        m_bytes = std::move(unpacked);
    }
    m_decoded = true;
}

double Tensor::at(int64_t i) const
{
    const uint8_t* p = bytes().data() + static_cast<std::size_t>(i) * dtypeSize(m_dtype);
    auto load = [p](auto v) {
        std::memcpy(&v, p, sizeof(v));
        return v;
    };
    switch (m_dtype) {
    case dtype::Float: return load(float{});
    case dtype::Double: return load(double{});
    case dtype::Float16: return halfToFloat(load(uint16_t{}));
    case dtype::BFloat16: return bfloat16ToFloat(load(uint16_t{}));
    case dtype::Int8: return load(int8_t{});
    case dtype::UInt8: case dtype::Bool: return load(uint8_t{});
    case dtype::Int16: return load(int16_t{});
    case dtype::UInt16: return load(uint16_t{});
    case dtype::Int32: return load(int32_t{});
    case dtype::UInt32: return load(uint32_t{});
    case dtype::Int64: return static_cast<double>(load(int64_t{}));
    case dtype::UInt64: return static_cast<double>(load(uint64_t{}));
    default:
        if (isLowPrecisionType(m_dtype))
            return lowPrecisionValue(m_dtype, load(uint8_t{}));
        throw Error("Tensor of dtype " + dtypeName(m_dtype) + " has no numeric values.");
    }
}

namespace {
/// v converted to integer type I, clamped to its range (NaN -> 0): no undefined conversion.
template <class I> I saturated(double v)
{
    if (!(v == v))
        return 0;
    if (v <= static_cast<double>(std::numeric_limits<I>::min()))
        return std::numeric_limits<I>::min();
    if (v >= static_cast<double>(std::numeric_limits<I>::max()))
        return std::numeric_limits<I>::max();
    return static_cast<I>(v);
}
} // namespace

int64_t Tensor::intAt(int64_t i) const
{
    const uint8_t* p = bytes().data() + static_cast<std::size_t>(i) * dtypeSize(m_dtype);
    auto load = [p](auto v) {
        std::memcpy(&v, p, sizeof(v));
        return v;
    };
    switch (m_dtype) {
    case dtype::Int64: return load(int64_t{});
    case dtype::UInt64: return static_cast<int64_t>(load(uint64_t{}));
    case dtype::Int32: return load(int32_t{});
    case dtype::UInt32: return load(uint32_t{});
    case dtype::Int16: return load(int16_t{});
    case dtype::UInt16: return load(uint16_t{});
    case dtype::Int8: case dtype::Int4: return load(int8_t{});
    case dtype::UInt8: case dtype::Bool: case dtype::UInt4: return load(uint8_t{});
    default: return saturated<int64_t>(at(i)); // a float: NaN, inf and 1e30 are no undefined conversion
    }
}

std::vector<int64_t> Tensor::toInt64() const
{
    // Read one element first: a tensor whose data cannot be read (missing external data) says
    // so before a vector of its declared size is allocated.
    if (m_numel > 0)
        (void)intAt(0);
    std::vector<int64_t> v(static_cast<std::size_t>(m_numel));
    for (int64_t i = 0; i < m_numel; ++i)
        v[static_cast<std::size_t>(i)] = intAt(i);
    return v;
}

std::vector<double> Tensor::toDouble() const
{
    if (m_numel > 0)
        (void)at(0); // as toInt64: unreadable data is an Error before the allocation
    std::vector<double> v(static_cast<std::size_t>(m_numel));
    for (int64_t i = 0; i < m_numel; ++i)
        v[static_cast<std::size_t>(i)] = at(i);
    return v;
}

void Tensor::toProto(onnx::TensorProto& proto, const std::string& name) const
{
    if (m_proto && m_storage != Storage::External) {
        proto.CopyFrom(*m_proto);
        proto.set_name(name);
        return;
    }
    proto.Clear();
    proto.set_name(name);
    proto.set_data_type(m_dtype);
    for (int64_t d : m_dims)
        proto.add_dims(d);
    if (m_dtype == dtype::String) {
        for (const auto& s : strings())
            proto.add_string_data(s);
    } else if (isPackedType(m_dtype)) {
        proto.set_raw_data(packNibbles(bytes().data(), m_numel));
    } else {
        const auto& b = bytes();
        proto.set_raw_data(std::string(b.begin(), b.end()));
    }
}

std::string_view Tensor::elementBytes() const
{
    const ByteView b = bytes();
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

bool Tensor::readsFromFile() const
{
    return m_storage == Storage::External && m_dtype != dtype::Bool && m_dtype != dtype::String
           && !isPackedType(m_dtype) && isDecodableType(m_dtype);
}

namespace {

/// Closes an fd when it goes out of scope.
struct Fd {
    int fd;
    ~Fd() { ::close(fd); }
};

} // namespace

void Tensor::readBytes(std::size_t offset, std::size_t count, uint8_t* dst) const
{
    const std::size_t total = byteSize();
    if (m_dtype == dtype::String || offset > total || count > total - offset)
        throw Error("Tensor bytes " + std::to_string(offset) + "+" + std::to_string(count) + " are outside its "
                    + std::to_string(total) + " bytes.");
    if (count == 0)
        return;
    if (!readsFromFile()) {
        std::memcpy(dst, bytes().data() + offset, count);
        return;
    }
    const Fd fd{openExternal(total)};
    if (!preadAll(fd.fd, dst, count, static_cast<uint64_t>(m_externalOffset) + offset))
        throw Error("Tensor " + quote(m_proto->name()) + ": reading external data file " + quote(m_externalPath)
                    + " failed.");
}

void Tensor::forEachChunk(const std::function<bool(const uint8_t*, std::size_t)>& fn, std::size_t chunk) const
{
    const std::size_t total = byteSize();
    chunk = std::max<std::size_t>(chunk, 1);
    if (!readsFromFile()) {
        const ByteView b = bytes();
        for (std::size_t at = 0; at < b.size(); at += chunk)
            if (!fn(b.data() + at, std::min(chunk, b.size() - at)))
                return;
        return;
    }
    const Fd fd{openExternal(total)};
    Bytes buf(std::min(chunk, total));
    for (std::size_t at = 0; at < total; at += chunk) {
        const std::size_t n = std::min(chunk, total - at);
        if (!preadAll(fd.fd, buf.data(), n, static_cast<uint64_t>(m_externalOffset) + at))
            throw Error("Tensor " + quote(m_proto->name()) + ": reading external data file " + quote(m_externalPath)
                        + " failed.");
        if (!fn(buf.data(), n))
            return;
    }
}

bool Tensor::writeTo(int out) const
{
    if (!readsFromFile()) {
        const ByteView b = bytes();
        return writeAll(out, b.data(), b.size());
    }
    const std::size_t total = byteSize();
    const Fd fd{openExternal(total)};
    auto in = static_cast<loff_t>(m_externalOffset);
    std::size_t done = 0;
    // In-kernel copy (a reflink on filesystems that share extents); nothing passes through memory.
    while (done < total) {
        const ssize_t c = ::copy_file_range(fd.fd, &in, out, nullptr, std::min<std::size_t>(total - done, 1u << 30), 0);
        if (c < 0 && errno == EINTR)
            continue;
        if (c < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP || errno == EPERM)) {
            break; // the kernel cannot copy between these files: read and write below
        }
        if (c < 0)
            return false;
        if (c == 0)
            throw Error("Tensor " + quote(m_proto->name()) + ": external data file " + quote(m_externalPath)
                        + " ended while it was copied.");
        done += static_cast<std::size_t>(c);
    }
    if (done == total)
        return true;
    Bytes buf(std::min<std::size_t>(total - done, std::size_t(4) << 20));
    while (done < total) {
        const std::size_t n = std::min(buf.size(), total - done);
        if (!preadAll(fd.fd, buf.data(), n, static_cast<uint64_t>(m_externalOffset) + done))
            throw Error("Tensor " + quote(m_proto->name()) + ": reading external data file " + quote(m_externalPath)
                        + " failed.");
        if (!writeAll(out, buf.data(), n))
            return false;
        done += n;
    }
    return true;
}

bool Tensor::sameContent(const Tensor& other) const
{
    if (this == &other)
        return true;
    if (m_dtype != other.m_dtype || m_dims != other.m_dims)
        return false;
    if (m_dtype == dtype::String)
        return strings() == other.strings();
    if (!readsFromFile() && !other.readsFromFile())
        return elementBytes() == other.elementBytes();
    // The same bytes of the same file (one weight shared by two names).
    if (readsFromFile() && other.readsFromFile() && m_externalPath == other.m_externalPath
        && m_externalOffset == other.m_externalOffset)
        return true;
    // Compare in pieces: neither side is decoded nor held whole.
    const std::size_t total = byteSize();
    constexpr std::size_t kPiece = std::size_t(1) << 20;
    const Tensor& fileSide = readsFromFile() ? *this : other;
    const Tensor& otherSide = readsFromFile() ? other : *this;
    const bool otherInMemory = !otherSide.readsFromFile();
    const uint8_t* mem = otherInMemory ? otherSide.bytes().data() : nullptr;
    Bytes buf(otherInMemory ? 0 : std::min(kPiece, total));
    std::size_t at = 0;
    bool same = true;
    fileSide.forEachChunk(
        [&](const uint8_t* data, std::size_t n) {
            const uint8_t* theirs = mem ? mem + at : buf.data();
            if (!mem)
                otherSide.readBytes(at, n, buf.data());
            same = std::memcmp(data, theirs, n) == 0;
            at += n;
            return same;
        },
        kPiece);
    return same;
}

std::size_t Tensor::contentHash() const
{
    std::call_once(m_hashOnce, [this] {
        std::size_t h = std::hash<int32_t>()(m_dtype);
        auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
        for (int64_t d : m_dims)
            mix(std::hash<int64_t>()(d));
        if (m_dtype == dtype::String) {
            for (const auto& s : strings())
                mix(std::hash<std::string>()(s));
        } else {
            const std::size_t total = byteSize();
            constexpr std::size_t kWhole = std::size_t(1) << 20, kSample = 4096, kSamples = 64;
            const bool fromFile = readsFromFile();
            const uint8_t* mem = fromFile ? nullptr : bytes().data();
            auto piece = [&](std::size_t offset, std::size_t n, Bytes& buf) -> std::string_view {
                if (mem)
                    return {reinterpret_cast<const char*>(mem + offset), n};
                buf.resize(n);
                readBytes(offset, n, buf.data());
                return {reinterpret_cast<const char*>(buf.data()), n};
            };
            Bytes buf;
            if (total <= kWhole) {
                mix(std::hash<std::string_view>()(total ? piece(0, total, buf) : std::string_view()));
            } else {
                // Evenly spaced samples, first and last included: a function of the bytes alone.
                const std::size_t span = total - kSample;
                for (std::size_t k = 0; k < kSamples; ++k) {
                    const std::size_t offset = k + 1 == kSamples ? span : span / (kSamples - 1) * k;
                    mix(std::hash<std::string_view>()(piece(offset, kSample, buf)));
                }
            }
        }
        m_hash = h;
    });
    return m_hash;
}

std::shared_ptr<const Tensor> Tensor::int64s(const std::vector<int64_t>& values, std::vector<int64_t> dims)
{
    Bytes bytes(values.size() * 8);
    if (!values.empty())
        std::memcpy(bytes.data(), values.data(), bytes.size());
    return std::make_shared<const Tensor>(dtype::Int64, std::move(dims), std::move(bytes));
}

std::shared_ptr<const Tensor> Tensor::int64Vector(const std::vector<int64_t>& values)
{
    return int64s(values, {static_cast<int64_t>(values.size())});
}

std::shared_ptr<const Tensor> Tensor::scalar(int32_t dt, double value) { return fromDoubles(dt, {}, {value}); }

std::shared_ptr<const Tensor> Tensor::fromDoubles(int32_t dt, std::vector<int64_t> dims, const std::vector<double>& values)
{
    const std::size_t es = dtypeSize(dt);
    if (!isNumericType(dt))
        throw Error("Cannot make a tensor of dtype " + dtypeName(dt) + " from numbers.");
    Bytes bytes(values.size() * es);
    uint8_t* out = bytes.data();
    auto store = [&](std::size_t i, auto v) { std::memcpy(out + i * es, &v, sizeof(v)); };
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double v = values[i];
        switch (dt) {
        case dtype::Float: store(i, static_cast<float>(v)); break;
        case dtype::Double: store(i, v); break;
        case dtype::Float16: store(i, floatToHalf(static_cast<float>(v))); break;
        case dtype::BFloat16: store(i, floatToBfloat16(static_cast<float>(v))); break;
        case dtype::Int8: store(i, saturated<int8_t>(v)); break;
        case dtype::UInt8: store(i, saturated<uint8_t>(v)); break;
        case dtype::Bool: store(i, static_cast<uint8_t>(v != 0.0)); break;
        case dtype::Int16: store(i, saturated<int16_t>(v)); break;
        case dtype::UInt16: store(i, saturated<uint16_t>(v)); break;
        case dtype::Int32: store(i, saturated<int32_t>(v)); break;
        case dtype::UInt32: store(i, saturated<uint32_t>(v)); break;
        case dtype::Int64: store(i, saturated<int64_t>(v)); break;
        case dtype::UInt64: store(i, saturated<uint64_t>(v)); break;
        default: break;
        }
    }
    return std::make_shared<const Tensor>(dt, std::move(dims), std::move(bytes));
}

} // namespace netfold
