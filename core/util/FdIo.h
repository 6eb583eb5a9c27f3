#pragma once
#include <cstddef>
#include <cstdint>

namespace netfold {

/// Writes all of [data, data + size) to fd, retrying on EINTR and short writes. False on any
/// other error (errno tells which).
bool writeAll(int fd, const void* data, std::size_t size);
/// Reads exactly size bytes at offset (pread, retrying on EINTR and short reads). False on an
/// error or when the file ends first.
bool preadAll(int fd, void* data, std::size_t size, uint64_t offset);

} // namespace netfold
