#pragma once
#include <string>

namespace netfold {

/// A byte count for people: "512 B", "1.5 KB", "346.2 MB", up to "EB" (decimal units).
/// Takes a double so that sizes past 2^64 (a hostile shape's product) still print.
std::string formatBytes(double bytes);

} // namespace netfold
