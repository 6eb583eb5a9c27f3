#pragma once
#include <string>

namespace netfold {

/// A byte count for people: "512 B", "1.5 KB", "330.2 MB", up to "EB", in steps of 1024 (so a
/// size limit given as "1.5MB" reads back as 1.5 MB).
/// Takes a double so that sizes past 2^64 (a hostile shape's product) still print.
std::string formatBytes(double bytes);

} // namespace netfold
