#pragma once
#include "model/Tensor.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace netfold {

/// Summary statistics of a tensor's values, accumulated in double precision.
/// min, max, mean and std are over the finite values only (NaN and +-Inf are counted apart);
/// std is the population standard deviation (numpy's default, ddof = 0).
struct TensorStats {
    /// False for string tensors and dtypes netfold cannot decode (only count is set then).
    bool numeric = false;
    /// False when the computation was cancelled through the progress callback.
    bool complete = false;
    int64_t count = 0;
    int64_t finite = 0;
    int64_t zeros = 0;
    int64_t nans = 0;
    int64_t posInfs = 0;
    int64_t negInfs = 0;
    /// NaN when there is no finite value.
    double min = 0;
    double max = 0;
    double mean = 0;
    double std = 0;
    /// Flat index of the first minimum and maximum, or -1 (for exact display of 64-bit integers).
    int64_t minIndex = -1;
    int64_t maxIndex = -1;
    /// Counts of the finite values in equal-width bins over [histLo, histHi], as
    /// numpy.histogram(finite, bins, range=(min, max)) computes them (a constant tensor gets
    /// the range [v - 0.5, v + 0.5]). Empty when there is no finite value.
    std::vector<int64_t> histogram;
    double histLo = 0;
    double histHi = 0;
};

struct TensorStatsOptions {
    /// Number of histogram bins (0 for none).
    int bins = 64;
    /// Called with the fraction done (0..1) between blocks of work; return false to cancel.
    std::function<bool(double)> progress;
};

/// Computes the statistics of a tensor, decoding it if needed (throws Error when the data
/// cannot be read). Safe to call from any thread; two passes over the data.
TensorStats computeTensorStats(const Tensor& tensor, const TensorStatsOptions& options = {});

} // namespace netfold
