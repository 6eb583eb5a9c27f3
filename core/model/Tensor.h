#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onnx {
class TensorProto;
}

namespace netfold {

/// std::allocator, except that construct() with no value leaves the element uninitialized, so
/// resize(n) does not zero bytes its caller is about to overwrite (big outputs are written once,
/// not zeroed first).
template <class T> struct UninitializedAllocator : std::allocator<T> {
    template <class U> struct rebind {
        using other = UninitializedAllocator<U>;
    };
    UninitializedAllocator() = default;
    template <class U> UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
    template <class U> void construct(U* p) noexcept { ::new (static_cast<void*>(p)) U; }
    template <class U, class... Args> void construct(U* p, Args&&... args)
    {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

/// Element bytes of a tensor. resize(n) leaves new bytes uninitialized; assign(n, 0) zeroes.
using Bytes = std::vector<uint8_t, UninitializedAllocator<uint8_t>>;

/// A read-only view of a tensor's element bytes (valid as long as the tensor lives).
class ByteView {
public:
    ByteView() = default;
    ByteView(const uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}
    const uint8_t* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    const uint8_t* begin() const { return m_data; }
    const uint8_t* end() const { return m_data + m_size; }
    uint8_t operator[](std::size_t i) const { return m_data[i]; }
    /// A copy of the bytes.
    Bytes toBytes() const { return {begin(), end()}; }

private:
    const uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
};

/// An immutable tensor value: an initializer, a Constant's value or a folded result.
/// Metadata (dtype, dims, where it is stored) is available at once; the element data is decoded
/// on first access (from typed fields, raw_data or an external data file), so opening a model
/// never touches its weights. Shared between graph snapshots through shared_ptr<const Tensor>.
class Tensor {
public:
    /// Where the values live in the file the tensor came from.
    enum class Storage { Typed, Raw, External, Computed };

    /// A computed tensor of a numeric dtype; bytes are in netfold's decoded layout
    /// (native little-endian, float16/bfloat16 as uint16 bits, bool as one byte).
    Tensor(int32_t dtype, std::vector<int64_t> dims, Bytes bytes);
    /// A computed string tensor.
    Tensor(std::vector<int64_t> dims, std::vector<std::string> strings);
    /// Wraps a TensorProto without decoding it; baseDir resolves external data locations.
    Tensor(std::shared_ptr<const onnx::TensorProto> proto, std::string baseDir);
    ~Tensor();
    Tensor(const Tensor&) = delete;
    Tensor& operator=(const Tensor&) = delete;

    int32_t dtype() const { return m_dtype; }
    const std::vector<int64_t>& dims() const { return m_dims; }
    std::size_t rank() const { return m_dims.size(); }
    /// Number of elements (product of dims; 1 for a scalar).
    int64_t numel() const { return m_numel; }
    /// Size of the decoded element data in bytes (0 for strings).
    std::size_t byteSize() const;
    Storage storage() const { return m_storage; }
    /// For external storage: the resolved file path, offset and length ("" otherwise).
    const std::string& externalPath() const { return m_externalPath; }
    /// For external storage: the location as written in the file ("" otherwise).
    const std::string& externalLocation() const { return m_externalLocation; }
    /// For external storage: the declared length, or -1 when the file gives none.
    int64_t externalLength() const { return m_externalLength; }
    int64_t externalOffset() const { return m_externalOffset; }

    /// Decoded element bytes; throws Error when the data cannot be read or is inconsistent.
    /// raw_data is read in place (no copy); other storages are decoded once.
    ByteView bytes() const;
    /// Decoded strings of a string tensor.
    const std::vector<std::string>& strings() const;
    template <class T> const T* data() const { return reinterpret_cast<const T*>(bytes().data()); }
    /// True when the values have been decoded (or the tensor was computed).
    bool isDecoded() const;

    /// Element i converted to double (numeric dtypes).
    double at(int64_t i) const;
    /// Element i converted to int64 (numeric dtypes; floats truncated and clamped, NaN -> 0).
    int64_t intAt(int64_t i) const;
    /// All elements as int64 (for shapes, axes, indices).
    std::vector<int64_t> toInt64() const;
    /// All elements as double.
    std::vector<double> toDouble() const;

    /// Writes the tensor into proto (name included). An unchanged tensor read from a file is
    /// copied as it was (same storage), so save is lossless; others are written as raw_data.
    void toProto(onnx::TensorProto& proto, const std::string& name) const;
    /// The TensorProto this tensor was read from, or nullptr for computed tensors.
    const onnx::TensorProto* sourceProto() const { return m_proto.get(); }
    /// True when both have the same dtype, dims and element values (reads raw_data in place
    /// when it can, decodes otherwise).
    bool sameContent(const Tensor& other) const;
    /// A hash of dtype, dims and values, computed once. Tensors over 1 MB hash 64 evenly spaced
    /// 4 KB samples of their bytes (equal contents still give equal hashes), so hashing a weight
    /// in an external file reads 256 KB of it, not all of it.
    std::size_t contentHash() const;
    /// The element bytes in decoded layout without decoding when the file stores them that way
    /// (raw_data); otherwise the decoded bytes.
    std::string_view elementBytes() const;

    /// True when the element bytes sit in an external data file in netfold's decoded layout
    /// (a numeric dtype other than bool and the 4-bit ones): readBytes, forEachChunk, writeTo,
    /// sameContent and contentHash then read the file in bounded pieces and never decode it.
    bool readsFromFile() const;
    /// Copies count element bytes from byte offset into dst (decoded layout). A readsFromFile()
    /// tensor is read from its file (nothing is decoded or kept); others from bytes(). Throws
    /// Error (bad range, unreadable data).
    void readBytes(std::size_t offset, std::size_t count, uint8_t* dst) const;
    /// Calls fn with consecutive pieces of the element bytes (at most chunk bytes each, in order)
    /// until they are done or fn returns false; a readsFromFile() tensor is read in pieces from
    /// its file, so at most chunk bytes are in memory. Throws Error (unreadable data).
    void forEachChunk(const std::function<bool(const uint8_t* data, std::size_t size)>& fn,
                      std::size_t chunk = std::size_t(1) << 20) const;
    /// Appends the element bytes to fd at its file position. A readsFromFile() tensor is copied
    /// file to file (copy_file_range in chunks; a bounded read/write loop where the kernel cannot
    /// copy), never held in memory. Returns false when writing fails (errno set); throws Error
    /// when the tensor's own data cannot be read.
    bool writeTo(int fd) const;

    /// Convenience constructors.
    static std::shared_ptr<const Tensor> int64s(const std::vector<int64_t>& values, std::vector<int64_t> dims);
    static std::shared_ptr<const Tensor> int64Vector(const std::vector<int64_t>& values);
    static std::shared_ptr<const Tensor> scalar(int32_t dtype, double value);
    /// A tensor of dtype filled from doubles (converted to dtype).
    static std::shared_ptr<const Tensor> fromDoubles(int32_t dtype, std::vector<int64_t> dims, const std::vector<double>& values);

private:
    void decode() const;
    /// Opens the external data file for reading and checks it is a regular file holding
    /// byteSize bytes at the offset; returns the fd (caller closes). Throws Error.
    int openExternal(std::size_t total) const;

    int32_t m_dtype = 0;
    std::vector<int64_t> m_dims;
    int64_t m_numel = 1;
    Storage m_storage = Storage::Computed;
    std::shared_ptr<const onnx::TensorProto> m_proto;
    std::string m_baseDir;
    std::string m_externalPath;
    std::string m_externalLocation;
    int64_t m_externalOffset = 0;
    int64_t m_externalLength = -1;

    mutable std::once_flag m_once;
    mutable Bytes m_bytes;
    mutable std::vector<std::string> m_strings;
    mutable bool m_decoded = false;
    mutable bool m_inPlace = false; ///< bytes() views the proto's raw_data
    mutable std::once_flag m_hashOnce;
    mutable std::size_t m_hash = 0;
};

using TensorPtr = std::shared_ptr<const Tensor>;

/// Product of dims with overflow and negative checks; throws Error naming what when invalid.
int64_t checkedNumel(const std::vector<int64_t>& dims, const std::string& what);
/// numel * the dtype's element size, failing (Error naming what) when it could not be allocated.
std::size_t checkedByteSize(int64_t numel, int32_t dt, const std::string& what);
/// Bytes numel elements of dt take in a file's raw_data or external data: checkedByteSize, except
/// for the 4-bit types, packed two elements a byte there (one a byte in memory).
std::size_t storedByteSize(int64_t numel, int32_t dt, const std::string& what);
/// Checks that a TensorProto's stored bytes agree with its dtype and shape (raw_data length, typed
/// field counts, external offset/length syntax) with overflow-safe arithmetic. Throws Error naming what.
void validateTensorProto(const onnx::TensorProto& proto, const std::string& what);

} // namespace netfold
