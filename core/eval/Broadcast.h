#pragma once
// Internal to core/eval: ONNX multidirectional broadcasting and multi-index helpers.
#include <cstdint>
#include <optional>
#include <vector>

namespace netfold::eval {

/// Row-major strides (in elements) of dims (zero dims counted as 1); see extentFits.
std::vector<int64_t> stridesOf(const std::vector<int64_t>& dims);
/// True when the product of dims, zero dims counted as 1, fits int64: then strides and offsets
/// into a tensor of these dims do too. Only an empty tensor can fail it ([0, 2^62, 4]); the
/// evaluator refuses such inputs before any kernel computes strides.
bool extentFits(const std::vector<int64_t>& dims);
/// Product of dims (caller guarantees no overflow, e.g. dims of an existing tensor).
int64_t product(const std::vector<int64_t>& dims, std::size_t from = 0, std::size_t to = SIZE_MAX);
/// The multidirectional broadcast of shapes (numpy rules), or nullopt when incompatible.
std::optional<std::vector<int64_t>> broadcastShapes(const std::vector<std::vector<int64_t>>& shapes);
/// True when shape `from` broadcasts unidirectionally to `to` (as Gemm's C and PRelu's slope do).
bool broadcastsTo(const std::vector<int64_t>& from, const std::vector<int64_t>& to);

/// Walks a row-major multi-index over dims: for (IndexCounter c(dims); c.valid(); c.next()) ...
class IndexCounter {
public:
    explicit IndexCounter(std::vector<int64_t> dims);
    bool valid() const { return m_valid; }
    const std::vector<int64_t>& index() const { return m_index; }
    int64_t operator[](std::size_t axis) const { return m_index[axis]; }
    void next();

private:
    std::vector<int64_t> m_dims;
    std::vector<int64_t> m_index;
    bool m_valid;
};

/// Walks the elements of a broadcast output in row-major order, keeping the element offset of each
/// operand (operands are right-aligned; size-1 and missing dims repeat).
class BroadcastIterator {
public:
    BroadcastIterator(const std::vector<int64_t>& outDims, const std::vector<std::vector<int64_t>>& operandDims);
    int64_t offset(std::size_t operand) const { return m_offsets[operand]; }
    void next();

private:
    std::vector<int64_t> m_dims;
    std::vector<int64_t> m_index;
    std::vector<std::vector<int64_t>> m_strides; // per operand, per output axis (0 when broadcast)
    std::vector<int64_t> m_offsets;
};

} // namespace netfold::eval
