#include "eval/Broadcast.h"

#include <algorithm>
#include <limits>

namespace netfold::eval {

std::vector<int64_t> stridesOf(const std::vector<int64_t>& dims)
{
    std::vector<int64_t> strides(dims.size(), 1);
    for (std::size_t i = dims.size(); i-- > 1;)
        strides[i - 1] = strides[i] * std::max<int64_t>(dims[i], 1);
    return strides;
}

bool extentFits(const std::vector<int64_t>& dims)
{
    int64_t n = 1;
    for (int64_t d : dims) {
        const int64_t m = std::max<int64_t>(d, 1);
        if (n > std::numeric_limits<int64_t>::max() / m)
            return false;
        n *= m;
    }
    return true;
}

int64_t product(const std::vector<int64_t>& dims, std::size_t from, std::size_t to)
{
    int64_t n = 1;
    for (std::size_t i = from; i < std::min(to, dims.size()); ++i)
        n *= dims[i];
    return n;
}

std::optional<std::vector<int64_t>> broadcastShapes(const std::vector<std::vector<int64_t>>& shapes)
{
    std::size_t rank = 0;
    for (const auto& s : shapes)
        rank = std::max(rank, s.size());
    std::vector<int64_t> out(rank, 1);
    for (const auto& s : shapes) {
        const std::size_t shift = rank - s.size();
        for (std::size_t i = 0; i < s.size(); ++i) {
            int64_t& o = out[shift + i];
            if (s[i] == o || s[i] == 1)
                continue;
            if (o != 1)
                return std::nullopt;
            o = s[i];
        }
    }
    return out;
}

bool broadcastsTo(const std::vector<int64_t>& from, const std::vector<int64_t>& to)
{
    if (from.size() > to.size())
        return false;
    const std::size_t shift = to.size() - from.size();
    for (std::size_t i = 0; i < from.size(); ++i)
        if (from[i] != 1 && from[i] != to[shift + i])
            return false;
    return true;
}

IndexCounter::IndexCounter(std::vector<int64_t> dims) : m_dims(std::move(dims)), m_index(m_dims.size(), 0)
{
    m_valid = std::all_of(m_dims.begin(), m_dims.end(), [](int64_t d) { return d > 0; });
}

void IndexCounter::next()
{
    for (std::size_t i = m_dims.size(); i-- > 0;) {
        if (++m_index[i] < m_dims[i])
            return;
        m_index[i] = 0;
    }
    m_valid = false;
}

BroadcastIterator::BroadcastIterator(const std::vector<int64_t>& outDims,
                                     const std::vector<std::vector<int64_t>>& operandDims)
    : m_dims(outDims), m_index(outDims.size(), 0), m_offsets(operandDims.size(), 0)
{
    const std::size_t rank = outDims.size();
    for (const auto& dims : operandDims) {
        const std::vector<int64_t> own = stridesOf(dims);
        std::vector<int64_t> strides(rank, 0);
        const std::size_t shift = rank - dims.size();
        for (std::size_t i = 0; i < dims.size(); ++i)
            strides[shift + i] = dims[i] == 1 ? 0 : own[i];
        m_strides.push_back(std::move(strides));
    }
}

void BroadcastIterator::next()
{
    for (std::size_t axis = m_dims.size(); axis-- > 0;) {
        if (++m_index[axis] < m_dims[axis]) {
            for (std::size_t k = 0; k < m_offsets.size(); ++k)
                m_offsets[k] += m_strides[k][axis];
            return;
        }
        m_index[axis] = 0;
        for (std::size_t k = 0; k < m_offsets.size(); ++k)
            m_offsets[k] -= m_strides[k][axis] * (m_dims[axis] - 1);
    }
}

} // namespace netfold::eval
