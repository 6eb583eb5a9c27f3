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

/// Reads element i of the decoded bytes as double.
struct PlainReader {
    template <class T>
    static double get(const uint8_t* data, int64_t i)
    {
        return static_cast<double>(load<T>(data + i * static_cast<int64_t>(sizeof(T))));
    }
};

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
    const uint8_t* data = tensor.bytes().data();
    Scanner scan(options, s.count);
    auto with = [&](auto get) { return scan.run(get, s); };
    bool done = false;
    switch (dt) {
    case dtype::Float: done = with([data](int64_t i) { return PlainReader::get<float>(data, i); }); break;
    case dtype::Double: done = with([data](int64_t i) { return PlainReader::get<double>(data, i); }); break;
    case dtype::Float16: {
        const float* table = halfTable();
        done = with([data, table](int64_t i) { return static_cast<double>(table[load<uint16_t>(data + 2 * i)]); });
        break;
    }
    case dtype::BFloat16:
        done = with([data](int64_t i) { return static_cast<double>(bfloat16ToFloat(load<uint16_t>(data + 2 * i))); });
        break;
    case dtype::Int8: done = with([data](int64_t i) { return PlainReader::get<int8_t>(data, i); }); break;
    case dtype::UInt8:
    case dtype::Bool: done = with([data](int64_t i) { return PlainReader::get<uint8_t>(data, i); }); break;
    case dtype::Int16: done = with([data](int64_t i) { return PlainReader::get<int16_t>(data, i); }); break;
    case dtype::UInt16: done = with([data](int64_t i) { return PlainReader::get<uint16_t>(data, i); }); break;
    case dtype::Int32: done = with([data](int64_t i) { return PlainReader::get<int32_t>(data, i); }); break;
    case dtype::UInt32: done = with([data](int64_t i) { return PlainReader::get<uint32_t>(data, i); }); break;
    case dtype::Int64: done = with([data](int64_t i) { return PlainReader::get<int64_t>(data, i); }); break;
    case dtype::UInt64: done = with([data](int64_t i) { return PlainReader::get<uint64_t>(data, i); }); break;
    default:
        s.numeric = false;
        s.min = s.max = s.mean = s.std = kNaN;
        done = true;
        break;
    }
    s.complete = done;
    return s;
}

} // namespace netfold
