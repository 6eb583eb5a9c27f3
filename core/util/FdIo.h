#pragma once
#include <cstddef>

namespace netfold {

/// Writes all of [data, data + size) to fd, retrying on EINTR and short writes. False on any
/// other error (errno tells which).
bool writeAll(int fd, const void* data, std::size_t size);

} // namespace netfold
