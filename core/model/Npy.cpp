#include "model/Npy.h"

#include "model/DataType.h"
#include "util/Error.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

namespace netfold {

namespace {

bool hostIsLittleEndian()
{
    const uint16_t probe = 1;
    uint8_t first;
    std::memcpy(&first, &probe, 1);
    return first == 1;
}

/// Decodes UTF-8 to code points; invalid sequences become U+FFFD.
std::u32string utf32(const std::string& s)
{
    std::u32string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : -1;
        char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1f) : extra == 2 ? (c & 0x0f) : (c & 0x07);
        bool ok = extra >= 0 && i + static_cast<std::size_t>(extra) < s.size();
        for (int k = 1; ok && k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((cc & 0xc0) != 0x80)
                ok = false;
            else
                cp = (cp << 6) | (cc & 0x3f);
        }
        if (!ok) {
            out.push_back(0xfffd);
            ++i;
            continue;
        }
        out.push_back(cp);
        i += static_cast<std::size_t>(extra) + 1;
    }
    return out;
}

std::size_t longestString(const std::vector<std::u32string>& strings)
{
    std::size_t n = 1;
    for (const auto& s : strings)
        n = std::max(n, s.size());
    return n;
}

void writeLittleEndian(std::ostream& out, const uint8_t* data, std::size_t count, std::size_t elemSize)
{
    constexpr std::size_t kChunk = 1 << 20;
    if (hostIsLittleEndian() || elemSize == 1) {
        std::size_t total = count * elemSize;
        for (std::size_t off = 0; off < total; off += kChunk)
            out.write(reinterpret_cast<const char*>(data + off), static_cast<std::streamsize>(std::min(kChunk, total - off)));
        return;
    }
    std::vector<char> buf;
    for (std::size_t i = 0; i < count; i += kChunk) {
        const std::size_t n = std::min(kChunk, count - i);
        buf.resize(n * elemSize);
        for (std::size_t k = 0; k < n; ++k)
            for (std::size_t b = 0; b < elemSize; ++b)
                buf[k * elemSize + b] = static_cast<char>(data[(i + k) * elemSize + elemSize - 1 - b]);
        out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    }
}

} // namespace

std::string npyDescr(const Tensor& tensor)
{
    switch (tensor.dtype()) {
    case dtype::Float: return "<f4";
    case dtype::Double: return "<f8";
    case dtype::Float16: return "<f2";
    case dtype::BFloat16: return "<f4";
    case dtype::Int8: return "|i1";
    case dtype::UInt8: return "|u1";
    case dtype::Bool: return "|b1";
    case dtype::Int16: return "<i2";
    case dtype::UInt16: return "<u2";
    case dtype::Int32: return "<i4";
    case dtype::UInt32: return "<u4";
    case dtype::Int64: return "<i8";
    case dtype::UInt64: return "<u8";
    case dtype::String: {
        std::vector<std::u32string> s;
        for (const auto& v : tensor.strings())
            s.push_back(utf32(v));
        return "<U" + std::to_string(longestString(s));
    }
    default: return {};
    }
}

void writeNpy(const Tensor& tensor, std::ostream& out)
{
    const int32_t dt = tensor.dtype();
    std::vector<std::u32string> strings;
    std::string descr;
    if (dt == dtype::String) {
        for (const auto& v : tensor.strings())
            strings.push_back(utf32(v));
        descr = "<U" + std::to_string(longestString(strings));
    } else {
        descr = npyDescr(tensor);
    }
    if (descr.empty())
        throw Error("A tensor of dtype " + dtypeName(dt) + " cannot be saved as .npy.");

    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (";
    for (std::size_t i = 0; i < tensor.dims().size(); ++i)
        header += std::to_string(tensor.dims()[i]) + (tensor.dims().size() == 1 ? "," : i + 1 < tensor.dims().size() ? ", " : "");
    header += "), }";
    if (dt == dtype::BFloat16)
        header += "  # netfold: bfloat16 has no numpy type, values widened to float32";
    const std::size_t prefix = 10;
    std::size_t total = prefix + header.size() + 1;
    const std::size_t padded = (total + 63) / 64 * 64;
    header.append(padded - total, ' ');
    header += '\n';
    if (header.size() > 65535)
        throw Error("The .npy header of a rank " + std::to_string(tensor.rank()) + " tensor is too long.");

    out.write("\x93NUMPY\x01\x00", 8);
    const auto len = static_cast<uint16_t>(header.size());
    const char lenBytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
    out.write(lenBytes, 2);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));

    if (dt == dtype::String) {
        const std::size_t width = longestString(strings);
        std::vector<uint8_t> row(width * 4);
        for (const auto& s : strings) {
            std::fill(row.begin(), row.end(), 0);
            for (std::size_t k = 0; k < s.size(); ++k)
                for (int b = 0; b < 4; ++b)
                    row[k * 4 + static_cast<std::size_t>(b)] = static_cast<uint8_t>(s[k] >> (8 * b));
            out.write(reinterpret_cast<const char*>(row.data()), static_cast<std::streamsize>(row.size()));
        }
    } else if (dt == dtype::BFloat16) {
        const auto* src = tensor.data<uint16_t>();
        const auto n = static_cast<std::size_t>(tensor.numel());
        constexpr std::size_t kChunk = 1 << 18;
        std::vector<float> buf;
        for (std::size_t i = 0; i < n; i += kChunk) {
            const std::size_t m = std::min(kChunk, n - i);
            buf.resize(m);
            for (std::size_t k = 0; k < m; ++k) {
                uint16_t b;
                std::memcpy(&b, src + i + k, 2);
                buf[k] = bfloat16ToFloat(b);
            }
            writeLittleEndian(out, reinterpret_cast<const uint8_t*>(buf.data()), m, 4);
        }
    } else if (tensor.readsFromFile() && !tensor.isDecoded()) {
        // A weight still in its external file goes over in pieces, never decoded whole.
        const std::size_t es = dtypeSize(dt);
        tensor.forEachChunk([&](const uint8_t* data, std::size_t n) {
            writeLittleEndian(out, data, n / es, es);
            return static_cast<bool>(out);
        });
    } else {
        writeLittleEndian(out, tensor.bytes().data(), static_cast<std::size_t>(tensor.numel()), dtypeSize(dt));
    }
    if (!out)
        throw Error("Writing the .npy data failed.");
}

void saveNpy(const Tensor& tensor, const std::string& path)
{
    const std::string tmp = path + ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error("Cannot write " + quote(path) + ".");
        try {
            writeNpy(tensor, out);
            out.close();
            if (!out)
                throw Error("Writing " + quote(path) + " failed.");
        } catch (const Error& e) {
            out.close();
            std::remove(tmp.c_str());
            throw Error("Cannot save " + quote(path) + ": " + e.what());
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw Error("Cannot write " + quote(path) + ".");
    }
}

} // namespace netfold
