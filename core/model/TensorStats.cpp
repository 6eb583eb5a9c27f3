#include "model/TensorStats.h"

#include "model/DataType.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

namespace netfold {

namespace {

constexpr int64_t kBlock = 1 << 16;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const float* halfTable()
{
    static const std::unique_ptr<float[]> table = [] {
        std::unique_ptr<float[]> t(new float[65536]);
        for (uint32_t i = 0; i < 65536; ++i)
            t[i] = halfToFloat(static_cast<uint16_t>(i));
        return t;
    }();
    return table.get();
}

template <class T>
T load(const uint8_t* p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

class Scanner {
public:
    Scanner(const TensorStatsOptions& options, int64_t n) : m_options(options), m_n(n) {}

    /// Runs both passes with get(i) -> double; false when cancelled.
    template <class Get>
    bool run(Get get, TensorStats& s)
    {
        // Pass 1: counts, extrema, sum (summed per block, then over blocks).
        double sum = 0;
        double lo = std::numeric_limits<double>::infinity();
        double hi = -std::numeric_limits<double>::infinity();
        for (int64_t b = 0; b < m_n; b += kBlock) {
            const int64_t e = std::min(m_n, b + kBlock);
            double block = 0;
            for (int64_t i = b; i < e; ++i) {
                const double v = get(i);
                if (std::isnan(v)) {
                    ++s.nans;
                    continue;
                }
                if (std::isinf(v)) {
                    ++(v > 0 ? s.posInfs : s.negInfs);
                    continue;
                }
                ++s.finite;
                block += v;
                if (v == 0)
                    ++s.zeros;
                if (v < lo) {
                    lo = v;
                    s.minIndex = i;
                }
                if (v > hi) {
                    hi = v;
                    s.maxIndex = i;
                }
            }
            sum += block;
            if (!report(0.5 * static_cast<double>(e) / static_cast<double>(m_n)))
                return false;
        }
        if (s.finite == 0) {
            s.min = s.max = s.mean = s.std = kNaN;
            return true;
        }
        s.min = lo;
        s.max = hi;
        s.mean = sum / static_cast<double>(s.finite);

        // Pass 2: squared deviations and the histogram (numpy.histogram's binning).
        const int bins = std::max(0, m_options.bins);
        double first = lo, last = hi;
        if (first == last) {
            first -= 0.5;
            last += 0.5;
        }
        std::vector<double> edges;
        if (bins > 0) {
            s.histogram.assign(static_cast<std::size_t>(bins), 0);
            s.histLo = first;
            s.histHi = last;
            edges.resize(static_cast<std::size_t>(bins) + 1);
            const double delta = last - first;
            const double step = delta / bins;
            for (int i = 0; i <= bins; ++i)
                edges[static_cast<std::size_t>(i)] = step == 0 ? static_cast<double>(i) / bins * delta + first
                                                               : static_cast<double>(i) * step + first;
            edges[static_cast<std::size_t>(bins)] = last;
        }
        const double norm = bins / (last - first);
        const double mean = s.mean;
        double sq = 0;
        for (int64_t b = 0; b < m_n; b += kBlock) {
            const int64_t e = std::min(m_n, b + kBlock);
            double block = 0;
            for (int64_t i = b; i < e; ++i) {
                const double v = get(i);
                if (!std::isfinite(v))
                    continue;
                const double d = v - mean;
                block += d * d;
                if (bins > 0) {
                    auto k = static_cast<int64_t>((v - first) * norm);
                    k = std::clamp<int64_t>(k, 0, bins - 1);
                    if (v < edges[static_cast<std::size_t>(k)] && k > 0)
                        --k;
                    if (k != bins - 1 && v >= edges[static_cast<std::size_t>(k) + 1])
                        ++k;
                    ++s.histogram[static_cast<std::size_t>(k)];
                }
            }
            sq += block;
            if (!report(0.5 + 0.5 * static_cast<double>(e) / static_cast<double>(m_n)))
                return false;
        }
        s.std = std::sqrt(sq / static_cast<double>(s.finite));
        return true;
    }

private:
    bool report(double fraction) const { return !m_options.progress || m_options.progress(fraction); }

    const TensorStatsOptions& m_options;
    int64_t m_n;
};

} // namespace

namespace {

/// Element bytes already in memory.
struct MemorySource {
    const uint8_t* data;
    const uint8_t* ptr(int64_t i, std::size_t es) const { return data + static_cast<std::size_t>(i) * es; }
};

/// Element bytes read from the tensor's external file a window at a time (the scanner walks
/// forward, twice), so a weight of any size is neither decoded nor held whole.
struct FileSource {
    static constexpr int64_t kWindow = int64_t(1) << 20; // elements
    const Tensor& tensor;
    int64_t numel;
    mutable Bytes buf;
    mutable int64_t first = 0;
    mutable int64_t count = 0;
    const uint8_t* ptr(int64_t i, std::size_t es) const
    {
        if (i < first || i >= first + count) {
            first = i - i % kWindow;
            count = std::min(kWindow, numel - first);
            buf.resize(static_cast<std::size_t>(count) * es);
            tensor.readBytes(static_cast<std::size_t>(first) * es, buf.size(), buf.data());
        }
        return buf.data() + static_cast<std::size_t>(i - first) * es;
    }
};

} // namespace

TensorStats computeTensorStats(const Tensor& tensor, const TensorStatsOptions& options)
{
    TensorStats s;
    s.count = tensor.numel();
    const int32_t dt = tensor.dtype();
    if (dt == dtype::String || !isNumericType(dt)) {
        s.min = s.max = s.mean = s.std = kNaN;
        s.complete = true;
        return s;
    }
    s.numeric = true;
    Scanner scan(options, s.count);
    auto with = [&](auto get) { return scan.run(get, s); };
    // Returns false for a dtype without numeric values (after setting s).
    auto scanAll = [&](const auto& src) {
        bool done = false;
        switch (dt) {
        case dtype::Float: done = with([&src](int64_t i) { return static_cast<double>(load<float>(src.ptr(i, 4))); }); break;
        case dtype::Double: done = with([&src](int64_t i) { return load<double>(src.ptr(i, 8)); }); break;
        case dtype::Float16: {
            const float* table = halfTable();
            done = with([&src, table](int64_t i) { return static_cast<double>(table[load<uint16_t>(src.ptr(i, 2))]); });
            break;
        }
        case dtype::BFloat16:
            done = with([&src](int64_t i) { return static_cast<double>(bfloat16ToFloat(load<uint16_t>(src.ptr(i, 2)))); });
            break;
        case dtype::Int8: done = with([&src](int64_t i) { return static_cast<double>(load<int8_t>(src.ptr(i, 1))); }); break;
        case dtype::UInt8:
        case dtype::Bool: done = with([&src](int64_t i) { return static_cast<double>(load<uint8_t>(src.ptr(i, 1))); }); break;
        case dtype::Int16: done = with([&src](int64_t i) { return static_cast<double>(load<int16_t>(src.ptr(i, 2))); }); break;
        case dtype::UInt16: done = with([&src](int64_t i) { return static_cast<double>(load<uint16_t>(src.ptr(i, 2))); }); break;
        case dtype::Int32: done = with([&src](int64_t i) { return static_cast<double>(load<int32_t>(src.ptr(i, 4))); }); break;
        case dtype::UInt32: done = with([&src](int64_t i) { return static_cast<double>(load<uint32_t>(src.ptr(i, 4))); }); break;
        case dtype::Int64: done = with([&src](int64_t i) { return static_cast<double>(load<int64_t>(src.ptr(i, 8))); }); break;
        case dtype::UInt64: done = with([&src](int64_t i) { return static_cast<double>(load<uint64_t>(src.ptr(i, 8))); }); break;
        default:
            s.numeric = false;
            s.min = s.max = s.mean = s.std = kNaN;
            done = true;
            break;
        }
        return done;
    };
    bool done = false;
    if (tensor.readsFromFile() && !tensor.isDecoded())
        done = scanAll(FileSource{tensor, s.count, {}, 0, 0});
    else
        done = scanAll(MemorySource{tensor.bytes().data()});
    s.complete = done;
    return s;
}

} // namespace netfold
